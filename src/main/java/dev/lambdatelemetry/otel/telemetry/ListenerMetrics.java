package dev.lambdatelemetry.otel.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
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

/**
 * Self-telemetry of the receiving side: what happened to every delivery before conversion, so that
 * a loss on our side of the listener is as visible as one in export. Exported with the other metrics
 * as {@code lambda_telemetry.listener.batches{outcome}} and {@code lambda_telemetry.listener.events
 * {outcome}}.
 */
public final class ListenerMetrics {

  static final String BATCHES = "lambda_telemetry.listener.batches";
  static final String EVENTS = "lambda_telemetry.listener.events";
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  private static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.create("lambda-telemetry-otel");

  private final TelemetryInbox inbox;
  private final TelemetryReceiver receiver;
  private final TelemetryProcessor processor;
  private final long startEpochNanos;

  /** Reads the counters of these parts; {@code processor} may be null until it exists. */
  public ListenerMetrics(
      TelemetryInbox inbox, TelemetryReceiver receiver, TelemetryProcessor processor,
      long startEpochNanos) {
    this.inbox = inbox;
    this.receiver = receiver;
    this.processor = processor;
    this.startEpochNanos = startEpochNanos;
  }

  /** The two cumulative counters, now. */
  public List<MetricData> collect(Resource resource, long nowEpochNanos) {
    List<LongPointData> batches = new ArrayList<>();
    add(batches, "accepted", inbox.acceptedBatches(), nowEpochNanos);
    add(batches, "dropped_inbox_full", inbox.droppedBatches(), nowEpochNanos);
    add(batches, "duplicate", receiver.duplicates(), nowEpochNanos);
    add(batches, "dropped_too_large", receiver.oversized(), nowEpochNanos);
    add(batches, "unreadable", receiver.unreadable(), nowEpochNanos);
    add(batches, "malformed", processor.malformedBodies(), nowEpochNanos);
    List<LongPointData> events = new ArrayList<>();
    add(events, "converted", processor.events(), nowEpochNanos);
    add(events, "malformed", processor.malformedElements(), nowEpochNanos);
    add(events, "failed", processor.failedEvents(), nowEpochNanos);
    return List.of(
        sum(resource, BATCHES, "Telemetry API deliveries received, per outcome", "{batch}", batches),
        sum(resource, EVENTS, "Telemetry API events received, per outcome", "{event}", events));
  }

  private void add(List<LongPointData> points, String outcome, long value, long now) {
    if (value > 0) {
      points.add(ImmutableLongPointData.create(
          startEpochNanos, now, Attributes.of(OUTCOME, outcome), value));
    }
  }

  private static MetricData sum(
      Resource resource, String name, String description, String unit, List<LongPointData> points) {
    return ImmutableMetricData.createLongSum(resource, SCOPE, name, description, unit,
        ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, points));
  }
}
