package dev.lambdatelemetry.otel.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The short wait, after an invocation's {@code platform.runtimeDone}, for a function export still
 * being received: an OpenTelemetry SDK flushes before the handler returns, but a flush that is not
 * awaited races the response. The wait costs nothing when nothing is being received (the usual case:
 * the SDK's flush was answered before the handler returned), and at most {@code grace} otherwise
 * ({@code lambda-telemetry.otlp-receiver.grace}), never past the invocation's own deadline.
 */
final class FunctionGrace {

  /** How often the wait looks again: a request on loopback is read in well under a millisecond. */
  static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(250);

  private final BooleanSupplier receiving;
  private final Duration grace;
  private final LifecycleClock clock;

  FunctionGrace(BooleanSupplier receiving, Duration grace, LifecycleClock clock) {
    this.receiving = receiving;
    this.grace = grace;
    this.clock = clock;
  }

  /**
   * Returns when nothing is being received, or at the end of the grace, or at {@code until}.
   *
   * @return whether a request was still being received when it returned
   */
  boolean await(Instant until) {
    if (!receiving.getAsBoolean()) {
      return false;
    }
    long start = clock.nanoTime();
    long end = Math.min(start + grace.toNanos(),
        start + Math.max(0, Duration.between(clock.now(), until).toNanos()));
    while (receiving.getAsBoolean()) {
      if (clock.nanoTime() >= end) {
        return true;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    return false;
  }
}
