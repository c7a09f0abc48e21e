package dev.lambdatelemetry.otel.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import dev.lambdatelemetry.otel.Instrumentation;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Self-telemetry of the receiving side: what happened to every delivery and every event up to
 * conversion, so that a loss on our side of the listener is as visible as one in export. Exported
 * with the other metrics as
 * <ul>
 *   <li>{@code lambda_telemetry.listener.batches{outcome}}: {@code accepted},
 *       {@code dropped_inbox_full}, {@code duplicate}, {@code dropped_too_large},
 *       {@code unreadable}, {@code malformed} (not a JSON array), {@code failed} (its processing
 *       threw, e.g. out of memory while parsing: its events are lost);
 *   <li>{@code lambda_telemetry.listener.events{outcome}}: {@code converted}, {@code malformed}
 *       (an element the parser could not read as its type), {@code unknown_type} (a type the
 *       converter does not model: ignored; a record of a known type with the wrong shape is
 *       counted here as well as {@code malformed}), {@code failed} (conversion threw: the event
 *       is lost, its neighbours are converted);
 *   <li>{@code lambda_telemetry.conversion.invocations{outcome}}: {@code evicted} (emitted before
 *       their {@code platform.report} because more than {@code max-open-invocations} were held:
 *       their spans lack the report's figures), {@code failed} (the converter failed on an INVOKE
 *       notice or on the SHUTDOWN release of held spans); present once there is one.
 * </ul>
 */
public final class ListenerMetrics {

  static final String BATCHES = "lambda_telemetry.listener.batches";
  static final String EVENTS = "lambda_telemetry.listener.events";
  static final String INVOCATIONS = "lambda_telemetry.conversion.invocations";
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

  private final TelemetryInbox inbox;
  private final TelemetryReceiver receiver;
  private final TelemetryProcessor processor;
  private final ConverterCounts converter;
  private final long startEpochNanos;

  /**
   * The converter's own counters (it catches its failures, so the processor never sees them).
   * Suppliers rather than the converter itself: this package does not depend on {@code translate}.
   *
   * @param failed events whose conversion threw
   * @param unknown events of a type the converter does not model
   * @param evicted invocations emitted early because too many were held
   * @param failedOperations INVOKE notices and SHUTDOWN releases that threw
   */
  public record ConverterCounts(
      LongSupplier failed, LongSupplier unknown, LongSupplier evicted,
      LongSupplier failedOperations) {}

  /** Reads the counters of these parts. */
  public ListenerMetrics(
      TelemetryInbox inbox, TelemetryReceiver receiver, TelemetryProcessor processor,
      ConverterCounts converter, long startEpochNanos) {
    this.inbox = inbox;
    this.receiver = receiver;
    this.processor = processor;
    this.converter = converter;
    this.startEpochNanos = startEpochNanos;
  }

  /** The cumulative counters, now. */
  public List<MetricData> collect(Resource resource, long nowEpochNanos) {
    long failedConversions = converter.failed().getAsLong();
    long unknown = converter.unknown().getAsLong();
    long evicted = converter.evicted().getAsLong();
    long failedOperations = converter.failedOperations().getAsLong();
    List<LongPointData> batches = new ArrayList<>();
    add(batches, "accepted", inbox.acceptedBatches(), nowEpochNanos);
    add(batches, "dropped_inbox_full", inbox.droppedBatches(), nowEpochNanos);
    add(batches, "duplicate", receiver.duplicates(), nowEpochNanos);
    add(batches, "dropped_too_large", receiver.oversized(), nowEpochNanos);
    add(batches, "unreadable", receiver.unreadable(), nowEpochNanos);
    add(batches, "malformed", processor.malformedBodies(), nowEpochNanos);
    add(batches, "failed", processor.failedBatches(), nowEpochNanos);
    List<LongPointData> events = new ArrayList<>();
    // The processor counts every event the converter returned from; the converter's own failures
    // and ignored types are among them. Read at slightly different moments: never below zero.
    add(events, "converted",
        Math.max(0, processor.events() - failedConversions - unknown), nowEpochNanos);
    add(events, "malformed", processor.malformedElements(), nowEpochNanos);
    add(events, "unknown_type", unknown, nowEpochNanos);
    add(events, "failed", processor.failedEvents() + failedConversions, nowEpochNanos);
    List<MetricData> metrics = new ArrayList<>(3);
    metrics.add(
        sum(resource, BATCHES, "Telemetry API deliveries received, per outcome", "{batch}", batches));
    metrics.add(
        sum(resource, EVENTS, "Telemetry API events received, per outcome", "{event}", events));
    if (evicted > 0 || failedOperations > 0) {
      List<LongPointData> invocations = new ArrayList<>(2);
      add(invocations, "evicted", evicted, nowEpochNanos);
      add(invocations, "failed", failedOperations, nowEpochNanos);
      metrics.add(sum(resource, INVOCATIONS,
          "Invocations emitted early or failed in conversion, per outcome", "{invocation}",
          invocations));
    }
    return metrics;
  }

  private void add(List<LongPointData> points, String outcome, long value, long now) {
    if (value > 0) {
      points.add(ImmutableLongPointData.create(
          startEpochNanos, now, Attributes.of(OUTCOME, outcome), value));
    }
  }

  private static MetricData sum(
      Resource resource, String name, String description, String unit, List<LongPointData> points) {
    return ImmutableMetricData.createLongSum(resource, Instrumentation.SCOPE, name, description, unit,
        ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, points));
  }
}
