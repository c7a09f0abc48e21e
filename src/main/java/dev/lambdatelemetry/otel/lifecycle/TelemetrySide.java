package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.export.ExportPipeline.ShutdownRound;
import dev.lambdatelemetry.otel.export.FlushPolicy;
import dev.lambdatelemetry.otel.export.FlushResult;
import java.time.Instant;

/**
 * What {@link InvocationFlow} and {@link ShutdownSequence} need of the telemetry side (the converter,
 * the processing thread, the export pipeline) once it is built: nothing else of it. Every method
 * returns by the deadline it is given and does not throw; the callers guard against it anyway (fail
 * open). Called from the event loop's thread only.
 */
interface TelemetrySide {

  /** When to flush; owned by the event loop's thread. */
  FlushPolicy policy();

  /** Tells the converter about an INVOKE event (its ARN, its deadline). */
  void onInvoke(NextEvent.Invoke invoke);

  /**
   * The invocation {@code requestId} has ended (its runtimeDone converted, or its wait given up):
   * waits a short grace for a function export still being received (an SDK flush that raced the
   * function's response), never past {@code until}, so that it is in the invocation's flush.
   */
  default void settleInvocation(String requestId, Instant until) {}

  /** Exports what is pending, before {@code deadline}. */
  FlushResult flush(Instant deadline);

  /**
   * Starts a flush on the background thread, bounded by {@code deadline}; returns at once, false when
   * nothing started (one still runs, or the side has no background thread).
   */
  default boolean flushInBackground(Instant deadline) {
    return false;
  }

  /**
   * Before {@code next}: a background flush under way may finish until {@code until}, then it is cut;
   * none starts again before the next invocation.
   */
  default void settleBackground(Instant until) {}

  /** How full the fuller pending queue is, 0 to 1 (a side without queues: 0). */
  default double pendingShare() {
    return 0;
  }

  /** Stops background export (Managed Instances); a request in flight may run until {@code until}. */
  void stopBackground(Instant until);

  /**
   * Has the processing thread convert everything received so far, and waits for it until {@code
   * until}.
   *
   * @return false when it had not caught up by then
   */
  boolean catchUp(Instant until);

  /**
   * As {@link #catchUp}, then releases the spans still waiting for a report: behind every batch
   * already received, so that the last {@code platform.report} is converted before they go.
   */
  boolean drain(Instant until);

  /** A SHUTDOWN export round, before {@code deadline}. */
  void flushAtShutdown(Instant deadline, ShutdownRound round);

  /** Exports what is left and closes the exporters, before {@code deadline}. */
  void shutdown(Instant deadline);

  /** Counters and queue state, for a debug line. */
  String statsLine();
}
