package dev.lambdatelemetry.otel.translate;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The FaaS metrics of one execution environment, cumulative over its life, with event times as point
 * times: start = the first event time seen, time = the latest event time that changed the instrument.
 *
 * <p>Thread-safe: the processing thread records while the export thread collects. Every method is
 * synchronized on this object; recording is a few arithmetic operations, collection is rare.
 */
final class MetricsAggregator {

  /** The semantic conventions' advice for {@code faas.invoke_duration} / {@code faas.init_duration}. */
  static final List<Double> DURATION_SECONDS_BOUNDS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  /**
   * Memory in bytes: powers of two of MiB from 64 MiB (below the 128 MiB minimum function size) up to
   * the 10 240 MiB maximum, so the bucket of a sample tells which memory setting it would fit.
   */
  static final List<Double> MEMORY_BYTES_BOUNDS =
      mebibytes(64, 128, 256, 512, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 10240);

  /**
   * Billed milliseconds: from the 1 ms billing granularity up to the 900 s maximum timeout, roughly
   * 1-2.5-5 per decade.
   */
  static final List<Double> BILLED_MS_BOUNDS =
      List.of(1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0,
          30000.0, 60000.0, 300000.0, 900000.0);

  private final InstrumentationScopeInfo scope;
  private final Counter invocations = new Counter("faas.invocations", "{invocation}",
      "Invocations whose final status is success");
  private final Counter errors = new Counter("faas.errors", "{error}",
      "Invocations whose final status is error, failure or unknown");
  private final Counter timeouts = new Counter("faas.timeouts", "{timeout}", "Invocations that timed out");
  private final Counter coldStarts = new Counter("faas.coldstarts", "{coldstart}", "Cold starts");
  private final Histogram invokeDuration = new Histogram("faas.invoke_duration", "s",
      "Invocation duration (runtimeDone, else report)", DURATION_SECONDS_BOUNDS);
  private final Histogram initDuration = new Histogram("faas.init_duration", "s",
      "Init duration per platform.initReport", DURATION_SECONDS_BOUNDS);
  private final Histogram memUsage = new Histogram("faas.mem_usage", "By",
      "Maximum memory used per invocation", MEMORY_BYTES_BOUNDS);
  private final Histogram billedDuration = new Histogram("aws.lambda.billed_duration", "ms",
      "Billed duration per invocation", BILLED_MS_BOUNDS);
  private final Histogram restoreDuration = new Histogram("aws.lambda.restore_duration", "s",
      "SnapStart restore duration per platform.restoreReport", DURATION_SECONDS_BOUNDS);
  private final Counter droppedRecords = new Counter("aws.lambda.telemetry.dropped_records",
      "{record}", "Records the Telemetry API dropped (platform.logsDropped)");
  private final Counter droppedBytes = new Counter("aws.lambda.telemetry.dropped_bytes", "By",
      "Bytes the Telemetry API dropped (platform.logsDropped)");
  private final List<Counter> counters =
      List.of(invocations, errors, timeouts, coldStarts, droppedRecords, droppedBytes);
  private final List<Histogram> histograms =
      List.of(invokeDuration, initDuration, memUsage, billedDuration, restoreDuration);
  private long startEpochNanos = -1;

  MetricsAggregator(InstrumentationScopeInfo scope) {
    this.scope = scope;
  }

  /** Notes an event time; the first one becomes the start time of every point. */
  synchronized void noteEventTime(Instant time) {
    if (startEpochNanos < 0) {
      startEpochNanos = SpanTranslator.nanos(time);
    }
  }

  /** Counts one finished invocation by its final status. */
  synchronized void countOutcome(String finalStatus, Instant time) {
    if (LambdaAttributes.STATUS_SUCCESS.equals(finalStatus)) {
      invocations.add(1, time);
    } else if (LambdaAttributes.STATUS_TIMEOUT.equals(finalStatus)) {
      timeouts.add(1, time);
    } else {
      errors.add(1, time);
    }
  }

