package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.ExportConfig;
import dev.lambdatelemetry.otel.config.MemoryBudget;
import dev.lambdatelemetry.otel.config.OtelConfig;
import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.export.PendingQueue.Entry;
import dev.lambdatelemetry.otel.translate.SignalSink;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * Queues converted spans and logs and exports them, with the cumulative metrics, over OTLP in
 * deadline-bounded flushes.
 *
 * <p>Why it is shaped this way: Lambda freezes the whole sandbox once the extension calls {@code next},
 * so a request still in flight at that moment would either be lost or, resumed after the thaw, race a
 * re-send. Hence the rules:
 *
 * <ul>
 *   <li>{@link #flush} is synchronous and returns by its deadline whatever the collector does. Every
 *       request is sized to the time left, and any request still running when the flush ends is
 *       cancelled before it returns: <b>no request is in flight after {@code flush} returns</b>.
 *   <li>A span or log request cut at the deadline has an unknown fate (the collector may have it). Its
 *       items are counted as {@code abandoned} and never sent again, so a thaw cannot duplicate them.
 *       Items whose request certainly failed (connection refused, 429/502/503/504 and other retryable
 *       answers, no time left to start) go back to the front of their queue for the next flush.
 *       Metrics are cumulative, so re-sending them is harmless: an abandoned metrics request is simply
 *       tried again at the next flush.
 *   <li>Retries (exponential backoff with jitter, or {@code Retry-After}) happen only inside the deadline.
 *   <li>After {@code breaker.failure-threshold} consecutive failed flushes a circuit breaker skips export
 *       attempts for a growing, jittered period, so an outage costs invocations ~0 ms; items stay queued
 *       (bounded) and a later flush probes.
 *   <li>Queues are bounded in items and in estimated bytes; the oldest items are dropped and counted.
 * </ul>
 *
 * <p>Self-telemetry: the counter {@value ExportCounters#METRIC_NAME} (attributes {@code signal} =
 * traces|logs|metrics, {@code outcome} = exported|retried|failed|dropped|abandoned) is exported with the
 * metrics, and {@link #statsLine()} gives the same for a debug log.
 *
 * <p>Threads: {@link #span}/{@link #log} may be called from any thread and never block; flushes are
 * serialised by a lock (the event loop, or the background thread of the {@code continuous} strategy).
 */
public final class ExportPipeline implements SignalSink {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.export");

  /** A request with less time than this is not started: it could only be abandoned. */
  private static final Duration MIN_ATTEMPT_TIME = Duration.ofMillis(2);

  /** Kept between a request's own timeout and the flush deadline, for the cancel and bookkeeping. */
  private static final Duration DEADLINE_SLACK = Duration.ofMillis(1);

  /** The shortest deadline a background flush gets, whatever its interval. */
  private static final Duration MIN_BACKGROUND_WINDOW = Duration.ofSeconds(1);
  private static final BooleanSupplier NOT_CANCELLED = () -> false;
  /** A retry's backoff notices a stop within this. */
  private static final Duration BACKOFF_SLICE = Duration.ofMillis(10);
  /** How long a background flush whose requests were cut may take to notice. */
  private static final Duration CUT_WAIT = Duration.ofMillis(100);
  private static final String THREAD_NAME = "lambda-telemetry-export";

  private final Resource resource;
  private final Supplier<Collection<MetricData>> metrics;
  private final SpanExporter spanExporter;
  private final LogRecordExporter logExporter;
  private final MetricExporter metricExporter;
  private final PendingQueue<SpanData> spans;
  private final PendingQueue<LogRecordData> logs;
  private final ExportCounters counters;
  private final CircuitBreaker breaker;
  private final InFlight inFlight;
  private final ExecutorService httpExecutor;
  private final Clock clock;
  private final RandomGenerator random;
  private final ReentrantLock flushLock = new ReentrantLock();
  private final int maxBatchItems;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private volatile boolean shutDown;
  private volatile Thread background;
  private List<Object> lastMetricsFingerprint;
  private volatile long lastRejectWarnNanos;
  private static final Duration REJECT_WARN_EVERY = Duration.ofMinutes(5);
  private Instant lastMetricsExport;
  private final Duration metricInterval;

  /**
   * A pipeline exporting to what {@code otel} names.
   *
   * @param export queue bounds, retry and breaker settings
   * @param otel the checked OpenTelemetry settings ({@link OtelSettings#from})
   * @param resource the environment's resource, for the self-telemetry metric
   * @param metrics the converter's cumulative metrics; called at each flush, exported when changed
   */
  public ExportPipeline(
      ExportConfig export,
      OtelSettings otel,
      Resource resource,
      Supplier<Collection<MetricData>> metrics) {
    this(export, otel, resource, metrics, Clock.systemUTC(), RandomGenerator.getDefault(), System.out);
  }

  ExportPipeline(
      ExportConfig export,
      OtelSettings otel,
      Resource resource,
      Supplier<Collection<MetricData>> metrics,
      Clock clock,
      RandomGenerator random,
      PrintStream console) {
    this.resource = resource;
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
    this.metricInterval = otel.metricExportInterval();
    this.maxBatchItems = positive("lambda-telemetry.export.max-batch-items", export.maxBatchItems());
    this.maxAttempts = positive("lambda-telemetry.export.retry.max-attempts", export.retry().maxAttempts());
    this.initialBackoff = export.retry().initialBackoff();
    this.maxBackoff = export.retry().maxBackoff();
    export.queue().maxMib().ifPresent(mib -> positive("lambda-telemetry.export.queue.max-mib", mib));
    long maxBytes = MemoryBudget.queueBytes(export, MemoryBudget.maxHeap());
    this.spans =
        new PendingQueue<>(
            positive("lambda-telemetry.export.queue.max-spans", export.queue().maxSpans()),
            maxBytes,
            SizeEstimates::span);
    this.logs =
        new PendingQueue<>(
            positive("lambda-telemetry.export.queue.max-logs", export.queue().maxLogs()),
            maxBytes,
            SizeEstimates::log);
    this.counters = new ExportCounters(TimeUnit.MILLISECONDS.toNanos(clock.millis()));
    this.breaker =
        new CircuitBreaker(
            export.breaker().failureThreshold(),
            export.breaker().initialWait(),
            export.breaker().maxWait(),
            random);
    this.inFlight = new InFlight(clock);
    this.httpExecutor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, THREAD_NAME + "-http");
              t.setDaemon(true);
              return t;
            });
    ExporterFactory.Exporters exporters = ExporterFactory.create(otel, inFlight, httpExecutor, console);
    this.spanExporter = exporters.spans();
    this.logExporter = exporters.logs();
    this.metricExporter = exporters.metrics();
  }

  /** Checks {@code otel} (throwing {@link IllegalArgumentException} naming the property) and builds. */
  public static ExportPipeline create(
      ExportConfig export,
      OtelConfig otel,
      Resource resource,
      Supplier<Collection<MetricData>> metrics) {
    return new ExportPipeline(export, OtelSettings.from(otel), resource, metrics);
  }

  @Override
  public void span(SpanData span) {
    if (span == null || spanExporter == null) {
      return;
    }
    if (shutDown) {
      counters.add(Signal.TRACES, Outcome.DROPPED, 1);
      return;
    }
    counters.add(Signal.TRACES, Outcome.DROPPED, spans.add(span));
  }

  @Override
  public void log(LogRecordData log) {
    if (log == null || logExporter == null) {
      return;
    }
    if (shutDown) {
      counters.add(Signal.LOGS, Outcome.DROPPED, 1);
      return;
    }
    counters.add(Signal.LOGS, Outcome.DROPPED, logs.add(log));
  }

  /**
   * Exports what is pending (spans, logs, and the metrics if they changed since their last export) and
   * returns before {@code deadline}, with no request left in flight. Never throws. When the circuit
   * breaker is open it returns at once with {@link FlushResult.Status#BREAKER_OPEN}.
   */
  public FlushResult flush(Instant deadline) {
    return flush(deadline, false, false, NOT_CANCELLED);
  }

  /**
   * A flush during SHUTDOWN: made even when the breaker is open (there is no later chance), after
   * background export has stopped. {@code last}: metrics go too, whatever their interval. May be
   * called several times before {@link #shutdown}, as deliveries still come in.
   */
  public FlushResult flushAtShutdown(Instant deadline, boolean last) {
    stopBackground(clock.instant());
    return flush(deadline, true, last, NOT_CANCELLED);
  }

  /**
   * The last flush, bounded by {@code deadline} and made even when the breaker is open; whatever is
   * still queued afterwards is counted as dropped; then the exporters are closed. Idempotent.
   */
  public void shutdown(Instant deadline) {
    stopBackground(clock.instant());
    if (shutDown) {
      return;
    }
    flush(deadline, true, true, NOT_CANCELLED);
    shutDown = true;
    counters.add(Signal.TRACES, Outcome.DROPPED, spans.clear());
    counters.add(Signal.LOGS, Outcome.DROPPED, logs.clear());
    inFlight.close();
    if (spanExporter != null) {
      spanExporter.shutdown();
    }
    if (logExporter != null) {
      logExporter.shutdown();
    }
    if (metricExporter != null) {
      metricExporter.shutdown();
    }
    httpExecutor.shutdownNow();
    LOG.debugf("[export] shut down: %s", statsLine());
  }

  /**
   * Starts background export every {@code interval} on one named daemon thread (the {@code continuous}
   * strategy, for Lambda Managed Instances, which never freeze). Each background flush is bounded by the
   * interval. No-op when already running.
   */
  public synchronized void startBackground(Duration interval) {
    if (background != null || shutDown) {
      return;
    }
    Thread t = new Thread(() -> backgroundLoop(interval), THREAD_NAME);
    t.setDaemon(true);
    background = t;
    t.start();
  }

  /**
   * Stops the background thread. A background flush under way starts nothing more (no new request,
   * no retry after its backoff); its request in flight may finish until {@code until}, then it is
   * cut (counted abandoned; what was not sent stays queued): at SHUTDOWN, a collector that hangs
   * must not hold the exit past the platform's deadline.
   */
  public synchronized void stopBackground(Instant until) {
    Thread t = background;
    if (t == null) {
      return;
    }
    background = null;
    LockSupport.unpark(t);
    try {
      if (!joined(t, until)) {
        LOG.debug("[export] cutting the background flush under way");
        inFlight.close();
        joined(t, clock.instant().plus(CUT_WAIT));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean joined(Thread t, Instant until) throws InterruptedException {
    long ms = Duration.between(clock.instant(), until).toMillis();
    if (ms > 0) {
      t.join(ms);
    }
    return !t.isAlive();
  }

  /** Counters and queue state for a debug log line. */
  public String statsLine() {
    Instant openUntil = breaker.openUntil();
    return counters.line()
        + "; queued spans=" + spans.size() + " logs=" + logs.size() + " bytes="
        + (spans.bytes() + logs.bytes()) + "; breaker="
        + (openUntil == null ? "closed" : "open until " + openUntil);
  }

  /** Items still queued (spans + logs). */
  public int pendingItems() {
    return spans.size() + logs.size();
  }

  /**
   * Warms the export path while the function's first invocation has not yet begun: loads and runs
   * the protobuf marshalers on sample data (nothing is sent of it) and sends an empty trace request,
   * which opens the connection (and TLS session) to the collector. Without it the first real flush
   * pays for class loading and the handshake and can overrun its small per-invocation budget. Bounded
   * by {@code deadline}; never throws. An empty OTLP request is valid and a no-op for a collector.
   */
  public void warmUp(Instant deadline) {
    try {
      WarmUp.marshalSamples(resource);
    } catch (RuntimeException | LinkageError e) {
      LOG.debugf(e, "[export] warm-up marshaling failed");
    }
    if (spanExporter == null || shutDown) {
      return;
    }
    try {
      long waitNanos = Math.max(0, Duration.between(clock.instant(), deadline).toNanos());
      if (!flushLock.tryLock(waitNanos, TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      inFlight.open(deadline.minus(DEADLINE_SLACK));
      Duration left = Duration.between(clock.instant(), deadline);
      if (!left.isNegative()) {
        spanExporter.export(List.of()).join(left.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (RuntimeException e) {
      LOG.debugf(e, "[export] warm-up request failed");
    } finally {
      inFlight.close();
      flushLock.unlock();
    }
  }

  /** Requests in flight right now; zero whenever no flush is running. */
  int requestsInFlight() {
    return inFlight.size();
  }

  long count(Signal signal, Outcome outcome) {
    return counters.get(signal, outcome);
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * @param ignoreBreaker flush even when the breaker is open (SHUTDOWN)
   * @param finalFlush metrics go whatever their interval
   * @param cancelled checked before each request and after each backoff: true stops the flush,
   *     and it then neither feeds nor resets the breaker (a stop is not the collector's doing)
   */
  private FlushResult flush(Instant deadline, boolean ignoreBreaker, boolean finalFlush,
      BooleanSupplier cancelled) {
    if (shutDown) {
      return new FlushResult(FlushResult.Status.DISABLED, 0, pendingItems(), 0);
    }
    Instant start = clock.instant();
    if (!ignoreBreaker && breaker.isOpen(start)) {
      return new FlushResult(FlushResult.Status.BREAKER_OPEN, 0, pendingItems(), 0);
    }
    try {
      long waitNanos = Math.max(0, Duration.between(start, deadline).toNanos());
      if (!flushLock.tryLock(waitNanos, TimeUnit.NANOSECONDS)) {
        return new FlushResult(FlushResult.Status.BUSY, 0, pendingItems(), 0);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new FlushResult(FlushResult.Status.BUSY, 0, pendingItems(), 0);
    }
    if (cancelled.getAsBoolean()) {
      flushLock.unlock();
      return new FlushResult(FlushResult.Status.BUSY, 0, pendingItems(), 0);
    }
    FlushState state = new FlushState(deadline.minus(DEADLINE_SLACK), cancelled);
    state.finalFlush = finalFlush;
    try {
      inFlight.open(state.deadline);
      // Traces and logs travel side by side: on a healthy collector a flush then costs one round
      // trip, not two, and each signal keeps its own retries inside the same deadline.
      FlushState logState = new FlushState(state.deadline, cancelled);
      CompletableFuture<Void> logsDone =
          logs.size() == 0 || logExporter == null
              ? CompletableFuture.completedFuture(null)
              : CompletableFuture.runAsync(
                  () -> drain(Signal.LOGS, logs, logExporter::export, logState), httpExecutor);
      drain(Signal.TRACES, spans, spanExporter == null ? null : spanExporter::export, state);
      awaitQuietly(logsDone, state.deadline);
      state.merge(logState);
      exportMetrics(state);
    } catch (RuntimeException e) {
      // Never thrown into the event loop: a bug here must cost a flush, not the extension.
      LOG.debugf(e, "[export] flush failed");
      state.collectorFailed = true;
    } finally {
      inFlight.close();
      if (cancelled.getAsBoolean()) {
        LOG.debug("[export] flush stopped by the pipeline's own stop");
      } else if (state.collectorFailed) {
        boolean wasTripped = breaker.tripped();
        breaker.onFailure(clock.instant());
        if (!wasTripped && breaker.tripped()) {
          // Once per outage, not per flush: our own output comes back to us as telemetry.
          LOG.warnf("the collector is failing (%s); exports pause for %d ms, data stays"
                  + " queued (bounded) and is retried after", state.lastFailure,
              breaker.lastWait().toMillis());
        }
      } else if (state.attempted) {
        if (breaker.tripped() && !state.finalFlush) {
          LOG.info("the collector answers again; exports resume");
        }
        breaker.onSuccess();
      }
      flushLock.unlock();
    }
    FlushResult.Status status =
        state.collectorFailed
            ? FlushResult.Status.FAILED
            : state.stopped ? FlushResult.Status.DEADLINE : FlushResult.Status.COMPLETE;
    FlushResult result = new FlushResult(status, state.exported, pendingItems(), state.abandoned);
    LOG.debugf("[export] flush %s in %s; %s", result, Duration.between(start, clock.instant()), statsLine());
    return result;
  }

  /** A collector that rejects data (400, 401, 413, …) is a configuration problem: say so, rarely. */
  private void warnRejected(Signal signal, int items, String detail) {
    long now = System.nanoTime();
    if (lastRejectWarnNanos == 0 || now - lastRejectWarnNanos > REJECT_WARN_EVERY.toNanos()) {
      lastRejectWarnNanos = now;
      LOG.warnf("the collector rejected %d %s items: %s (further rejections: debug log"
          + " and lambda_telemetry.export.items{outcome=failed})", items, signal.key(), detail);
    } else {
      LOG.debugf("[export] %s: %d items rejected: %s", signal.key(), items, detail);
    }
  }

  /** Waits for a parallel part of a flush; it is bounded by the same deadline as this one. */
  private static void awaitQuietly(CompletableFuture<Void> part, Instant deadline) {
    try {
      // The part's requests end by the deadline (their own timeout), so this wait ends soon after.
      part.get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()) + 50,
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      LOG.debugf(e, "[export] the parallel part of a flush did not end cleanly");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private <T> void drain(
      Signal signal,
      PendingQueue<T> queue,
      Function<Collection<T>, CompletableResultCode> exporter,
      FlushState state) {
    while (exporter != null && !state.stopped && !state.cancelled.getAsBoolean()) {
      List<Entry<T>> batch = queue.take(maxBatchItems);
      if (batch.isEmpty()) {
        return;
      }
      List<T> items = new ArrayList<>(batch.size());
      batch.forEach(e -> items.add(e.item()));
      switch (send(signal, items.size(), () -> exporter.apply(items), state)) {
        case EXPORTED -> {
          counters.add(signal, Outcome.EXPORTED, items.size());
          state.exported += items.size();
        }
        case REJECTED -> counters.add(signal, Outcome.FAILED, items.size());
        case ABANDONED -> {
          counters.add(signal, Outcome.ABANDONED, items.size());
          state.abandoned += items.size();
        }
        case KEEP -> counters.add(signal, Outcome.DROPPED, queue.putBack(batch));
      }
    }
  }

  private void exportMetrics(FlushState state) {
    if (metricExporter == null || state.stopped || state.cancelled.getAsBoolean()) {
      return;
    }
    Instant now = clock.instant();
    if (!state.finalFlush && lastMetricsExport != null
        && now.isBefore(lastMetricsExport.plus(metricInterval))) {
      return; // cumulative: the values of the next due export (or of SHUTDOWN) include these
    }
    Collection<MetricData> user;
    try {
      Collection<MetricData> supplied = metrics.get();
      user = supplied == null ? List.of() : supplied;
    } catch (RuntimeException e) {
      LOG.debugf(e, "[export] metrics supplier failed");
      user = List.of();
    }
    List<Object> fingerprint = MetricFingerprint.of(user);
    // The span and log counters take part in the change test; the metrics signal's own counters do
    // not, or exporting metrics would change them and make every flush export again.
    for (Signal s : List.of(Signal.TRACES, Signal.LOGS)) {
      for (Outcome o : Outcome.values()) {
        fingerprint.add(counters.get(s, o));
      }
    }
    if (fingerprint.equals(lastMetricsFingerprint)) {
      return;
    }
    List<MetricData> all = new ArrayList<>(user);
    all.add(counters.toMetricData(resource, TimeUnit.MILLISECONDS.toNanos(clock.millis())));
    int n = user.size();
    switch (send(Signal.METRICS, n, () -> metricExporter.export(all), state)) {
      case EXPORTED -> {
        counters.add(Signal.METRICS, Outcome.EXPORTED, n);
        state.exported += n;
        lastMetricsFingerprint = fingerprint;
        lastMetricsExport = now;
      }
      case REJECTED -> {
        counters.add(Signal.METRICS, Outcome.FAILED, n);
        lastMetricsFingerprint = fingerprint;
      }
      case ABANDONED -> counters.add(Signal.METRICS, Outcome.ABANDONED, n);
      case KEEP -> {
        // Cumulative: the next flush sends the then-current values.
      }
    }
  }

  /** One request with retries inside the deadline. */
  private SendResult send(
      Signal signal, int items, Supplier<CompletableResultCode> call, FlushState state) {
    for (int attempt = 1; ; attempt++) {
      Duration left = Duration.between(clock.instant(), state.deadline);
      if (left.compareTo(MIN_ATTEMPT_TIME) < 0) {
        state.stopped = true;
        return SendResult.KEEP;
      }
      state.attempted = true;
      CompletableResultCode code;
      try {
        code = call.get();
      } catch (RuntimeException e) {
        LOG.debugf(e, "[export] %s exporter threw", signal.key());
        return SendResult.REJECTED;
      }
      // Marshalling and encoding in call.get() took some of the time: wait only for what is left.
      Duration untilDeadline = Duration.between(clock.instant(), state.deadline);
      if (!untilDeadline.isNegative()) {
        code.join(untilDeadline.toNanos(), TimeUnit.NANOSECONDS);
      }
      if (!code.isDone()) {
        // Cut at the deadline: cancel now so that nothing of it survives into a freeze.
        inFlight.abandonAll();
        state.stopped = true;
        state.collectorFailed = true;
        return SendResult.ABANDONED;
      }
      if (code.isSuccess()) {
        return SendResult.EXPORTED;
      }
      FailureClass failure = FailureClass.of(code.getFailureThrowable());
      state.lastFailure = failure.detail();
      switch (failure.kind()) {
        case REJECTED:
          warnRejected(signal, items, failure.detail());
          return SendResult.REJECTED;
        case UNKNOWN:
          state.stopped = true;
          state.collectorFailed = true;
          return SendResult.ABANDONED;
        case NOT_SENT:
          state.stopped = true;
          return SendResult.KEEP;
        case RETRYABLE:
        default:
          break;
      }
      int index = attemptIndex(attempt);
      Duration wait = failure.retryAfter().orElseGet(() -> backoff(index));
      Instant next = clock.instant().plus(wait).plus(MIN_ATTEMPT_TIME);
      if (attempt >= maxAttempts || !next.isBefore(state.deadline)) {
        LOG.debugf("[export] %s: giving up for this flush: %s", signal.key(), failure.detail());
        state.stopped = true;
        state.collectorFailed = true;
        return SendResult.KEEP;
      }
      if (state.cancelled.getAsBoolean()) {
        state.stopped = true;
        return SendResult.KEEP;
      }
      counters.add(signal, Outcome.RETRIED, items);
      if (!backOff(wait, state)) {
        state.stopped = true;
        return SendResult.KEEP;
      }
    }
  }

  /**
   * Sleeps {@code wait} before a retry, in slices, so that a stop (the flush's {@code cancelled})
   * ends it within one slice on whichever thread sleeps (traces on the flushing thread, logs on
   * the executor's). False when stopped or interrupted.
   */
  private static boolean backOff(Duration wait, FlushState state) {
    long until = System.nanoTime() + wait.toNanos();
    for (long left = wait.toNanos(); left > 0; left = until - System.nanoTime()) {
      LockSupport.parkNanos(Math.min(left, BACKOFF_SLICE.toNanos()));
      if (Thread.currentThread().isInterrupted() || state.cancelled.getAsBoolean()) {
        return false;
      }
    }
    return true;
  }

  private static int attemptIndex(int attempt) {
    return Math.min(attempt - 1, 30);
  }

  /** Exponential backoff with "equal jitter": uniform in [d/2, d], d = initial × 2^n capped. */
  private Duration backoff(int n) {
    long base = Math.min(maxBackoff.toNanos(), initialBackoff.toNanos() << Math.min(n, 20));
    long half = Math.max(1, base / 2);
    return Duration.ofNanos(half + (long) (random.nextDouble() * half));
  }

  private void backgroundLoop(Duration interval) {
    Thread self = Thread.currentThread();
    while (background == self) {
      LockSupport.parkNanos(this, interval.toNanos());
      if (background != self) {
        return;
      }
      // No freeze on the environments that export in the background (Managed Instances): a request
      // may take longer than a short interval without being cut, but still not hold SHUTDOWN up long.
      Duration window = interval.compareTo(MIN_BACKGROUND_WINDOW) < 0 ? MIN_BACKGROUND_WINDOW : interval;
      flush(clock.instant().plus(window), false, false, () -> background != self);
    }
  }

  private static int positive(String property, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(property + ": must be >= 1, got " + value);
    }
    return value;
  }

  private enum SendResult {
    EXPORTED,
    REJECTED,
    ABANDONED,
    KEEP
  }

  /** Mutable state of one flush, owned by the flushing thread. */
  private static final class FlushState {
    final Instant deadline;
    final BooleanSupplier cancelled;
    boolean stopped;
    boolean attempted;
    boolean collectorFailed;
    int exported;
    int abandoned;

    /** The final flush: metrics go whatever their interval. */
    boolean finalFlush;
    /** What went wrong last, for the one warning per outage. */
    String lastFailure = "no answer in time";

    FlushState(Instant deadline, BooleanSupplier cancelled) {
      this.deadline = deadline;
      this.cancelled = cancelled;
    }

    void merge(FlushState other) {
      if (other.collectorFailed) {
        lastFailure = other.lastFailure;
      }
      stopped |= other.stopped;
      attempted |= other.attempted;
      collectorFailed |= other.collectorFailed;
      exported += other.exported;
      abandoned += other.abandoned;
    }
  }
}
