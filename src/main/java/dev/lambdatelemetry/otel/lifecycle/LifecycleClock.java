package dev.lambdatelemetry.otel.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lifecycle's time: wall-clock instants, for the deadlines Lambda sends (epoch milliseconds) and
 * the ones handed to the telemetry side, and a monotonic reading, for the waits themselves (a wall
 * clock may step). Injected, so that the invocation flow and the SHUTDOWN sequence are tested with a
 * clock that moves only when the test says.
 */
interface LifecycleClock {

  /** The system's clocks. */
  LifecycleClock SYSTEM = new LifecycleClock() {
    @Override
    public Instant now() {
      return Instant.now();
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }
  };

  /** How long an event without a deadline (a minimal emulator) lets us stay. */
  Duration NO_DEADLINE_STAY = Duration.ofSeconds(2);

  /** The wall-clock instant now. */
  Instant now();

  /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}: only differences count. */
  long nanoTime();

  /**
   * Waits until {@code future} is done or {@code until} has come, whichever is first; the caller
   * then looks at the future. Here, because waiting is letting time pass: a test clock lets its own
   * time pass instead, running what the test scheduled meanwhile.
   */
  default void waitFor(Future<?> future, Instant until) throws InterruptedException {
    long ms = Duration.between(now(), until).toMillis();
    if (ms <= 0 || future.isDone()) {
      return;
    }
    try {
      future.get(ms, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // the caller looks at the future
    }
  }

  /** The wall-clock instant of the monotonic reading {@code nanos} (now if it is past). */
  default Instant wallAt(long nanos) {
    return now().plusNanos(Math.max(0, nanos - nanoTime()));
  }

  /**
   * The monotonic reading at which an absolute epoch-ms deadline, less {@code margin}, is reached;
   * {@link #NO_DEADLINE_STAY} from {@code nowNanos} when no deadline was given.
   */
  default long deadlineNanos(long deadlineEpochMs, Duration margin, long nowNanos) {
    if (deadlineEpochMs <= 0) {
      return nowNanos + NO_DEADLINE_STAY.toNanos();
    }
    long leftMs = deadlineEpochMs - now().toEpochMilli() - margin.toMillis();
    return nowNanos + Math.max(0, leftMs) * 1_000_000L;
  }
}