  synchronized void countColdStart(Instant time) {
    coldStarts.add(1, time);
  }

  synchronized void recordInvokeDuration(double millis, Instant time) {
    invokeDuration.record(millis / 1000d, time);
  }

  synchronized void recordInitDuration(double millis, Instant time) {
    initDuration.record(millis / 1000d, time);
  }

  synchronized void recordRestoreDuration(double millis, Instant time) {
    restoreDuration.record(millis / 1000d, time);
  }

  /** Lambda's "MB" is MiB: the sample is {@code mebibytes × 1 048 576}. */
  synchronized void recordMemoryUsed(long mebibytes, Instant time) {
    memUsage.record(mebibytes * 1_048_576d, time);
  }

  synchronized void recordBilledDuration(long millis, Instant time) {
    billedDuration.record(millis, time);
  }

  synchronized void countDropped(long records, long bytes, Instant time) {
    droppedRecords.add(records, time);
    droppedBytes.add(bytes, time);
  }

  /** A cumulative snapshot of every instrument that has data; empty before the first recording. */
  synchronized List<MetricData> collect(Resource resource) {
    List<MetricData> metrics = new ArrayList<>();
    for (Counter counter : counters) {
      if (counter.lastEpochNanos >= 0) {
        metrics.add(counter.toMetricData(resource));
      }
    }
    for (Histogram histogram : histograms) {
      if (histogram.count > 0) {
        metrics.add(histogram.toMetricData(resource));
      }
    }
    return metrics;
  }

  private long start(long pointTime) {
    return startEpochNanos < 0 ? pointTime : Math.min(startEpochNanos, pointTime);
  }

  private static List<Double> mebibytes(int... values) {
    return Arrays.stream(values).mapToObj(v -> v * 1_048_576d).toList();
  }

  /** A monotonic long sum. Guarded by the aggregator's lock. */
  private final class Counter {
    private final String name;
    private final String unit;
    private final String description;
    private long value;
    private long lastEpochNanos = -1;

    Counter(String name, String unit, String description) {
      this.name = name;
      this.unit = unit;
      this.description = description;
    }

    void add(long increment, Instant time) {
      value += Math.max(0, increment);
      lastEpochNanos = Math.max(lastEpochNanos, SpanTranslator.nanos(time));
    }

    MetricData toMetricData(Resource resource) {
      return ImmutableMetricData.createLongSum(resource, scope, name, description, unit,
          ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, List.of(
              ImmutableLongPointData.create(start(lastEpochNanos), lastEpochNanos, Attributes.empty(), value))));
    }
  }

  /** An explicit-bucket histogram. Guarded by the aggregator's lock. */
  private final class Histogram {
    private final String name;
    private final String unit;
    private final String description;
    private final List<Double> bounds;
    private final long[] bucketCounts;
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long lastEpochNanos = -1;

    Histogram(String name, String unit, String description, List<Double> bounds) {
      this.name = name;
      this.unit = unit;
      this.description = description;
      this.bounds = bounds;
      this.bucketCounts = new long[bounds.size() + 1];
    }

    void record(double value, Instant time) {
      if (!Double.isFinite(value) || value < 0) {
        return;
      }
      int bucket = 0;
      while (bucket < bounds.size() && value > bounds.get(bucket)) {
        bucket++;
      }
      bucketCounts[bucket]++;
      count++;
      sum += value;
      min = Math.min(min, value);
      max = Math.max(max, value);
      lastEpochNanos = Math.max(lastEpochNanos, SpanTranslator.nanos(time));
    }

    MetricData toMetricData(Resource resource) {
      List<Long> counts = Arrays.stream(bucketCounts).boxed().toList();
      HistogramPointData point = ImmutableHistogramPointData.create(start(lastEpochNanos), lastEpochNanos,
          Attributes.empty(), sum, true, min, true, max, bounds, counts);
      return ImmutableMetricData.createDoubleHistogram(resource, scope, name, description, unit,
          ImmutableHistogramData.create(AggregationTemporality.CUMULATIVE, List.of(point)));
    }
  }
}
