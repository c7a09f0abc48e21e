package dev.lambdatelemetry.otel.lifecycle;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A value built on another thread and handed over once: the telemetry side, which init does not wait
 * for (it is not needed before the first invocation). Its users wait for it within their own
 * deadline and go on without it when it is not there in time: the data stays queued for the next
 * call. One that failed to build is never there.
 */
final class Ready<T> {

  private final CompletableFuture<T> value = new CompletableFuture<>();
  private final LifecycleClock clock;

  Ready(LifecycleClock clock) {
    this.clock = clock;
  }

  /** A value that is there from the start. */
  static <T> Ready<T> of(T value, LifecycleClock clock) {
    Ready<T> ready = new Ready<>(clock);
    ready.complete(value);
    return ready;
  }

  /** Hands the value over; wakes every waiter. */
  void complete(T t) {
    value.complete(t);
  }

  /** The value could not be built: it never will be. */
  void fail(Throwable cause) {
    value.completeExceptionally(cause);
  }

  /** The value if it is there now; never waits. */
  Optional<T> now() {
    return value.isDone() && !value.isCompletedExceptionally()
        ? Optional.ofNullable(value.getNow(null))
        : Optional.empty();
  }

  /** The value, waiting for it until {@code until} at most. */
  Optional<T> await(Instant until) {
    try {
      clock.waitFor(value, until);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return now();
  }

  /**
   * Runs {@code action} with the value: now if it is there, else on the building thread once it is.
   * Never if it failed.
   */
  void whenReady(Consumer<? super T> action) {
    value.thenAccept(action);
  }
}
