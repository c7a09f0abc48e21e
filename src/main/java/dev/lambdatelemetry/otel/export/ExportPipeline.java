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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
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
 *       cancelled before it returns: <b>no request is in flight after {@code flush} returns</b>. Nothing
 *       in it waits past the deadline: not the warm-up (a flush that finds the warm-up's empty request
 *       under way cuts it and goes on, as that request carries nothing), not the logs half running in
 *       parallel (its requests end a few ms before the deadline, and it gets what is left to
 *       notice, at least {@value #PART_GRACE_MS} ms).
 *   <li>A span or log request cut at the deadline has an unknown fate (the collector may have it). Its
 *       items are counted as {@code abandoned} and never sent again, so a thaw cannot duplicate them.
 *       Items whose request certainly failed (connection refused, 429/502/503/504 and other retryable
 *       answers, no time left to start) go back to the front of their queue for the next flush.
 *   <li>A request written completely whose answer was then lost (the connection reset or closed: the
 *       sender reports {@link FailureClass.AnswerLost}) has an unknown fate too: it is sent once more
 *       (counted {@code retried}) within the same flush, and if that does not succeed either, or there
 *       is no time for it, its items are {@code abandoned}. An item thus reaches the collector at most
 *       twice, however often answers are lost.
 *   <li>Retries (exponential backoff with jitter, or {@code Retry-After}) happen only inside the deadline.
 *       A {@code Retry-After} also holds that signal back across flushes: no request to it before the
 *       time named (capped at {@value #MAX_RETRY_AFTER_S} s, and at the breaker's longest wait); its
 *       items stay queued (bounded) and the flush reports {@link FlushResult.Status#HELD_BACK}. SHUTDOWN's
 *       flushes honour it too: what is still held back at the last one is counted dropped, like anything
 *       else still queued then.
 *   <li>Metrics are cumulative, so re-sending them is harmless and losing one export loses nothing:
 *       they are attempted at most once per {@code otel.metric.export.interval} whatever the outcome
 *       (a failed or cut export waits for the next due time like a successful one), and at SHUTDOWN's
 *       last flush. MetricData without data points are left out, and no request goes when nothing is
 *       left: a flush with nothing to send sends nothing.
 *   <li>After {@code breaker.failure-threshold} consecutive failed flushes a circuit breaker skips export
 *       attempts for a growing, jittered period, so an outage costs invocations ~0 ms; items stay queued
 *       (bounded) and a later flush probes. A failed flush is one where the collector refused, failed
 *       or did not answer in time (a request cut at the deadline counts: nothing was acknowledged), and
 *       so is a warm-up whose empty request failed or hung until its own deadline.
 *   <li>Queues are bounded in items and in estimated bytes; the oldest items are dropped and counted.
 * </ul>
 *
 * <p>Self-telemetry: the counter {@value ExportCounters#METRIC_NAME} (attributes {@code signal} =
 * traces|logs|metrics, {@code outcome} = exported|retried|failed|dropped|abandoned) is exported with the
 * metrics, under the resource of the moment (the converter's, which gains {@code faas.instance} from
 * platform events), and {@link #statsLine()} gives the same for a debug log.
 *
 * <p>Our own log lines come back to us through the Telemetry API as log records (and, through these
 * counters, as metric changes), never as spans. So the per-flush log lines (the DEBUG summary, a
 * signal giving up, a rejection) are written only for a flush that handled spans: a flush that only
 * exported what our own lines produced writes nothing, and an idle environment falls silent instead
 * of exporting a line a second about its own export.
 *
 * <p>Threads: {@link #span}/{@link #log} may be called from any thread and never block; flushes are
 * serialised by a lock (the event loop, or the background thread of the {@code continuous} strategy).
 */
public final class ExportPipeline implements SignalSink {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.export");

  /** A request with less time than this is not started: it could only be abandoned. */
  private static final Duration MIN_ATTEMPT_TIME = Duration.ofMillis(2);

  /**
   * Kept between a request's own timeout and the flush deadline, for the cancel, the logs half to
   * notice it, and the bookkeeping: the flush itself returns by its deadline.
   */
  private static final Duration DEADLINE_SLACK = Duration.ofMillis(3);

  /** The shortest deadline a background flush gets, whatever its interval. */
  private static final Duration MIN_BACKGROUND_WINDOW = Duration.ofSeconds(1);
  private static final BooleanSupplier NOT_CANCELLED = () -> false;
  /** A retry's backoff notices a stop within this. */
  private static final Duration BACKOFF_SLICE = Duration.ofMillis(10);
  /** How long a background flush whose requests were cut may take to notice. */
  private static final Duration CUT_WAIT = Duration.ofMillis(100);
  /** A flush waiting for the lock looks this often for a warm-up to cut. */
  private static final Duration LOCK_SLICE = Duration.ofMillis(5);
  /**
   * How long the logs half, its requests cut at the deadline, may at least take to end, when the
   * flush's own deadline leaves less (a CPU starved at 128 MB).
   */
  static final long PART_GRACE_MS = 1;
  /** The longest {@code Retry-After} honoured (a collector's hour must not silence us for an hour). */
  static final long MAX_RETRY_AFTER_S = 60;
  private static final String THREAD_NAME = "lambda-telemetry-export";

  private final Supplier<Resource> resource;
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
  private final Duration maxRetryAfter;
  /** Per signal, no request before this instant (a collector's Retry-After). */
  private final Map<Signal, Instant> notBefore = new ConcurrentHashMap<>();
  private volatile boolean shutDown;
  /**
   * A logs half its flush gave up on (still encoding on a starved CPU): no flush opens a window
   * before it has ended, or it would start its request in that window and, its own deadline past,
   * cancel every request in flight there.
   */
  private volatile CompletableFuture<Void> leftBehind;
  private volatile Thread background;
  private List<Object> lastMetricsFingerprint;
  private volatile long lastRejectWarnNanos;
  private static final Duration REJECT_WARN_EVERY = Duration.ofMinutes(5);
  /** When metrics were last attempted: the next attempt is due an interval later. */
  private Instant lastMetricsAttempt;
  private final Duration metricInterval;
  /** Guards the warm-up's window: a flush may cut it only while it runs. */
  private final Object warmUpGuard = new Object();
  private boolean warmUpRunning;
  private boolean warmUpCut;

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
    this(export, otel, () -> resource, metrics);
  }

  /**
   * A pipeline whose self-telemetry goes out under the resource {@code resource} names at each
   * export (the converter's current one, which gains attributes from platform events).
   */
  public ExportPipeline(
      ExportConfig export,
      OtelSettings otel,
      Supplier<Resource> resource,
      Supplier<Collection<MetricData>> metrics) {
    this(export, otel, resource, metrics, Clock.systemUTC(), RandomGenerator.getDefault(),
        (inFlight, executor) -> ExporterFactory.create(otel, inFlight, executor, System.out));
  }

  /** With the clock, randomness and exporters given (tests). */
  ExportPipeline(
      ExportConfig export,
      OtelSettings otel,
      Supplier<Resource> resource,
      Supplier<Collection<MetricData>> metrics,
      Clock clock,
      RandomGenerator random,
      BiFunction<InFlight, Executor, ExporterFactory.Exporters> exporterFactory) {
    this.resource = resource;
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
    this.metricInterval = otel.metricExportInterval();
    // Every value here was checked at start-up (config.ConfigValidator), before init completed.
    this.maxBatchItems = export.maxBatchItems();
    this.maxAttempts = export.retry().maxAttempts();
    this.initialBackoff = export.retry().initialBackoff();
    this.maxBackoff = export.retry().maxBackoff();
    long maxBytes = MemoryBudget.queueBytes(export, MemoryBudget.maxHeap());
    this.spans = new PendingQueue<>(export.queue().maxSpans(), maxBytes, SizeEstimates::span);
    this.logs = new PendingQueue<>(export.queue().maxLogs(), maxBytes, SizeEstimates::log);
    this.counters = new ExportCounters(TimeUnit.MILLISECONDS.toNanos(clock.millis()));
    this.breaker =
        new CircuitBreaker(
            export.breaker().failureThreshold(),
            export.breaker().initialWait(),
            export.breaker().maxWait(),
            random);
    Duration breakerMax = export.breaker().maxWait();
    Duration retryAfterCap = Duration.ofSeconds(MAX_RETRY_AFTER_S);
    this.maxRetryAfter = breakerMax.compareTo(retryAfterCap) < 0 ? breakerMax : retryAfterCap;
    this.inFlight = new InFlight(clock);
    this.httpExecutor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, THREAD_NAME + "-http");
              t.setDaemon(true);
              return t;
            });
    ExporterFactory.Exporters exporters = exporterFactory.apply(inFlight, httpExecutor);
    this.spanExporter = exporters.spans();
    this.logExporter = exporters.logs();
    this.metricExporter = exporters.metrics();
  }

  /**
   * Checks {@code otel} (throwing {@link IllegalArgumentException} naming the property) and builds.
   *
   * @param resource the resource of the moment, asked at each metrics export: the converter's, so
   *     that our own metric goes out under the same resource as every other signal
   */
  public static ExportPipeline create(
      ExportConfig export,
      OtelConfig otel,
      Supplier<Resource> resource,
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

  /** Which SHUTDOWN flush: one made while deliveries still come, or one after them. */
  public enum ShutdownRound {
    /** Deliveries may still come: export what is ready; metrics keep their interval. */
    WHILE_DELIVERING,
    /** The deliveries are over: export everything, metrics too, whatever their interval. */
    FINAL
  }

  /**
   * A flush during SHUTDOWN: made even when the breaker is open (there is no later chance), after
   * background export has stopped. May be called several times before {@link #shutdown}, as
   * deliveries still come in.
   */
  public FlushResult flushAtShutdown(Instant deadline, ShutdownRound round) {
    stopBackground(clock.instant());
    return flush(deadline, true, round == ShutdownRound.FINAL, NOT_CANCELLED);
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
   *
   * <p>A flush that comes meanwhile does not wait for it: it cuts the warm-up's request (which
   * carries nothing) and goes on. A warm-up request that failed or hung until {@code deadline}
   * without being cut counts as a failed flush for the breaker: with a collector that hangs, the
   * breaker then opens one invocation sooner.
   */
  public void warmUp(Instant deadline) {
    try {
      WarmUp.marshalSamples(resource.get());
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
      if (leftBehind != null && !leftBehind.isDone()) {
        return; // a logs half left behind must not find a window open
      }
      synchronized (warmUpGuard) {
        if (flushLock.hasQueuedThreads()) {
          return; // a flush is waiting: it opens the connection itself
        }
        warmUpRunning = true;
        warmUpCut = false;
        inFlight.open(deadline.minus(DEADLINE_SLACK));
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative()) {
        return;
      }
      CompletableResultCode code = spanExporter.export(List.of());
      code.join(left.toNanos(), TimeUnit.NANOSECONDS);
      boolean cut;
      synchronized (warmUpGuard) {
        cut = warmUpCut;
      }
      if (!cut && warmUpFailed(code)) {
        breaker.onFailure(clock.instant());
      }
    } catch (RuntimeException e) {
      LOG.debugf(e, "[export] warm-up request failed");
    } finally {
      synchronized (warmUpGuard) {
        warmUpRunning = false;
        inFlight.close();
      }
      flushLock.unlock();
    }
  }

  /**
   * Waits until {@code deadline} for a logs half left behind by an earlier flush to end (with the
   * window closed it starts nothing, and ends soon); false if it has not.
   */
  private boolean leftBehindEnded(Instant deadline) {
    CompletableFuture<Void> part = leftBehind;
    if (part == null) {
      return true;
    }
    try {
      part.get(Math.max(0, Duration.between(clock.instant(), deadline).toNanos()), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
      // ended
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    leftBehind = null;
    return true;
  }

  /** Whether the warm-up's request says the collector is failing (not answered, or refused). */
  private static boolean warmUpFailed(CompletableResultCode code) {
    if (!code.isDone()) {
      return true; // hung until the warm-up's deadline
    }
    if (code.isSuccess()) {
      return false;
    }
    FailureClass.Kind kind = FailureClass.of(code.getFailureThrowable()).kind();
    return kind != FailureClass.Kind.NOT_SENT && kind != FailureClass.Kind.REJECTED;
  }

  /** Cuts the warm-up's request if the warm-up holds the export path: a flush needs it. */
  private void cutWarmUp() {
    synchronized (warmUpGuard) {
      if (warmUpRunning && !warmUpCut) {
        warmUpCut = true;
        inFlight.close(); // only the warm-up's request can be registered: it holds the lock
      }
    }
  }

  /**
   * Takes the flush lock by {@code deadline}, cutting a warm-up that holds it; false when another
   * flush (the background one) holds it until then.
   */
  private boolean lockBy(Instant deadline) throws InterruptedException {
    if (flushLock.tryLock()) {
      return true;
    }
    while (true) {
      cutWarmUp();
      long left = Duration.between(clock.instant(), deadline).toNanos();
      if (left <= 0) {
        return false;
      }
      if (flushLock.tryLock(Math.min(left, LOCK_SLICE.toNanos()), TimeUnit.NANOSECONDS)) {
        return true;
      }
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
      if (!lockBy(deadline)) {
        return new FlushResult(FlushResult.Status.BUSY, 0, pendingItems(), 0);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new FlushResult(FlushResult.Status.BUSY, 0, pendingItems(), 0);
    }
    if (cancelled.getAsBoolean() || !leftBehindEnded(deadline)) {
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
              ? null
              : CompletableFuture.runAsync(
                  () -> drain(Signal.LOGS, logs, logExporter::export, logState), httpExecutor);
      drain(Signal.TRACES, spans, spanExporter == null ? null : spanExporter::export, state);
      if (logsDone != null) {
        awaitPart(logsDone, logState, state);
      }
      exportMetrics(state);
    } catch (RuntimeException e) {
      // Never thrown into the event loop: a bug here must cost a flush, not the extension.
      state.error = e;
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
            : state.stopped
                ? FlushResult.Status.DEADLINE
                : state.heldBack ? FlushResult.Status.HELD_BACK : FlushResult.Status.COMPLETE;
    FlushResult result = new FlushResult(status, state.exported, pendingItems(), state.abandoned);
    if (state.spansHandled) {
      // Only here (see the class comment): a flush of nothing but our own lines writes none.
      state.rejections.forEach(r -> warnRejected(r.signal(), r.items(), r.detail()));
      if (LOG.isDebugEnabled()) {
        LOG.debugf(state.error, "[export] flush %s in %s%s; %s", result,
            Duration.between(start, clock.instant()),
            state.collectorFailed ? " (" + state.lastFailure + ")" : "", statsLine());
      }
    }
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

  /**
   * Waits for the logs half of a flush, which runs on the executor bounded by the same deadline:
   * until the requests' deadline; then its request is cut and it gets until the flush's own deadline
   * (at least {@value #PART_GRACE_MS} ms) to notice.
   * Merged into {@code state} only once it has ended; one that has not (a starved CPU) is told to
   * stop and left to end on its own: it starts nothing more (the window is closed), and what it
   * holds goes back to its queue or is counted.
   */
  private void awaitPart(CompletableFuture<Void> part, FlushState partState, FlushState state) {
    try {
      try {
        part.get(Math.max(0, Duration.between(clock.instant(), state.deadline).toNanos()),
            TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        inFlight.abandonAll();
        long grace = Duration.between(clock.instant(), state.deadline.plus(DEADLINE_SLACK)).toNanos();
        part.get(Math.max(TimeUnit.MILLISECONDS.toNanos(PART_GRACE_MS), grace), TimeUnit.NANOSECONDS);
      }
      state.merge(partState);
    } catch (java.util.concurrent.TimeoutException e) {
      // Its request ran past the deadline and was cut: nothing acknowledged, a failed flush.
      leftBehind = part;
      partState.stopped = true;
      state.stopped = true;
      state.collectorFailed = true;
    } catch (java.util.concurrent.ExecutionException e) {
      state.error = e.getCause();
      state.merge(partState);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      leftBehind = part;
      partState.stopped = true;
      state.stopped = true;
    }
  }

  private <T> void drain(
      Signal signal,
      PendingQueue<T> queue,
      Function<Collection<T>, CompletableResultCode> exporter,
      FlushState state) {
    while (exporter != null && !state.stopped && !state.cancelled.getAsBoolean()) {
      if (queue.size() > 0 && heldBack(signal, state)) {
        return;
      }
      List<Entry<T>> batch = queue.take(maxBatchItems);
      if (batch.isEmpty()) {
        return;
      }
      if (signal == Signal.TRACES) {
        state.spansHandled = true;
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
        case KEEP, NOT_SENT -> counters.add(signal, Outcome.DROPPED, queue.putBack(batch));
      }
    }
  }

  /** Whether a {@code Retry-After} of the collector still holds {@code signal} back. */
  private boolean heldBack(Signal signal, FlushState state) {
    Instant until = notBefore.get(signal);
    if (until == null) {
      return false;
    }
    if (clock.instant().isBefore(until)) {
      state.heldBack = true;
      return true;
    }
    notBefore.remove(signal, until);
    return false;
  }

  private void holdBack(Signal signal, Duration retryAfter) {
    Duration d = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
    if (!d.isZero() && !d.isNegative()) {
      notBefore.put(signal, clock.instant().plus(d));
    }
  }

  private void exportMetrics(FlushState state) {
    if (metricExporter == null || state.stopped || state.cancelled.getAsBoolean()) {
      return;
    }
    Instant now = clock.instant();
    if (!state.finalFlush && lastMetricsAttempt != null
        && now.isBefore(lastMetricsAttempt.plus(metricInterval))) {
      return; // cumulative: the values of the next due export (or of SHUTDOWN) include these
    }
    Collection<MetricData> supplied;
    try {
      supplied = metrics.get();
    } catch (RuntimeException e) {
      state.error = e;
      supplied = null;
    }
    List<MetricData> user = withPoints(supplied == null ? List.of() : supplied);
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
    MetricData self = counters.toMetricData(resource.get(), TimeUnit.MILLISECONDS.toNanos(clock.millis()));
    if (!self.getData().getPoints().isEmpty()) {
      all.add(self);
    }
    if (all.isEmpty()) {
      lastMetricsFingerprint = fingerprint;
      return; // nothing to say: no request at all (an empty export is noise at the collector)
    }
    if (heldBack(Signal.METRICS, state)) {
      return;
    }
    int n = user.size();
    SendResult sent = send(Signal.METRICS, n, () -> metricExporter.export(all), state);
    if (sent != SendResult.NOT_SENT) {
      // Attempted: the next attempt is due an interval later, whatever came of this one.
      lastMetricsAttempt = now;
    }
    switch (sent) {
      case EXPORTED -> {
        counters.add(Signal.METRICS, Outcome.EXPORTED, n);
        state.exported += n;
        lastMetricsFingerprint = fingerprint;
      }
      case REJECTED -> {
        counters.add(Signal.METRICS, Outcome.FAILED, n);
        lastMetricsFingerprint = fingerprint;
      }
      case ABANDONED -> counters.add(Signal.METRICS, Outcome.ABANDONED, n);
      case KEEP, NOT_SENT -> {
        // Cumulative: the next due export sends the then-current values.
      }
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

  /** One request with retries inside the deadline. */
  private SendResult send(
      Signal signal, int items, Supplier<CompletableResultCode> call, FlushState state) {
    boolean answerLost = false; // sent once already with an unknown outcome: never kept after
    for (int attempt = 1; ; attempt++) {
      Duration left = Duration.between(clock.instant(), state.deadline);
      if (left.compareTo(MIN_ATTEMPT_TIME) < 0) {
        return notStarted(attempt, answerLost, state);
      }
      CompletableResultCode code;
      try {
        code = call.get();
      } catch (RuntimeException e) {
        state.attempted = true;
        state.error = e;
        return SendResult.REJECTED;
      }
      // Marshalling and encoding in call.get() took some of the time: wait only for what is left.
      Duration untilDeadline = Duration.between(clock.instant(), state.deadline);
      if (!untilDeadline.isNegative()) {
        code.join(untilDeadline.toNanos(), TimeUnit.NANOSECONDS);
      }
      if (!code.isDone()) {
        // Cut at the deadline: cancel now so that nothing of it survives into a freeze.
        state.attempted = true;
        inFlight.abandonAll();
        state.stopped = true;
        state.collectorFailed = true;
        return SendResult.ABANDONED;
      }
      if (code.isSuccess()) {
        state.attempted = true;
        return SendResult.EXPORTED;
      }
      FailureClass failure = FailureClass.of(code.getFailureThrowable());
      if (failure.kind() == FailureClass.Kind.NOT_SENT) {
        return notStarted(attempt, answerLost, state);
      }
      // Only a request that was started says anything of the collector (for the breaker).
      state.attempted = true;
      state.lastFailure = failure.detail();
      switch (failure.kind()) {
        case REJECTED:
          state.rejections.add(new Rejection(signal, items, failure.detail()));
          return SendResult.REJECTED;
        case UNKNOWN:
          return abandoned(state);
        case ANSWER_LOST:
          if (answerLost) {
            return abandoned(state); // the one retry of an unknown outcome is spent
          }
          answerLost = true;
          break;
        case RETRYABLE:
        default:
          break;
      }
      failure.retryAfter().ifPresent(d -> holdBack(signal, d));
      int index = attemptIndex(attempt);
      Duration wait = failure.retryAfter().orElseGet(() -> backoff(index));
      if (wait.compareTo(maxRetryAfter) > 0) {
        wait = maxRetryAfter;
      }
      Instant next = clock.instant().plus(wait).plus(MIN_ATTEMPT_TIME);
      if (attempt >= maxAttempts || !next.isBefore(state.deadline)) {
        state.stopped = true;
        state.collectorFailed = true;
        return answerLost ? SendResult.ABANDONED : SendResult.KEEP;
      }
      if (state.cancelled.getAsBoolean()) {
        state.stopped = true;
        return answerLost ? SendResult.ABANDONED : SendResult.KEEP;
      }
      counters.add(signal, Outcome.RETRIED, items);
      if (!backOff(wait, state)) {
        state.stopped = true;
        return answerLost ? SendResult.ABANDONED : SendResult.KEEP;
      }
    }
  }

  /**
   * A request not started (no time left for it, before or after encoding). Its items stay queued,
   * unless an earlier attempt's answer was lost (then its fate is unknown: abandoned). After a
   * failed attempt the flush has failed: nothing was acknowledged, and the breaker must hear of it
   * (not take the stop for a collector that answers).
   */
  private static SendResult notStarted(int attempt, boolean answerLost, FlushState state) {
    state.stopped = true;
    if (answerLost) {
      return abandoned(state);
    }
    if (attempt == 1) {
      return SendResult.NOT_SENT;
    }
    state.collectorFailed = true;
    return SendResult.KEEP;
  }

  private static SendResult abandoned(FlushState state) {
    state.stopped = true;
    state.collectorFailed = true;
    return SendResult.ABANDONED;
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

  private enum SendResult {
    EXPORTED,
    REJECTED,
    ABANDONED,
    /** Tried and failed certainly: the items go back to their queue. */
    KEEP,
    /** Not tried (no time left to start it): the items go back to their queue. */
    NOT_SENT
  }

  /** A rejection, reported at the end of the flush (see the class comment on our own lines). */
  private record Rejection(Signal signal, int items, String detail) {}

  /** Mutable state of one flush, owned by the flushing thread (the logs half has its own). */
  private static final class FlushState {
    final Instant deadline;
    final BooleanSupplier cancelled;
    /** Volatile: a logs half left behind by its flush is told to stop from the flushing thread. */
    volatile boolean stopped;
    boolean attempted;
    boolean collectorFailed;
    /** A Retry-After held a signal back. */
    boolean heldBack;
    /** Spans were taken for a request: the flush was not one of our own lines alone. */
    boolean spansHandled;
    int exported;
    int abandoned;
    final List<Rejection> rejections = new ArrayList<>(1);
    Throwable error;

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
      heldBack |= other.heldBack;
      exported += other.exported;
      abandoned += other.abandoned;
      rejections.addAll(other.rejections);
      if (error == null) {
        error = other.error;
      }
    }
  }
}
