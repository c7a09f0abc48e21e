package dev.lambdatelemetry.otel.lifecycle;

import java.time.Instant;

/**
 * What the event loop asks of the telemetry and export side, at the three moments that matter: an
 * invocation starts, an invocation's runtime is done (flush before Lambda freezes us), and SHUTDOWN.
 * Implementations must return by the deadline they are given and must not throw; the loop guards
 * against them anyway (fail open).
 */
public interface TelemetryHooks {

  /** An INVOKE event arrived. */
  void invokeStarted(NextEvent.Invoke invoke, Instant now);

  /**
   * Called about every second while the loop waits for a long invocation's runtimeDone: the
   * {@code adaptive} strategy's backstop flush happens here. Must return within its own budget.
   */
  default void stillRunning(NextEvent.Invoke invoke, Instant invokeStart, Instant now) {}

  /** The invocation's runtime is done (or waiting for it timed out): flush within the deadline. */
  void invokeFinished(NextEvent.Invoke invoke, Instant flushDeadline);

  /**
   * SHUTDOWN arrived: stop background work (Managed Instances' periodic export) by {@code stopBy};
   * from now on the event loop says when to export. Called first.
   */
  void shutdownStarted(Instant stopBy);

  /**
   * SHUTDOWN, while the listener stays for late deliveries: convert what has arrived and export
   * what is ready, before {@code deadline}, even while exports are paused. Spans still waiting for
   * their report stay held: the report may be in the next delivery.
   */
  void exportArrived(Instant deadline);

  /**
   * SHUTDOWN, once the deliveries are over: convert what has arrived, release the spans still
   * waiting for a report, and export everything, metrics included, before {@code deadline}. Called
   * again if more deliveries came meanwhile.
   */
  void exportAll(Instant deadline);

  /** SHUTDOWN, last: export what is left, close the exporters, all before {@code deadline}. */
  void shutdown(Instant deadline);
}
