package dev.lambdatelemetry.otel.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * A clock whose time passes only when a test, or a wait, lets it: a wait runs the actions scheduled
 * before its end, in time order, and returns once its condition holds or its end has come. Wall and
 * monotonic time move together. Single-threaded, as the event loop is.
 */
final class FakeClock implements LifecycleClock {

  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long START_NANOS = 1_000_000_000_000L;

  private long nanos = START_NANOS;
  private final List<Scheduled> scheduled = new ArrayList<>();

  private record Scheduled(long atNanos, Runnable action) {}

  @Override
  public Instant now() {
    return START.plusNanos(nanos - START_NANOS);
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  /** The monotonic reading at {@code instant}. */
  long nanosAt(Instant instant) {
    return START_NANOS + Duration.between(START, instant).toNanos();
  }

  /** Lets {@code d} pass, running what was scheduled meanwhile. */
  void advance(Duration d) {
    waitUntil(() -> false, nanos + d.toNanos());
  }

  /** Runs {@code action} when the clock reaches {@code after} from now. */
  void schedule(Duration after, Runnable action) {
    scheduled.add(new Scheduled(nanos + after.toNanos(), action));
  }

  /**
   * Lets time pass until {@code done} holds (checked after each scheduled action) or {@code
   * deadlineNanos} comes.
   *
   * @return whether {@code done} holds
   */
  boolean waitUntil(BooleanSupplier done, long deadlineNanos) {
    while (!done.getAsBoolean()) {
      Scheduled next = scheduled.stream()
          .filter(s -> s.atNanos() <= deadlineNanos)
          .min(Comparator.comparingLong(Scheduled::atNanos))
          .orElse(null);
      if (next == null) {
        nanos = Math.max(nanos, deadlineNanos);
        return false;
      }
      scheduled.remove(next);
      nanos = Math.max(nanos, next.atNanos());
      next.action().run();
    }
    return true;
  }

  @Override
  public void waitFor(Future<?> future, Instant until) {
    waitUntil(future::isDone, nanosAt(until));
  }
}
