package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import dev.lambdatelemetry.otel.Instrumentation;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Self-telemetry: items per signal and outcome, exported with the other metrics as the cumulative
 * monotonic sum {@value #METRIC_NAME} with attributes {@code signal} (traces, logs, metrics) and {@code
 * outcome} (see {@link Outcome}), so a user sees loss instead of guessing.
 */
final class ExportCounters {

  static final String METRIC_NAME = "lambda_telemetry.export.items";
  static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("signal");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

  private final Map<Signal, Map<Outcome, LongAdder>> counts = new EnumMap<>(Signal.class);
  private final long startEpochNanos;

  ExportCounters(long startEpochNanos) {
    this.startEpochNanos = startEpochNanos;
    for (Signal s : Signal.values()) {
      Map<Outcome, LongAdder> m = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        m.put(o, new LongAdder());
      }
      counts.put(s, m);
    }
  }

  void add(Signal signal, Outcome outcome, long n) {
    if (n > 0) {
      counts.get(signal).get(outcome).add(n);
    }
  }

  long get(Signal signal, Outcome outcome) {
    return counts.get(signal).get(outcome).sum();
  }

  /** The counters as one MetricData (only non-zero points). */
  MetricData toMetricData(Resource resource, long nowEpochNanos) {
    List<LongPointData> points = new ArrayList<>();
    counts.forEach(
        (signal, bySignal) ->
            bySignal.forEach(
                (outcome, adder) -> {
                  long v = adder.sum();
                  if (v > 0) {
                    points.add(
                        ImmutableLongPointData.create(
                            startEpochNanos,
                            nowEpochNanos,
                            Attributes.of(SIGNAL, signal.key(), OUTCOME, outcome.key()),
                            v));
                  }
                }));
    return ImmutableMetricData.createLongSum(
        resource,
        Instrumentation.SCOPE,
        METRIC_NAME,
        "Telemetry items handled by the export pipeline, per signal and outcome",
        "{item}",
        ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, points));
  }

  /** {@code traces exported=3 retried=0 …; logs …}. */
  String line() {
    StringBuilder b = new StringBuilder();
    counts.forEach(
        (signal, bySignal) -> {
          b.append(b.length() == 0 ? "" : "; ").append(signal.key());
          bySignal.forEach((o, a) -> b.append(' ').append(o.key()).append('=').append(a.sum()));
        });
    return b.toString();
  }

  /** What happened to an item. */
  enum Outcome {
    /** Accepted by the collector (2xx). */
    EXPORTED("exported"),
    /** Sent again after a retryable answer (counted per retry). */
    RETRIED("retried"),
    /** Rejected by the collector with a non-retryable answer; not sent again. */
    FAILED("failed"),
    /** Dropped unsent: oldest out of a full queue, or still queued at shutdown. */
    DROPPED("dropped"),
    /**
     * In a request cut at the flush deadline: the collector may or may not have it. Never sent again,
     * so a thaw can never duplicate it; counted so the possible loss is visible.
     */
    ABANDONED("abandoned");

    private final String key;

    Outcome(String key) {
      this.key = key;
    }

    String key() {
      return key;
    }
  }
}
