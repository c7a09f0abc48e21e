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
 * Self-telemetry: items per source, signal and outcome, exported with the other metrics as the
 * cumulative monotonic sum {@value #METRIC_NAME} with attributes {@code source} ({@code platform}: what
 * we converted from the Telemetry API; {@code function}: what the function's own SDK sent to the local
 * OTLP endpoint, its metrics counted in data points), {@code signal} (traces, logs, metrics) and {@code
 * outcome} (see {@link Outcome}), so a user sees loss instead of guessing.
 */
final class ExportCounters {

  static final String METRIC_NAME = "lambda_telemetry.export.items";
  static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("signal");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  static final AttributeKey<String> SOURCE = AttributeKey.stringKey("source");

  private final Map<Source, Map<Signal, Map<Outcome, LongAdder>>> counts = new EnumMap<>(Source.class);
  private final long startEpochNanos;

  ExportCounters(long startEpochNanos) {
    this.startEpochNanos = startEpochNanos;
    for (Source source : Source.values()) {
      Map<Signal, Map<Outcome, LongAdder>> bySignal = new EnumMap<>(Signal.class);
      for (Signal s : Signal.values()) {
        Map<Outcome, LongAdder> m = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
          m.put(o, new LongAdder());
        }
        bySignal.put(s, m);
      }
      counts.put(source, bySignal);
    }
  }

  /** Counts {@code n} of the platform's items. */
  void add(Signal signal, Outcome outcome, long n) {
    add(Source.PLATFORM, signal, outcome, n);
  }

  void add(Source source, Signal signal, Outcome outcome, long n) {
    if (n > 0) {
      counts.get(source).get(signal).get(outcome).add(n);
    }
  }

  /** The platform's count. */
  long get(Signal signal, Outcome outcome) {
    return get(Source.PLATFORM, signal, outcome);
  }

  long get(Source source, Signal signal, Outcome outcome) {
    return counts.get(source).get(signal).get(outcome).sum();
  }

  /** The counters as one MetricData (only non-zero points). */
  MetricData toMetricData(Resource resource, long nowEpochNanos) {
    List<LongPointData> points = new ArrayList<>();
    counts.forEach((source, bySource) -> bySource.forEach((signal, bySignal) -> bySignal.forEach(
        (outcome, adder) -> {
          long v = adder.sum();
          if (v > 0) {
            points.add(ImmutableLongPointData.create(startEpochNanos, nowEpochNanos,
                Attributes.of(SOURCE, source.key(), SIGNAL, signal.key(), OUTCOME, outcome.key()), v));
          }
        })));
    return ImmutableMetricData.createLongSum(
        resource,
        Instrumentation.SCOPE,
        METRIC_NAME,
        "Telemetry items handled by the export pipeline, per source, signal and outcome",
        "{item}",
        ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, points));
  }

  /**
   * {@code traces exported=3 retried=0 …; logs …} for the platform's items, then {@code ; function
   * traces …} for each signal of the function's that has a count.
   */
  String line() {
    StringBuilder b = new StringBuilder();
    counts.forEach((source, bySource) -> bySource.forEach((signal, bySignal) -> {
      if (source == Source.FUNCTION && bySignal.values().stream().allMatch(a -> a.sum() == 0)) {
        return;
      }
      b.append(b.length() == 0 ? "" : "; ")
          .append(source == Source.FUNCTION ? "function " : "").append(signal.key());
      bySignal.forEach((o, a) -> b.append(' ').append(o.key()).append('=').append(a.sum()));
    }));
    return b.toString();
  }

  /** Whose items: converted from the platform's events, or received from the function's SDK. */
  enum Source {
    PLATFORM("platform"),
    FUNCTION("function");

    private final String key;

    Source(String key) {
      this.key = key;
    }

    String key() {
      return key;
    }
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
