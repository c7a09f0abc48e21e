package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.Instrumentation;
import dev.lambdatelemetry.otel.otlp.ReceiverCounters;
import dev.lambdatelemetry.otel.otlp.Signal;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Self-telemetry of the local OTLP endpoint, exported with our other metrics:
 * <ul>
 *   <li>{@code lambda_telemetry.otlp_receiver.state{state}}: a gauge of 1 whose {@code state} says
 *       whether the endpoint serves ({@code listening}, {@code partly-in-use}, {@code ports-in-use},
 *       {@code disabled}, {@code off-destination-is-local}, {@code failed}): a port held by another
 *       layer is visible in the backend, not only in the log;
 *   <li>{@code lambda_telemetry.otlp_receiver.items{signal, outcome, source=function}}: the
 *       function's spans, log records and data points per outcome at the endpoint ({@code accepted},
 *       {@code rejected_full}, {@code rejected_malformed}, {@code rejected_too_large}; a request
 *       that did not decode counts as one item); accepted items may then be {@code
 *       discarded_duplicate} (spans the SDK sent again) or {@code discarded_function_logs_off} (log
 *       records, with {@code function-logs=telemetry-api}).
 * </ul>
 */
final class ReceiverMetrics {

  static final String STATE = "lambda_telemetry.otlp_receiver.state";
  static final String ITEMS = "lambda_telemetry.otlp_receiver.items";
  private static final AttributeKey<String> STATE_KEY = AttributeKey.stringKey("state");
  private static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("signal");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  private static final AttributeKey<String> SOURCE = AttributeKey.stringKey("source");

  private final FunctionReceiver receiver;
  private final long startEpochNanos;

  ReceiverMetrics(FunctionReceiver receiver, long startEpochNanos) {
    this.receiver = receiver;
    this.startEpochNanos = startEpochNanos;
  }

  List<MetricData> collect(Resource resource, long nowEpochNanos) {
    List<MetricData> metrics = new ArrayList<>(2);
    metrics.add(ImmutableMetricData.createLongGauge(resource, Instrumentation.SCOPE, STATE,
        "Whether the local OTLP endpoint serves, and why not", "1",
        ImmutableGaugeData.create(List.of(ImmutableLongPointData.create(startEpochNanos,
            nowEpochNanos, Attributes.of(STATE_KEY, receiver.state().value()), 1)))));
    if (receiver.endpointIfStarted() == null) {
      return metrics;
    }
    List<LongPointData> points = new ArrayList<>();
    ReceiverCounters counters = receiver.counters();
    for (Signal signal : Signal.values()) {
      for (ReceiverCounters.Outcome outcome : ReceiverCounters.Outcome.values()) {
        ReceiverCounters.Count c = counters.get(signal, outcome);
        long items = outcome == ReceiverCounters.Outcome.ACCEPTED || outcome
            == ReceiverCounters.Outcome.REJECTED_FULL ? c.items() : Math.max(c.items(), c.requests());
        if (items > 0) {
          points.add(point(signal, outcome.name(), items, nowEpochNanos));
        }
      }
      for (ReceiverCounters.Discard why : ReceiverCounters.Discard.values()) {
        long items = counters.discarded(signal, why).items();
        if (items > 0) {
          points.add(point(signal, "discarded_" + why.name(), items, nowEpochNanos));
        }
      }
    }
    if (!points.isEmpty()) {
      metrics.add(ImmutableMetricData.createLongSum(resource, Instrumentation.SCOPE, ITEMS,
          "The function's OTLP items at the local endpoint, per signal and outcome", "{item}",
          ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, points)));
    }
    return metrics;
  }

  private LongPointData point(Signal signal, String outcome, long items, long nowEpochNanos) {
    return ImmutableLongPointData.create(startEpochNanos, nowEpochNanos, Attributes.of(
        SIGNAL, signal.name().toLowerCase(Locale.ROOT),
        OUTCOME, outcome.toLowerCase(Locale.ROOT),
        SOURCE, "function"), items);
  }
}
