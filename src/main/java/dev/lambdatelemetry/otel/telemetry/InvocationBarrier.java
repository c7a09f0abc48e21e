package dev.lambdatelemetry.otel.telemetry;

import java.util.LinkedHashSet;
import java.util.concurrent.TimeUnit;

/**
 * Lets the event loop wait until the processing thread has converted a request's
 * {@code platform.runtimeDone} (the runtime is done: flush now, before Lambda freezes us) or its
 * {@code platform.report} (the last report arrives during SHUTDOWN). Remembers a bounded number of
 * recent request ids, because the event can be processed before the loop starts waiting.
 */
public final class InvocationBarrier {

  private static final int REMEMBERED = 1024;

  private final LinkedHashSet<String> runtimeDone = new LinkedHashSet<>();
  private final LinkedHashSet<String> reported = new LinkedHashSet<>();
  private long lastBatchNanos = System.nanoTime();

  /** Called by the processing thread once runtimeDone of {@code requestId} is converted. */
  public synchronized void runtimeDone(String requestId) {
    remember(runtimeDone, requestId);
    notifyAll();
  }

  /** Called by the processing thread once the report of {@code requestId} is converted. */
  public synchronized void reported(String requestId) {
    remember(reported, requestId);
    remember(runtimeDone, requestId); // a report implies the runtime is done (Managed Instances)
    notifyAll();
  }

  /** Called by the processing thread after each batch. */
  public synchronized void batchProcessed() {
    lastBatchNanos = System.nanoTime();
    notifyAll();
  }

  /**
   * Waits until no batch has been processed for {@code quietNanos} (the platform's last delivery is
   * over), or {@code deadlineNanos} passes. Used at SHUTDOWN when there is no request to wait for
   * (Managed Instances, where reports of concurrent invocations can come in any order).
   */
  public synchronized void awaitQuiet(long quietNanos, long deadlineNanos)
      throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      long quietUntil = Math.max(lastBatchNanos, start) + quietNanos;
      long until = Math.min(quietUntil, deadlineNanos);
      if (now >= until) {
        return;
      }
      TimeUnit.NANOSECONDS.timedWait(this, until - now);
    }
  }

  /** Waits until runtimeDone of {@code requestId} is converted or {@code deadlineNanos} passes. */
  public boolean awaitRuntimeDone(String requestId, long deadlineNanos) throws InterruptedException {
    return await(runtimeDone, requestId, deadlineNanos);
  }

  /** Waits until the report of {@code requestId} is converted or {@code deadlineNanos} passes. */
  public boolean awaitReport(String requestId, long deadlineNanos) throws InterruptedException {
    return await(reported, requestId, deadlineNanos);
  }

  private synchronized boolean await(LinkedHashSet<String> set, String requestId, long deadlineNanos)
      throws InterruptedException {
    while (!set.contains(requestId)) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  private static void remember(LinkedHashSet<String> set, String requestId) {
    if (requestId == null) {
      return;
    }
    set.add(requestId);
    if (set.size() > REMEMBERED) {
      var it = set.iterator();
      it.next();
      it.remove();
    }
  }
}
