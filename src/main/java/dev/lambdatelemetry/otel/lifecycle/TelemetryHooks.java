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
   * SHUTDOWN arrived: stop background work (Managed Instances' periodic export), by {@code stopBy}.
   * Called first; the event loop then waits for the last telemetry and calls the two below.
   */
  void shutdownStarted(Instant stopBy);

  /**
   * SHUTDOWN: convert everything received so far, release the spans still waiting for a report,
   * and export, before {@code deadline}, even while exports are paused. Called again when more
   * deliveries came meanwhile.
   */
  void exportAtShutdown(Instant deadline);

  /** SHUTDOWN, last: export what is left, close the exporters, all before {@code deadline}. */
  void shutdown(Instant deadline);
}
