package dev.lambdatelemetry.otel.simulator.scenario;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The simulator playing the passing of time: a function handler running for its duration, the runtime
 * initialising, a sandbox frozen for a while. This is the one place the simulator waits for time itself;
 * everything that waits for something to happen waits on that condition, with a deadline.
 */
public final class SimulatedTime {

  private SimulatedTime() {}

  /** Lets {@code duration} pass. */
  public static void pass(Duration duration) throws InterruptedException {
    passUntil(System.nanoTime() + duration.toNanos());
  }

  /** Lets time pass until {@link System#nanoTime()} reaches {@code deadlineNanos}. */
  public static void passUntil(long deadlineNanos) throws InterruptedException {
    for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }
}
