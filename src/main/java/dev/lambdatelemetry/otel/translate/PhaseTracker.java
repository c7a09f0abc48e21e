package dev.lambdatelemetry.otel.translate;

import dev.lambdatelemetry.otel.telemetry.model.InitReport;
import dev.lambdatelemetry.otel.telemetry.model.InitRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.InitStart;
import dev.lambdatelemetry.otel.telemetry.model.RestoreReport;
import dev.lambdatelemetry.otel.telemetry.model.RestoreRuntimeDone;
import java.time.Instant;
import java.util.List;

/**
 * Follows init sequences and SnapStart restores and decides when their spans are emitted: at their
 * report; early when a later invocation's span is emitted, when a new sequence of the same kind
 * begins, or at drain. The report of an early-released phase still feeds its duration metric but
 * never makes a second span. Used only from the converter's processing thread.
 *
 * <p>With a join ({@link TraceJoiner#active()}), a phase whose report came is held further, until the
 * join of the first invocation after it is decided (just before that invocation's flush, see {@link
 * TelemetryConverter#settleJoin}), so that it can go into that invocation's trace: a cold start then
 * shows in the request's trace. The hold ends at the latest with the releases above (that
 * invocation's span emitted, a new sequence, drain at SHUTDOWN), so it never outlives SHUTDOWN's
 * flush; and it is exported in the same flush as it would be without a join.
 */
final class PhaseTracker {

  private final TelemetryConverter converter;
  private final TraceJoiner joiner;
  private PhaseState init;
  private PhaseState restore;

  PhaseTracker(TelemetryConverter converter, TraceJoiner joiner) {
    this.converter = converter;
    this.joiner = joiner;
  }

  void onInitStart(InitStart initStart, String type, Instant time) {
    init = begin(init, PhaseState.Kind.INIT);
    init.startTime = time;
    init.noteTypeAndPhase(type, initStart.phase());
  }

  void onInitRuntimeDone(InitRuntimeDone done, Instant time) {
    init = accepting(init, PhaseState.Kind.INIT, false);
    init.runtimeDoneTime = time;
    init.runtimeDoneStatus = done.status();
    init.runtimeDoneErrorType = done.errorType();
    init.runtimeDoneSpans = orEmpty(done.spans());
    init.noteTypeAndPhase(done.initializationType(), done.phase());
  }

  void onInitReport(InitReport report, Instant time) {
    init = accepting(init, PhaseState.Kind.INIT, true);
    init.reportTime = time;
    init.reportStatus = report.status();
    init.reportErrorType = report.errorType();
    init.reportDurationMs = report.durationMs();
    init.reportSpans = orEmpty(report.spans());
    init.noteTypeAndPhase(report.initializationType(), report.phase());
    if (report.durationMs() != null) {
      converter.metrics().recordInitDuration(report.durationMs(), time);
    }
    emitUnlessAwaitingJoin(init);
  }

  void onRestoreStart(Instant time) {
    restore = begin(restore, PhaseState.Kind.RESTORE);
    restore.startTime = time;
  }

  void onRestoreRuntimeDone(RestoreRuntimeDone done, Instant time) {
    restore = accepting(restore, PhaseState.Kind.RESTORE, false);
    restore.runtimeDoneTime = time;
    restore.runtimeDoneStatus = done.status();
    restore.runtimeDoneErrorType = done.errorType();
    restore.runtimeDoneSpans = orEmpty(done.spans());
  }

  void onRestoreReport(RestoreReport report, Instant time) {
    restore = accepting(restore, PhaseState.Kind.RESTORE, true);
    restore.reportTime = time;
    restore.reportStatus = report.status();
    restore.reportErrorType = report.errorType();
    restore.reportDurationMs = report.durationMs();
    restore.reportSpans = orEmpty(report.spans());
    if (report.durationMs() != null) {
      converter.metrics().recordRestoreDuration(report.durationMs(), time);
    }
    emitUnlessAwaitingJoin(restore);
  }

  /**
   * The join of {@code invocation} is decided: a phase before it takes its trace (if it was joined
   * with the function) and, if its report came, is emitted now.
   */
  void onInvocationJoinSettled(InvocationState invocation) {
    for (PhaseState phase : new PhaseState[] {init, restore}) {
      if (phase != null && !phase.emitted && !phase.joinSettled && follows(invocation, phase)) {
        joiner.bindPhase(phase, invocation);
        if (phase.reportTime != null) {
          emitOnce(phase);
        }
      }
    }
  }

  /** The first invocation after a phase began has been emitted: do not hold the phase any longer. */
  void onInvocationEmitted(InvocationState invocation) {
    if (joiner.active()) {
      onInvocationJoinSettled(invocation);
    }
    for (PhaseState phase : new PhaseState[] {init, restore}) {
      if (phase != null && invocation.sequence > phase.invocationSequenceAtStart) {
        emitOnce(phase);
      }
    }
  }

  void drain() {
    emitOnce(init);
    emitOnce(restore);
  }

  /** A new sequence begins: the previous one of the same kind is over. */
  private PhaseState begin(PhaseState previous, PhaseState.Kind kind) {
    emitOnce(previous);
    return converter.newPhase(kind);
  }

  /**
   * The current phase if it can still take this event (no report yet, and for a runtimeDone no
   * runtimeDone yet); otherwise a new phase whose start was not seen.
   */
  private PhaseState accepting(PhaseState current, PhaseState.Kind kind, boolean forReport) {
    if (current != null
        && current.reportTime == null
        && (forReport || current.runtimeDoneTime == null)) {
      return current;
    }
    return begin(current, kind);
  }

  /**
   * Whether {@code invocation} is the one a phase's span is joined to: one that began after the phase
   * began, or, for an init retried inside an invocation ({@code phase=invoke}), that invocation.
   */
  private static boolean follows(InvocationState invocation, PhaseState phase) {
    return invocation.sequence > phase.invocationSequenceAtStart
        || (LambdaAttributes.PHASE_INVOKE.equals(phase.phase)
            && invocation.sequence == phase.invocationSequenceAtStart);
  }

  private void emitUnlessAwaitingJoin(PhaseState phase) {
    if (!joiner.active() || phase.joinSettled) {
      emitOnce(phase);
    }
  }

  private void emitOnce(PhaseState phase) {
    if (phase != null && !phase.emitted) {
      converter.emitPhase(phase);
    }
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
