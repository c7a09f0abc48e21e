package dev.lambdatelemetry.otel.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, instead of sleeping a guessed time. */
public final class PollingWait {

  private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

  private PollingWait() {}

  /** Polls {@code condition} until true; fails with {@code message} when {@code timeout} passes. */
  public static void await(Duration timeout, BooleanSupplier condition, String message) {
    await(timeout, condition, () -> message);
  }

  /** As {@link #await(Duration, BooleanSupplier, String)}, the message built only on failure. */
  public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> message) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(message.get() + " (waited " + timeout + ")");
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
