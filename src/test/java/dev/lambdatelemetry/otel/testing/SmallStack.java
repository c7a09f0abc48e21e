package dev.lambdatelemetry.otel.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a task on a thread with the launcher's stack size ({@code -Xss256k}), so a test sees the
 * {@link StackOverflowError} production would see, whatever the test JVM's own default.
 */
public final class SmallStack {

  /** The stack size of the layer's JVM ({@code -Xss256k}). */
  public static final long LAUNCHER_STACK_BYTES = 256 * 1024;

  private static final long TIMEOUT_SECONDS = 60;

  private SmallStack() {}

  /**
   * The result of {@code task} run on a fresh thread of {@link #LAUNCHER_STACK_BYTES}; whatever it
   * threw (an Error included) fails the test with that throwable as the cause.
   */
  public static <T> T call(Callable<T> task) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        result.set(task.call());
      } catch (Throwable e) { // StackOverflowError is the point of the exercise
        failure.set(e);
      }
    }, "small-stack-test", LAUNCHER_STACK_BYTES);
    t.start();
    try {
      t.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    if (t.isAlive()) {
      throw new AssertionError("task still running after " + TIMEOUT_SECONDS + " s");
    }
    if (failure.get() != null) {
      throw new AssertionError("task failed on a " + LAUNCHER_STACK_BYTES + "-byte stack: "
          + failure.get(), failure.get());
    }
    return result.get();
  }
}
