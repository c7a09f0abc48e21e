package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.ExportConfig;
import dev.lambdatelemetry.otel.config.MemoryBudget;
import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.export.ExportCounters.Source;
import dev.lambdatelemetry.otel.otlp.BatchEditor;
import dev.lambdatelemetry.otel.otlp.OtlpSink;
import dev.lambdatelemetry.otel.translate.SignalSink;
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
import java.util.Collection;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * Queues converted spans and logs and exports them, with the cumulative metrics and the function's own
 * telemetry received on the local OTLP endpoint ({@link #functionSink}), over OTLP in deadline-bounded
 * flushes.
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
 *       under way cuts it and goes on, as that request carries nothing), not the parts running in
 *       parallel ({@link FlushParts}: their requests end a few ms before the deadline, and they get
 *       what is left to notice, at least {@value #PART_GRACE_MS} ms).
 *   <li>A span or log request cut at the deadline has an unknown fate (the collector may have it). Its
 *       items are counted as {@code abandoned} and never sent again, so a thaw cannot duplicate them.
 *       Items whose request certainly failed (connection refused, 429/502/503/504 and other retryable
 *       answers, no time left to start) go back to the front of their queue for the next flush.
 *   <li>A request whose answer was lost after it was written is sent once more, then abandoned: an
 *       item reaches the collector at most twice ({@link RequestRetrier}).
 *   <li>Retries (exponential backoff with jitter, or {@code Retry-After}) happen only inside the deadline.
 *       A {@code Retry-After} also holds that signal back across flushes ({@link RetryAfterHold}): its
 *       items stay queued (bounded) and the flush reports {@link FlushResult.Status#HELD_BACK}.
 *       SHUTDOWN's flushes honour it too: what is still held back at the last one is counted dropped.
 *   <li>Metrics are cumulative: attempted at most once per {@code otel.metric.export.interval}, and at
 *       SHUTDOWN's last flush, only when changed ({@link MetricsExport}).
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
 *
 * <p>The parts, each in its own type: {@link RequestRetrier} (one request: attempts, backoff, {@code
 * Retry-After} through {@link RetryAfterHold}, the fate of its items), {@link MetricsExport} (when
 * metrics go), {@link CollectorHealth} (the breaker and the rare lines about the collector), {@link
 * FlushGate} (who may use the export path: one flush, or the warm-up, which a flush cuts), {@link
 * WarmUpRequest}, {@link BackgroundExport}, {@link FunctionSignals} (the function's data: its
 * queues, drained in each flush beside the platform's signal of the same kind, through the same
 * senders, retrier, breaker and counters), {@link FlushParts} (what runs beside the flushing
 * thread). What stays here is the flush algorithm itself: take the path by the deadline, send
 * traces, logs and the function's data side by side, wait for them all, then the metrics, then say
 * how it went. Every time is read through the one {@link Clock} given. (It stays above 350 lines for
 * this comment, the export contract, and the assembly of the parts in its constructor.)
 */
public final class ExportPipeline implements SignalSink {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.export");

  /**
   * Kept between a request's own timeout and the flush deadline, for the cancel, the parts to
   * notice it, and the bookkeeping: the flush itself returns by its deadline.
   */
  private static final Duration DEADLINE_SLACK = Duration.ofMillis(3);
  private static final BooleanSupplier NOT_CANCELLED = () -> false;
  /**
   * How long the parts beside the flushing thread, their requests cut at the deadline, may at least
   * take to end, when the flush's own deadline leaves less (a CPU starved at 128 MB).
   */
  static final long PART_GRACE_MS = 1;

  private final SpanExporter spanExporter;
  private final LogRecordExporter logExporter;
  private final MetricExporter metricExporter;
  private final QueuedSignal<SpanData> spans;
  private final QueuedSignal<LogRecordData> logs;
  private final FunctionSignals function;
  private final ExportCounters counters;
  private final InFlight inFlight;
  private final ExecutorService httpExecutor;
  private final Clock clock;
  private final CollectorHealth health;
  private final FlushGate gate;
  private final MetricsExport metricsExport;
  private final WarmUpRequest warmUp;
  private final BackgroundExport background;
  /**
   * The function's queued bytes that count as a full queue in {@link #pendingShare}: a quarter of it,
   * 32 KiB (less than one invocation of 100 spans), brings the next background flush forward, so the
   * function's batches die young. Measured with 100 spans an invocation (layer, 1 000 invocations): at
   * 128 KiB RSS grew 12.6 MiB over no function telemetry (the heap grew to its cap as batches were
   * promoted), at 32 KiB 2.3 to 4.1 MiB, with the same added time.
   */
  static final long FUNCTION_BYTES_AT_FULL_SHARE = 128 * 1024;

  /** The queues' bounds, for {@link #pendingShare}. */
  private final int maxSpans;
  private final int maxLogs;
  private final long maxQueueBytes;
  private volatile boolean shutDown;

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

  /** With the clock, randomness and exporters given (tests); backoffs wait in real time. */
  ExportPipeline(
      ExportConfig export,
      OtelSettings otel,
      Supplier<Resource> resource,
      Supplier<Collection<MetricData>> metrics,
      Clock clock,
      RandomGenerator random,
      BiFunction<InFlight, Executor, ExporterFactory.Exporters> exporterFactory) {
    this(export, otel, resource, metrics, clock, Pause.SYSTEM, random, exporterFactory);
  }

  /** With the clock, the pause between attempts, randomness and exporters given (tests). */
  ExportPipeline(
      ExportConfig export,
      OtelSettings otel,
      Supplier<Resource> resource,
      Supplier<Collection<MetricData>> metrics,
      Clock clock,
      Pause pause,
      RandomGenerator random,
      BiFunction<InFlight, Executor, ExporterFactory.Exporters> exporterFactory) {
    this.clock = clock;
    // Every value here was checked at start-up (config.ConfigValidator), before init completed.
    this.counters = new ExportCounters(TimeUnit.MILLISECONDS.toNanos(clock.millis()));
    this.health = new CollectorHealth(
        new CircuitBreaker(export.breaker().failureThreshold(), export.breaker().initialWait(),
            export.breaker().maxWait(), random),
        clock);
    RetryAfterHold hold = new RetryAfterHold(clock, export.breaker().maxWait());
    this.inFlight = new InFlight(clock);
    RequestRetrier retrier = new RequestRetrier(clock, pause, random, hold, inFlight, counters,
        new RequestRetrier.RetryPolicy(export.retry().maxAttempts(), export.retry().initialBackoff(),
            export.retry().maxBackoff()));
    this.httpExecutor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, BackgroundExport.THREAD_NAME + "-http");
              t.setDaemon(true);
              return t;
            });
    ExporterFactory.Exporters exporters = exporterFactory.apply(inFlight, httpExecutor);
    this.spanExporter = exporters.spans();
    this.logExporter = exporters.logs();
    this.metricExporter = exporters.metrics();
    long maxBytes = MemoryBudget.queueBytes(export, MemoryBudget.maxHeap());
    this.maxSpans = export.queue().maxSpans();
    this.maxLogs = export.queue().maxLogs();
    this.maxQueueBytes = maxBytes;
    this.spans = new QueuedSignal<>(Signal.TRACES,
        new PendingQueue<>(export.queue().maxSpans(), maxBytes, SizeEstimates::span),
        spanExporter == null ? null : spanExporter::export, counters, retrier, hold,
        export.maxBatchItems());
    this.logs = new QueuedSignal<>(Signal.LOGS,
        new PendingQueue<>(export.queue().maxLogs(), maxBytes, SizeEstimates::log),
        logExporter == null ? null : logExporter::export, counters, retrier, hold,
        export.maxBatchItems());
    this.function = FunctionSignals.create(exporters.function(), export, counters, retrier, hold);
    this.gate = new FlushGate(clock, inFlight);
    this.metricsExport = new MetricsExport(metricExporter, metrics, resource, counters, retrier, hold,
        clock, otel.metricExportInterval());
    this.warmUp = new WarmUpRequest(spanExporter, resource, gate, health, clock, DEADLINE_SLACK,
        () -> shutDown);
    this.background = new BackgroundExport(clock, inFlight,
        (deadline, cancelled) -> flush(deadline, Breaker.HONOURED, Round.ORDINARY, cancelled));
  }

  @Override
  public void span(SpanData span) {
    offer(spans, span);
  }

  @Override
  public void log(LogRecordData log) {
    offer(logs, log);
  }

  /**
   * The sink for the local OTLP endpoint (the same at every call): the function's data is exported in
   * the flushes, to where the platform's goes; refused when full or after {@link #shutdown}.
   *
   * @param maxBytes the most it holds, all signals together ({@code OtlpSettings.queueMaxBytes()})
   */
  public OtlpSink functionSink(long maxBytes) {
    function.limitBytes(maxBytes);
    return function;
  }

  /**
   * Edits applied to each batch of the function's spans just before it is sent (the join's); {@link
   * BatchEditor#NONE} until set. May be set at any time: the next request uses it.
   */
  public void setBatchEditor(BatchEditor editor) {
    function.editTracesWith(editor);
  }

  private <T> void offer(QueuedSignal<T> signal, T item) {
    if (item == null || !signal.exported()) {
      return;
    }
    if (shutDown) {
      signal.refuseOne();
    } else {
      signal.offer(item);
    }
  }

  /**
   * Exports what is pending (spans, logs, and the metrics if they changed since their last export) and
   * returns before {@code deadline}, with no request left in flight. Never throws. When the circuit
   * breaker is open it returns at once with {@link FlushResult.Status#BREAKER_OPEN}.
   */
  public FlushResult flush(Instant deadline) {
    return flush(deadline, Breaker.HONOURED, Round.ORDINARY, NOT_CANCELLED);
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
    return flush(deadline, Breaker.IGNORED,
        round == ShutdownRound.FINAL ? Round.FINAL : Round.ORDINARY, NOT_CANCELLED);
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
    flush(deadline, Breaker.IGNORED, Round.FINAL, NOT_CANCELLED);
    shutDown = true;
    spans.dropAll();
    logs.dropAll();
    function.shutDown();
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
    if (!shutDown) {
      background.start(interval);
    }
  }

  /**
   * Stops the background thread. A background flush under way starts nothing more (no new request,
   * no retry after its backoff); its request in flight may finish until {@code until}, then it is
   * cut (counted abandoned; what was not sent stays queued): at SHUTDOWN, a collector that hangs
   * must not hold the exit past the platform's deadline.
   */
  public void stopBackground(Instant until) {
    background.stop(until);
  }

  /**
   * Starts one flush bounded by {@code deadline} on the background thread and returns at once (the
   * {@code adaptive} strategy, while an invocation runs). {@link #settleBackground} must come before
   * {@code next}. False, and nothing started, when a background flush is already under way.
   */
  public boolean flushInBackground(Instant deadline) {
    return !shutDown && background.runOnce(deadline);
  }

  /**
   * Before {@code next}: a background flush under way may finish until {@code until}, then it is cut
   * as a flush is at its deadline (counted abandoned; what was not sent stays queued); no background
   * flush starts again before {@link #resumeBackground} or the next {@link #flushInBackground}. True
   * when one had to be cut.
   */
  public boolean settleBackground(Instant until) {
    return background.settle(until);
  }

  /** An invocation began: periodic background flushes held by {@link #settleBackground} go on. */
  public void resumeBackground() {
    background.resume();
  }

  /** Counters and queue state for a debug log line. */
  public String statsLine() {
    return counters.line()
        + "; queued spans=" + spans.size() + " logs=" + logs.size() + " bytes="
        + (spans.bytes() + logs.bytes()) + " function=" + function.pendingItems() + " ("
        + function.bytes() + " bytes); breaker=" + health.describe();
  }

  /**
   * How full the fullest pending queue is, from 0 to 1, in items or estimated bytes, the function's
   * included: when one fills, items are dropped (or the function's requests refused), so a strategy
   * that lets data wait flushes before.
   */
  public double pendingShare() {
    double items = Math.max((double) spans.size() / Math.max(1, maxSpans),
        (double) logs.size() / Math.max(1, maxLogs));
    double bytes = (double) Math.max(spans.bytes(), logs.bytes()) / Math.max(1, maxQueueBytes);
    // The function's queues too: when they fill, the endpoint refuses the function's requests. And
    // its bytes against a far smaller bound: a function sending much (100 spans an invocation) would
    // otherwise keep its batches long enough to be promoted to the old generation, and the heap then
    // grows to its cap.
    double functionBytes = (double) function.bytes() / FUNCTION_BYTES_AT_FULL_SHARE;
    return Math.max(Math.max(items, bytes), Math.max(function.share(), functionBytes));
  }

  /** Items still queued: spans, logs, and the function's spans, log records and data points. */
  public int pendingItems() {
    return spans.size() + logs.size() + function.pendingItems();
  }

  /**
   * Warms the export path while the function's first invocation has not yet begun (see {@link
   * WarmUpRequest}): a flush that comes meanwhile does not wait for it. Bounded by {@code deadline};
   * never throws.
   */
  public void warmUp(Instant deadline) {
    warmUp.run(deadline);
  }

  /** Requests in flight right now; zero whenever no flush is running. */
  int requestsInFlight() {
    return inFlight.size();
  }

  long count(Signal signal, Outcome outcome) {
    return counters.get(signal, outcome);
  }

  long count(Source source, Signal signal, Outcome outcome) {
    return counters.get(source, signal, outcome);
  }

  CircuitBreaker breaker() {
    return health.breaker();
  }

  /** Whether a flush heeds an open breaker (SHUTDOWN's do not: there is no later chance). */
  private enum Breaker { HONOURED, IGNORED }

  /** Whether the metrics keep their interval, or go whatever it (the deliveries are over). */
  private enum Round { ORDINARY, FINAL }

  /**
   * The flush algorithm: take the export path by the deadline, send traces (here), logs and the
   * function's data (on the executor) side by side, wait for them all, then the metrics; then feed
   * the breaker and say how it went.
   *
   * @param cancelled checked before each request and after each backoff: true stops the flush,
   *     and it then neither feeds nor resets the breaker (a stop is not the collector's doing)
   */
  private FlushResult flush(Instant deadline, Breaker breaker, Round round, BooleanSupplier cancelled) {
    if (shutDown) {
      return new FlushResult(FlushResult.Status.DISABLED, 0, pendingItems(), 0);
    }
    Instant start = clock.instant();
    if (breaker == Breaker.HONOURED && health.breakerOpen(start)) {
      return new FlushResult(FlushResult.Status.BREAKER_OPEN, 0, pendingItems(), 0);
    }
    try {
      if (!gate.lockBy(deadline)) {
        return new FlushResult(FlushResult.Status.BUSY, 0, pendingItems(), 0);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new FlushResult(FlushResult.Status.BUSY, 0, pendingItems(), 0);
    }
    if (cancelled.getAsBoolean() || !gate.leftBehindEnded(deadline)) {
      gate.unlock();
      return new FlushResult(FlushResult.Status.BUSY, 0, pendingItems(), 0);
    }
    FlushState state = new FlushState(deadline.minus(DEADLINE_SLACK), cancelled);
    state.finalFlush = round == Round.FINAL;
    try {
      inFlight.open(state.deadline);
      // The platform's traces here, its logs and the function's data of each signal on the executor:
      // side by side, one round trip for the lot on a healthy collector (see FlushParts).
      FlushParts parts = new FlushParts(httpExecutor, inFlight, gate, clock);
      if (logs.size() > 0 && logs.exported()) {
        parts.start(state, logs::drain);
      }
      for (Signal signal : Signal.values()) {
        if (function.pending(signal)) {
          parts.start(state, s -> function.drain(signal, s));
        }
      }
      spans.drain(state);
      // Ended before the metrics: our own counters, exported next, then include what they did.
      parts.awaitAll(state, state.deadline.plus(DEADLINE_SLACK), Duration.ofMillis(PART_GRACE_MS));
      metricsExport.export(state);
    } catch (RuntimeException e) {
      // Never thrown into the event loop: a bug here must cost a flush, not the extension.
      state.error = e;
      state.collectorFailed = true;
    } finally {
      inFlight.close();
      health.flushEnded(state);
      gate.unlock();
    }
    FlushResult result = new FlushResult(state.status(), state.exported, pendingItems(), state.abandoned);
    if (state.spansHandled) {
      // Only here (see the class comment): a flush of nothing but our own lines writes none.
      state.rejections.forEach(r -> health.rejected(r.signal(), r.items(), r.detail()));
      if (LOG.isDebugEnabled()) {
        LOG.debugf(state.error, "[export] flush %s in %s%s; %s", result,
            Duration.between(start, clock.instant()),
            state.collectorFailed ? " (" + state.lastFailure + ")" : "", statsLine());
      }
    }
    return result;
  }
}
