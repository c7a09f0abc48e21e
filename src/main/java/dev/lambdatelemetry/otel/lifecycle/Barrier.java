package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.telemetry.InvocationBarrier;

/**
 * What the lifecycle waits on: the processing thread's progress through the platform events of an
 * invocation, and the listeners' deliveries. Deadlines are {@link LifecycleClock#nanoTime()}
 * readings. In production the {@link InvocationBarrier} the processing thread and the listeners
 * signal; a fake in the tests of {@link InvocationFlow} and {@link ShutdownSequence}.
 */
interface Barrier {

  /** Waits until {@code platform.runtimeDone} of {@code requestId} is converted; false at the deadline. */
  boolean awaitRuntimeDone(String requestId, long deadlineNanos) throws InterruptedException;

  /** Waits until {@code platform.report} of {@code requestId} is converted; false at the deadline. */
  boolean awaitReport(String requestId, long deadlineNanos) throws InterruptedException;

  /** Deliveries so far: two readings tell whether any came between. */
  long arrivals();

  /**
   * Waits until a delivery has come at or after {@code sinceNanos} and {@code quietNanos} then
   * passed without another; returns at {@code deadlineNanos} in any case.
   */
  void awaitQuiet(long sinceNanos, long quietNanos, long deadlineNanos) throws InterruptedException;

  /** The barrier over {@code barrier}, whose waits read {@link System#nanoTime()}. */
  static Barrier over(InvocationBarrier barrier) {
    return new Barrier() {
      @Override
      public boolean awaitRuntimeDone(String requestId, long deadlineNanos)
          throws InterruptedException {
        return barrier.awaitRuntimeDone(requestId, deadlineNanos);
      }

      @Override
      public boolean awaitReport(String requestId, long deadlineNanos) throws InterruptedException {
        return barrier.awaitReport(requestId, deadlineNanos);
      }

      @Override
      public long arrivals() {
        return barrier.arrivals();
      }

      @Override
      public void awaitQuiet(long sinceNanos, long quietNanos, long deadlineNanos)
          throws InterruptedException {
        barrier.awaitQuiet(sinceNanos, quietNanos, deadlineNanos);
      }
    };
  }
}
