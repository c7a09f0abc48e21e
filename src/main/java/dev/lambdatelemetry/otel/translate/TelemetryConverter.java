package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.*;

import dev.lambdatelemetry.otel.telemetry.model.InitReport;
import dev.lambdatelemetry.otel.telemetry.model.InitRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.InitStart;
import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import dev.lambdatelemetry.otel.telemetry.model.LogsDropped;
import dev.lambdatelemetry.otel.telemetry.model.Report;
import dev.lambdatelemetry.otel.telemetry.model.RestoreReport;
import dev.lambdatelemetry.otel.telemetry.model.RestoreRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.RestoreStart;
import dev.lambdatelemetry.otel.telemetry.model.RuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.Start;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryRecord;
import dev.lambdatelemetry.otel.telemetry.model.Unknown;
import dev.lambdatelemetry.otel.Instrumentation;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Turns the Telemetry API event stream of one execution environment into OpenTelemetry spans, log
 * records and metrics. Stateful: events of one invocation arrive spread over several batches and are
 * correlated by {@code requestId}.
 *
 * <p><b>When an invocation span is emitted.</b> A span is immutable once exported, and only
 * {@code platform.report} carries the final status, the full duration (extension time included) and
 * the billing and memory figures; yet the report of invocation N is generated after the sandbox
 * freezes, so it usually arrives during invocation N+1 or at SHUTDOWN, and on timeouts and crashes
 * not at all. The converter therefore holds each invocation until its report and emits it then,
 * complete. It releases a held invocation early, with what is known, when
 * <ol>
 *   <li>the {@code runtimeDone} of another invocation is processed while this one already has its
 *       own {@code runtimeDone} (invocations are sequential on default Lambda, so its report was
 *       most probably lost);
 *   <li>{@link #drain()} is called at SHUTDOWN;
 *   <li>more than {@link ConverterOptions#maxOpenInvocations()} are held: the oldest is evicted
 *       (and counted in {@link #evictedInvocations()}).
 * </ol>
 * On Managed Instances there is no {@code runtimeDone}: the report is the terminal event and starts
 * without a report are released by (2) or (3). A span is never emitted twice. Events that arrive
 * after their span was emitted add no span attributes, but their child spans are emitted then and
 * the metrics they carry are recorded if they were not yet. Each invocation is counted once in the
 * invocation metrics, when its span is emitted (or, if it had no terminal status then, when one
 * arrives).
 *
 * <p>Init and restore spans are emitted at their {@code initReport}/{@code restoreReport}; they are
 * released early at {@link #drain()} or when the first invocation after them is emitted, because the
 * report of a provisioned-concurrency or SnapStart init can arrive late or never.
 *
 * <p><b>One trace per invocation.</b> With the function's own spans at hand ({@link FunctionTraces})
 * and {@link ConverterOptions#join()} not {@code off}, each invocation span is joined with the
 * function's entry span by {@link TraceJoiner}. The decision must come before the function's spans
 * leave, in the invocation's flush; our invocation span leaves later (at its report, see above), so
 * it can still take the function's trace id then. The lifecycle therefore calls {@link #settleJoin}
 * just before that flush; the join is tried once more when the span is emitted. What the platform
 * side emits before the decision follows it: the invocation's log records read its ids at export
 * ({@link LiveSpanContext}), and an init or restore span is held for the first invocation's
 * decision ({@link PhaseTracker}).
 *
 * <p>Threading: {@link #accept}, {@link #onInvoke} and {@link #drain} are meant for one processing
 * thread (they are synchronized, so another caller is safe too: {@link #settleJoin} comes from the
 * lifecycle's); {@link #collectMetrics()}, {@link #resource()} and the counters may be called from
 * any thread and never wait for conversion.
 *
 * <p>Why one class of some 500 lines (a third of them comments): the invocation rules above share
 * one small state (the open invocation, a pending cold start, the Managed Instances mode, the time
 * of the event being processed) that every event type reads and changes, and they read best
 * together. What shares less is apart: init and restore spans ({@link PhaseTracker}), span building
 * ({@link SpanTranslator}), the join ({@link TraceJoiner}), log records ({@link LogTranslator},
 * {@link PlatformLogs}), metrics ({@link MetricsAggregator}) and the resource ({@link
 * EnvironmentResource}).
 */
public final class TelemetryConverter {

  private static final Logger LOG = Logger.getLogger(TelemetryConverter.class);

  private final SignalSink sink;
  private final ConverterOptions options;
  private final LogRecordFactory logs;
  private final IdSource ids;
  private final InstrumentationScopeInfo scope = Instrumentation.SCOPE;
  private final SpanTranslator spans;
  private final MetricsAggregator metrics = new MetricsAggregator(scope);
  private final EnvironmentResource resource;
  private final InvocationStore invocations = new InvocationStore();
  private final PhaseTracker phases;
  private final TraceJoiner joiner;
  private final AtomicLong evicted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong failedOperations = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();

  private boolean managedInstances;
  private boolean pendingColdStart;
  private long invocationSequence;
  private String openRequestId;
  /** The time of the event being processed: the point time of metrics it changes. */
  private Instant eventTime;
  /** The latest event time seen: the end of spans whose end is otherwise unknown. */
  private Instant latestTime;

  /**
   * @param baseResource the environment's resource from configuration
   * @param sink where spans and log records go
   * @param options behaviour for this environment
   * @param logs builds function/extension log records; in production {@code new LogTranslator()::translate}
   * @param ids random ids for spans X-Ray does not identify; in production {@link IdSource#secureRandom()}
   */
  public TelemetryConverter(
      Resource baseResource, SignalSink sink, ConverterOptions options, LogRecordFactory logs, IdSource ids) {
    this(baseResource, sink, options, logs, ids, FunctionTraces.NONE);
  }

  /**
   * A converter that joins its invocation spans with the function's own spans ({@link
   * ConverterOptions#join()}; see {@link #settleJoin}).
   *
   * @param functionTraces the function's spans received on the local OTLP endpoint, or {@link
   *     FunctionTraces#NONE} when the endpoint is off: then nothing is joined, whatever the mode
   */
  public TelemetryConverter(Resource baseResource, SignalSink sink, ConverterOptions options,
      LogRecordFactory logs, IdSource ids, FunctionTraces functionTraces) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.options = Objects.requireNonNull(options, "options");
    this.logs = Objects.requireNonNull(logs, "logs");
    this.ids = Objects.requireNonNull(ids, "ids");
    this.resource = new EnvironmentResource(Objects.requireNonNull(baseResource, "baseResource"),
        options.userServiceInstanceId());
    this.spans = new SpanTranslator(scope, ids);
    this.joiner = new TraceJoiner(functionTraces, options.join());
    this.phases = new PhaseTracker(this, joiner);
    this.managedInstances = INIT_TYPE_MANAGED_INSTANCES.equals(options.environmentInitType());
  }

  /** Converts one event. Never throws: a bad event is counted in {@link #failedEvents()}. */
  public synchronized void accept(TelemetryEvent event) {
    try {
      dispatch(event);
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      LOG.debugf(e, "[convert] could not convert %s", event == null ? null : event.type());
    }
  }

  /**
   * Notes the INVOKE event of the Extensions API, which may come before or after the
   * {@code platform.start} of its request: the ARN becomes {@code aws.lambda.invoked_arn} and
   * {@code cloud.resource_id} of the span, and the account id of the resource if it has none.
   */
  public synchronized void onInvoke(String requestId, String invokedFunctionArn, long deadlineMs) {
    try {
      resource.onInvokedArn(invokedFunctionArn);
      InvocationState state = invocations.find(requestId);
      if (state == null) {
        invocations.rememberArn(requestId, invokedFunctionArn);
      } else if (!state.emitted && state.invokedArn == null) {
        state.invokedArn = invokedFunctionArn;
      }
    } catch (RuntimeException e) {
      failedOperations.incrementAndGet();
      LOG.debugf(e, "[convert] could not apply INVOKE %s", requestId);
    }
  }

  /**
   * The end-of-invocation flush of {@code requestId} is about to begin: decides now whether the
   * function's entry span of that invocation joins its platform span, since the flush may export the
   * entry span. Call it once the invocation's {@code platform.runtimeDone} was processed (or the wait
   * for it ended) and the grace for the function's late data has passed, immediately before the
   * flush; and at the same point when the flush policy does not flush then. Any thread (synchronized
   * with conversion; it waits for at most the event being converted).
   *
   * <p>An entry span not received by then is not waited for: the function's spans go as they came,
   * and the join is tried once more when the platform span is emitted (at the invocation's report),
   * in case the entry span came later and is still unexported. An init or restore span held for this
   * decision is released now, joined when the invocation was. Unknown request ids are ignored. Never
   * throws: a failure is counted in {@link #failedOperations()}.
   */
  public synchronized void settleJoin(String requestId) {
    try {
      if (!joiner.active()) {
        return;
      }
      InvocationState state = invocations.find(requestId);
      if (state == null || state.emitted) {
        return;
      }
      joiner.attempt(state);
      phases.onInvocationJoinSettled(state);
    } catch (RuntimeException e) {
      failedOperations.incrementAndGet();
      LOG.debugf(e, "[convert] could not join %s", requestId);
    }
  }

  /** At SHUTDOWN: emits every held invocation, init and restore span with what is known. */
  public synchronized void drain() {
    try {
      eventTime = latestTime;
      for (InvocationState state : invocations.heldSnapshot()) {
        emit(state);
      }
      phases.drain();
    } catch (RuntimeException e) {
      failedOperations.incrementAndGet();
      LOG.debug("[convert] drain failed", e);
    }
  }

  /** A cumulative snapshot of every metric recorded so far; empty before the first. Thread-safe. */
  public Collection<MetricData> collectMetrics() {
    return metrics.collect(resource.get());
  }

  /** The environment's current resource, shared by every signal. */
  public Resource resource() {
    return resource.get();
  }

  /** Invocations emitted early because more than the configured maximum were held. */
  public long evictedInvocations() {
    return evicted.get();
  }

  /** Events that could not be converted (each lost; its neighbours were converted). */
  public long failedEvents() {
    return failed.get();
  }

  /**
   * Calls other than {@link #accept} that failed: an {@link #onInvoke} (the span may lack the
   * invoked ARN) or a {@link #drain} (held spans may be lost). Kept apart from {@link
   * #failedEvents()}, which counts Telemetry API events.
   */
  public long failedOperations() {
    return failedOperations.get();
  }

  /** Invocations whose platform span was joined (or linked) with the function's entry span. */
  public long joinedInvocations() {
    return joiner.joinedInvocations();
  }

  /**
   * Invocations emitted unjoined while a join was on: the function sent no entry span in time (or
   * none at all), or it was exported before it could be reparented.
   */
  public long unjoinedInvocations() {
    return joiner.unjoinedInvocations();
  }

  /** Events of a type we do not model. */
  public long unknownEvents() {
    return unknown.get();
  }

  private void dispatch(TelemetryEvent event) {
    Instant time = Objects.requireNonNull(event.time(), "time");
    eventTime = time;
    latestTime = latestTime == null || time.isAfter(latestTime) ? time : latestTime;
    metrics.noteEventTime(time);
    touchOpenInvocation(time);
    TelemetryRecord record = Objects.requireNonNull(event.record(), "record");
    if (record instanceof Start start) {
      onStart(start, time);
    } else if (record instanceof RuntimeDone runtimeDone) {
      onRuntimeDone(runtimeDone, time);
    } else if (record instanceof Report report) {
      onReport(report, time);
    } else if (record instanceof LogLine line) {
      onLogLine(line, time);
    } else if (record instanceof InitStart initStart) {
      onInitStart(initStart, time);
    } else if (record instanceof InitRuntimeDone initRuntimeDone) {
      phases.onInitRuntimeDone(initRuntimeDone, time);
    } else if (record instanceof InitReport initReport) {
      phases.onInitReport(initReport, time);
    } else if (record instanceof RestoreStart restoreStart) {
      onRestoreStart(restoreStart, time);
    } else if (record instanceof RestoreRuntimeDone restoreRuntimeDone) {
      phases.onRestoreRuntimeDone(restoreRuntimeDone, time);
    } else if (record instanceof RestoreReport restoreReport) {
      phases.onRestoreReport(restoreReport, time);
    } else if (record instanceof LogsDropped dropped) {
      sink.log(PlatformLogs.logsDropped(dropped, time, resource.get(), scope));
      metrics.countDropped(dropped.droppedRecords(), dropped.droppedBytes(), time);
    } else if (record instanceof Unknown) {
      unknown.incrementAndGet();
      LOG.debugf("[convert] ignored event of unknown type %s", event.type());
    } else {
      LOG.debugf("[convert] %s: %s", event.type(), record);
    }
  }

  private void onStart(Start start, Instant time) {
    InvocationState state = findOrCreate(start.requestId());
    if (state.emitted || state.start != null) {
      LOG.debugf("[convert] duplicate or late platform.start for %s", start.requestId());
      return;
    }
    state.start = start;
    state.startTime = time;
    state.applyTracing(start.tracing());
    if (!managedInstances) {
      openRequestId = start.requestId();
    }
    if (options.platformLogLines()) {
      sink.log(PlatformLogs.start(start.requestId(), start.version(), time, state.logSpanContext(), resource.get(),
          scope));
    }
  }

  private void onRuntimeDone(RuntimeDone runtimeDone, Instant time) {
    InvocationState state = findOrCreate(runtimeDone.requestId());
    if (state.runtimeDone != null) {
      LOG.debugf("[convert] duplicate platform.runtimeDone for %s", runtimeDone.requestId());
      return;
    }
    state.runtimeDone = runtimeDone;
    state.runtimeDoneTime = time;
    state.applyTracing(runtimeDone.tracing());
    closeIfOpen(state);
    if (options.platformLogLines()) {
      sink.log(PlatformLogs.end(state.requestId, time, state.logSpanContext(), resource.get(), scope));
    }
    if (state.emitted) {
      recordLate(state);
      return;
    }
    for (InvocationState other : invocations.heldSnapshot()) {
      if (other != state && other.runtimeDone != null) {
        emit(other); // sequential invocations: its report would have come before this runtimeDone
      }
    }
  }

  private void onReport(Report report, Instant time) {
    InvocationState state = findOrCreate(report.requestId());
    if (state.report != null) {
      LOG.debugf("[convert] duplicate platform.report for %s", report.requestId());
      return;
    }
    state.report = report;
    state.reportTime = time;
    state.applyTracing(report.tracing());
    closeIfOpen(state);
    if (options.platformLogLines()) {
      if (state.runtimeDone == null) { // Managed Instances: the report is the only terminal event
        sink.log(PlatformLogs.end(state.requestId, time, state.logSpanContext(), resource.get(), scope));
      }
      sink.log(PlatformLogs.report(report, time, state.logSpanContext(), resource.get(), scope));
    }
    if (report.metrics() != null && report.metrics().maxMemoryUsedMB() != null) {
      metrics.recordMemoryUsed(report.metrics().maxMemoryUsedMB(), time);
    }
    if (report.metrics() != null && report.metrics().billedDurationMs() != null) {
      metrics.recordBilledDuration(report.metrics().billedDurationMs(), time);
    }
    if (state.emitted) {
      recordLate(state);
    } else {
      emit(state);
    }
  }

  private void onInitStart(InitStart initStart, Instant time) {
    String type = initStart.initializationType() != null
        ? initStart.initializationType()
        : options.environmentInitType();
    if (INIT_TYPE_MANAGED_INSTANCES.equals(type)) {
      managedInstances = true;
    }
    resource.onInitInstance(initStart.instanceId());
    boolean suppressed = PHASE_INVOKE.equals(initStart.phase());
    InvocationState open = invocations.find(openRequestId);
    if (!suppressed || managedInstances) {
      openRequestId = null;
      open = null;
    }
    if (type == null || INIT_TYPE_ON_DEMAND.equals(type)) {
      if (open != null && !open.emitted && open.runtimeDone == null) {
        open.coldStartByEnvironment = true; // the retried init runs inside this invocation
      } else {
        pendingColdStart = true;
      }
    }
    phases.onInitStart(initStart, type, time);
  }

  private void onRestoreStart(RestoreStart restoreStart, Instant time) {
    // Every restored copy resumes the same memory: without fresh entropy they would share ids.
    ids.reseed();
    resource.onRestore(restoreStart.instanceId());
    pendingColdStart = true;
    phases.onRestoreStart(time);
  }

  private void onLogLine(LogLine line, Instant time) {
    InvocationContext open = managedInstances ? null : contextOf(openRequestId);
    LogRecordData record = logs.translate(line, time, this::contextOf, open, resource.get());
    if (record != null) {
      sink.log(record);
    }
  }

  private InvocationContext contextOf(String requestId) {
    InvocationState state = invocations.find(requestId);
    return state == null ? null : state.context();
  }

  private InvocationState findOrCreate(String requestId) {
    Objects.requireNonNull(requestId, "requestId");
    InvocationState state = invocations.find(requestId);
    if (state != null) {
      return state;
    }
    state = new InvocationState(requestId, ++invocationSequence, ids);
    if (joiner.active()) {
      state.followJoin();
    }
    state.coldStartByEnvironment = pendingColdStart;
    pendingColdStart = false;
    invocations.hold(state);
    while (invocations.heldCount() > options.maxOpenInvocations()) {
      evicted.incrementAndGet();
      InvocationState oldest = invocations.oldestHeld();
      LOG.debugf("[convert] evicting held invocation %s", oldest.requestId);
      emit(oldest);
    }
    return state;
  }

  private void closeIfOpen(InvocationState state) {
    if (state.requestId.equals(openRequestId)) {
      openRequestId = null;
    }
  }

  /** Records {@code time} as the latest moment the open invocation is known to have run. */
  private void touchOpenInvocation(Instant time) {
    if (managedInstances || openRequestId == null) {
      return;
    }
    InvocationState open = invocations.find(openRequestId);
    if (open != null && !open.emitted && (open.lastSeen == null || time.isAfter(open.lastSeen))) {
      open.lastSeen = time;
    }
  }

  /** Emits a held invocation span once, with its children, and counts the invocation. */
  private void emit(InvocationState state) {
    // With no duration known (no runtimeDone, no report), the span ends at the last event seen while
    // it was open: never at a later, unrelated event.
    Instant fallbackEnd = state.lastSeen != null ? state.lastSeen : state.startTime();
    // The last chance to join, for an invocation whose flush came before its entry span, or that
    // never had a flush of its own (Managed Instances, an evicted or drained invocation).
    joiner.attempt(state);
    joiner.count(state);
    sink.span(spans.invocation(state, resource.get(), fallbackEnd == null ? latestTime : fallbackEnd));
    state.emitted = true;
    invocations.retire(state);
    if (!state.coldStartCounted) {
      state.coldStartCounted = true;
      if (state.coldStart()) {
        metrics.countColdStart(eventTime);
      }
    }
    recordLate(state);
    phases.onInvocationEmitted(state);
  }

  /** Emits children and records metrics that became known since the span was emitted. */
  private void recordLate(InvocationState state) {
    if (state.runtimeDone != null && !state.runtimeDoneChildrenEmitted) {
      state.runtimeDoneChildrenEmitted = true;
      spans.children(state.runtimeDone.spans(), state.spanContext(), resource.get()).forEach(sink::span);
    }
    if (state.report != null && !state.reportChildrenEmitted) {
      state.reportChildrenEmitted = true;
      spans.children(state.report.spans(), state.spanContext(), resource.get()).forEach(sink::span);
    }
    String finalStatus = state.finalStatus();
    if (!state.outcomeCounted && finalStatus != null) {
      state.outcomeCounted = true;
      metrics.countOutcome(finalStatus, eventTime);
    }
    Double invokeDurationMs = state.invokeDurationMs();
    if (!state.durationRecorded && invokeDurationMs != null) {
      state.durationRecorded = true;
      metrics.recordInvokeDuration(invokeDurationMs, eventTime);
    }
  }

  // Package-private hooks for PhaseTracker, which shares this converter's state.

  void emitPhase(PhaseState phase) {
    sink.span(spans.phase(phase, resource.get(), latestTime));
    phase.emitted = true;
    spans.children(phase.runtimeDoneSpans, phase.spanContext(), resource.get()).forEach(sink::span);
    spans.children(phase.reportSpans, phase.spanContext(), resource.get()).forEach(sink::span);
  }

  PhaseState newPhase(PhaseState.Kind kind) {
    return new PhaseState(kind, invocationSequence, ids);
  }

  MetricsAggregator metrics() {
    return metrics;
  }
}
