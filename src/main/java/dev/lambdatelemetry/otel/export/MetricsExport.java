package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.export.ExportCounters.Source;
import dev.lambdatelemetry.otel.export.FlushState.RequestFate;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The metrics part of a flush: collects the converter's cumulative metrics and our own counters and
 * exports them when they are due and have changed. Apart from the spans and logs because metrics are
 * not queued: they are cumulative, so re-sending them is harmless and losing one export loses nothing.
 * Hence the rules it owns:
 *
 * <ul>
 *   <li>At most one attempt per {@code otel.metric.export.interval}, whatever its outcome (a failed or
 *       cut export waits for the next due time like a successful one), and one at SHUTDOWN's last flush
 *       whatever the interval.
 *   <li>No request when nothing changed since the last export ({@link MetricFingerprint}, with the
 *       span and log counters), nor when nothing is left once the metrics without data points are
 *       left out: a flush with nothing to send sends nothing.
 * </ul>
 *
 * <p>Used under the pipeline's flush lock.
 */
final class MetricsExport {

  /**
   * The platform's counters whose change is news: the metrics signal's own would change at every
   * export.
   */
  private static final List<Signal> COUNTED_IN_FINGERPRINT = List.of(Signal.TRACES, Signal.LOGS);

  private final MetricExporter exporter;
  private final Supplier<Collection<MetricData>> metrics;
  private final Supplier<Resource> resource;
  private final ExportCounters counters;
  private final RequestRetrier retrier;
  private final RetryAfterHold hold;
  private final Clock clock;
  private final Duration interval;
  private List<Object> lastFingerprint;
  /** When metrics were last attempted: the next attempt is due an interval later. */
  private Instant lastAttempt;

  MetricsExport(
      MetricExporter exporter,
      Supplier<Collection<MetricData>> metrics,
      Supplier<Resource> resource,
      ExportCounters counters,
      RequestRetrier retrier,
      RetryAfterHold hold,
      Clock clock,
      Duration interval) {
    this.exporter = exporter;
    this.metrics = metrics;
    this.resource = resource;
    this.counters = counters;
    this.retrier = retrier;
    this.hold = hold;
    this.clock = clock;
    this.interval = interval;
  }

  /** Exports the metrics if they are due and changed, within {@code state}'s deadline. */
  void export(FlushState state) {
    if (exporter == null || state.halted()) {
      return;
    }
    Instant now = clock.instant();
    if (!state.finalFlush && lastAttempt != null && now.isBefore(lastAttempt.plus(interval))) {
      return; // cumulative: the values of the next due export (or of SHUTDOWN) include these
    }
    List<MetricData> user = withPoints(collect(state));
    List<Object> fingerprint = MetricFingerprint.of(user);
    for (Outcome o : Outcome.values()) {
      for (Signal s : COUNTED_IN_FINGERPRINT) {
        fingerprint.add(counters.get(s, o));
      }
      // The function's counters of every signal: they change only when the function's data does.
      for (Signal s : Signal.values()) {
        fingerprint.add(counters.get(Source.FUNCTION, s, o));
      }
    }
    if (fingerprint.equals(lastFingerprint)) {
      return;
    }
    List<MetricData> all = new ArrayList<>(user);
    MetricData self = counters.toMetricData(resource.get(), TimeUnit.MILLISECONDS.toNanos(clock.millis()));
    if (!self.getData().getPoints().isEmpty()) {
      all.add(self);
    }
    if (all.isEmpty()) {
      lastFingerprint = fingerprint;
      return; // nothing to say: no request at all (an empty export is noise at the collector)
    }
    if (hold.holds(Signal.METRICS, state)) {
      return;
    }
    int n = user.size();
    RequestFate fate = retrier.send(Signal.METRICS, n, () -> exporter.export(all), state);
    if (fate != RequestFate.NOT_SENT) {
      // Attempted: the next attempt is due an interval later, whatever came of this one.
      lastAttempt = now;
    }
    switch (fate) {
      case EXPORTED -> {
        counters.add(Signal.METRICS, Outcome.EXPORTED, n);
        state.exported += n;
        lastFingerprint = fingerprint;
      }
      case REJECTED -> {
        counters.add(Signal.METRICS, Outcome.FAILED, n);
        lastFingerprint = fingerprint;
      }
      case ABANDONED -> counters.add(Signal.METRICS, Outcome.ABANDONED, n);
      case KEEP, NOT_SENT -> {
        // Cumulative: the next due export sends the then-current values.
      }
    }
  }

  /** The converter's metrics; none when it fails (the error goes to the flush's debug line). */
  private Collection<MetricData> collect(FlushState state) {
    try {
      Collection<MetricData> supplied = metrics.get();
      return supplied == null ? List.of() : supplied;
    } catch (RuntimeException e) {
      state.error = e;
      return List.of();
    }
  }

  /** The metrics that carry at least one data point: an empty one says nothing. */
  private static List<MetricData> withPoints(Collection<MetricData> metrics) {
    List<MetricData> out = new ArrayList<>(metrics.size());
    for (MetricData m : metrics) {
      if (m != null && !m.getData().getPoints().isEmpty()) {
        out.add(m);
      }
    }
    return out;
  }
}
