package dev.lambdatelemetry.otel.export;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How the export side waits between two attempts of a request. An interface so that the retry logic
 * can be driven by a test clock (a test pause advances it) without waiting on real time; {@link
 * #SYSTEM} is the only place of the export core that reads the monotonic system time.
 */
@FunctionalInterface
interface Pause {

  /** A backoff notices a stop within this. */
  Duration SLICE = Duration.ofMillis(10);

  /**
   * Parks in slices of {@link #SLICE}, so that a stop ends the wait within one slice on whichever
   * thread waits (traces on the flushing thread, logs on the executor's). Measured on the monotonic
   * clock: a wall clock set back must not stretch a backoff.
   */
  Pause SYSTEM =
      (wait, stop) -> {
        long until = System.nanoTime() + wait.toNanos();
        for (long left = wait.toNanos(); left > 0; left = until - System.nanoTime()) {
          LockSupport.parkNanos(Math.min(left, SLICE.toNanos()));
          if (Thread.currentThread().isInterrupted() || stop.getAsBoolean()) {
            return false;
          }
        }
        return true;
      };

  /**
   * Waits {@code wait}; false when {@code stop} turned true or the thread was interrupted meanwhile.
   */
  boolean await(Duration wait, BooleanSupplier stop);
}
