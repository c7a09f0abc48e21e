package dev.lambdatelemetry.otel.translate;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.trace.data.LinkData;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One trace per invocation: joins the platform invocation span (ours) and the function's entry span
 * (received on the local OTLP endpoint) of the same invocation, per {@link JoinMode}.
 *
 * <p>{@link JoinMode#REWRITE}:
 * <ul>
 *   <li>the platform span has X-Ray ids and the entry span is in that trace: the entry span, if its
 *       parent is the X-Ray {@code Parent} or missing (not sent by the function), becomes a child of
 *       the platform span; nothing else changes (a handler span with a parent of its own is left
 *       alone);
 *   <li>otherwise the entry span becomes a child of the platform span, and the platform span takes
 *       the entry span's trace id and parent (an upstream caller's span, or none), so that an
 *       upstream trace stays whole. Its own span id is kept. Only when the function side accepted
 *       the new parent: were the entry span already exported, moving only our side would leave the
 *       function's spans under a parent in another trace.
 * </ul>
 * {@link JoinMode#LINK}: no id changes; the platform span gets a link to the entry span, and the
 * entry span one to the platform span.
 *
 * <p>The platform span's children and the invocation's log records follow its trace id, as do the
 * init and restore spans before the first invocation ({@link #bindPhase}). Used only under the
 * converter's lock.
 */
final class TraceJoiner {

  /** Where the join of one invocation stands. */
  enum Outcome {
    /** No entry span received (yet): may be tried again, until the invocation span is emitted. */
    NOT_FOUND(false),
    /** The entry span is a child of the platform span, in one trace. */
    JOINED(true),
    /** Both in the X-Ray trace, the entry span under a parent of its own there: left alone. */
    SAME_TRACE(true),
    /** Links both ways, no id changed. */
    LINKED(true),
    /** The entry span was exported before it could be reparented: both go as they came. */
    REFUSED(false);

    /** The function's entry span was found and the invocation's trace is its (or linked to it). */
    final boolean withFunction;

    Outcome(boolean withFunction) {
      this.withFunction = withFunction;
    }
  }

  private final FunctionTraces traces;
  private final JoinMode mode;
  private final AtomicLong joined = new AtomicLong();
  private final AtomicLong unjoined = new AtomicLong();

  TraceJoiner(FunctionTraces traces, JoinMode mode) {
    this.traces = Objects.requireNonNull(traces, "traces");
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  /** False with {@link JoinMode#OFF} or {@link FunctionTraces#NONE}: then nothing differs from no join. */
  boolean active() {
    return mode != JoinMode.OFF && traces != FunctionTraces.NONE;
  }

  /**
   * Tries the join of {@code state} unless it is decided: when not tried yet, or when its entry span
   * was not found at the previous try.
   */
  void attempt(InvocationState state) {
    if (active() && (state.join == null || state.join == Outcome.NOT_FOUND)) {
      state.join = decide(state);
    }
  }

  /** Counts the invocation, once, when its span is emitted: its outcome is final then. */
  void count(InvocationState state) {
    if (state.join == null) {
      return;
    }
    (state.join.withFunction ? joined : unjoined).incrementAndGet();
  }

  /**
   * Puts an init or restore span into the trace of {@code first}, the first invocation after it, when
   * that invocation was joined with the function: as a child of the invocation span (or, in link
   * mode, with a link to it).
   */
  void bindPhase(PhaseState phase, InvocationState first) {
    phase.joinSettled = true;
    if (first.join == null || !first.join.withFunction) {
      return;
    }
    if (mode == JoinMode.LINK) {
      phase.links = List.of(LinkData.create(first.spanContext()));
    } else {
      phase.traceId = first.traceId;
      phase.parentSpanId = first.spanId;
    }
  }

  /** Invocations whose platform span was joined (or linked) with the function's entry span. */
  long joinedInvocations() {
    return joined.get();
  }

  /** Invocations emitted without a join: no entry span found in time, or it was already exported. */
  long unjoinedInvocations() {
    return unjoined.get();
  }

  private Outcome decide(InvocationState state) {
    String xrayTraceId = state.hasXRayIds() ? state.traceId : null;
    Optional<FunctionSpan> found = traces.entrySpan(state.requestId, xrayTraceId);
    if (found.isEmpty()) {
      return Outcome.NOT_FOUND;
    }
    FunctionSpan entry = found.get();
    if (mode == JoinMode.LINK) {
      state.links = List.of(LinkData.create(remote(entry)));
      traces.link(entry, state.traceId, state.spanId);
      return Outcome.LINKED;
    }
    boolean sameTrace = state.traceId.equals(entry.traceId());
    if (sameTrace && state.spanId.equals(entry.parentSpanId())) {
      return Outcome.JOINED; // already a child of ours: the function propagated our span
    }
    if (xrayTraceId != null && sameTrace) {
      if (hasParentOfItsOwn(entry, state)) {
        return Outcome.SAME_TRACE;
      }
      return traces.reparent(entry, state.spanId) ? Outcome.JOINED : Outcome.REFUSED;
    }
    if (state.spanId.equals(entry.parentSpanId()) || !traces.reparent(entry, state.spanId)) {
      return Outcome.REFUSED;
    }
    state.adoptTrace(entry.traceId(), entry.parentSpanId());
    return Outcome.JOINED;
  }

  /**
   * In the X-Ray trace, whether the entry span hangs under a parent the function chose, to be left
   * alone: its parent is neither the X-Ray {@code Parent} (the one the function was handed) nor
   * missing, and the span names the invocation (it is the handler's entry span). A span found only
   * by trace id has a parent the function never sent: the handler's span did not come (a timeout
   * or a crash before it ended), so the platform span becomes its parent and the trace stays whole.
   */
  private static boolean hasParentOfItsOwn(FunctionSpan entry, InvocationState state) {
    String parent = entry.parentSpanId();
    return parent != null && !parent.equals(state.parentSpanId) && entry.requestId() != null;
  }

  private static SpanContext remote(FunctionSpan span) {
    return SpanContext.createFromRemoteParent(
        span.traceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
  }
}
