package dev.lambdatelemetry.otel.telemetry;

import java.util.LinkedHashSet;
import java.util.concurrent.TimeUnit;

/**
 * Lets the event loop wait until the processing thread has converted a request's
 * {@code platform.runtimeDone} (the runtime is done: flush now, before Lambda freezes us) or its
 * {@code platform.report} (the last report arrives during SHUTDOWN), or until the listeners'
 * deliveries have gone quiet. Remembers a bounded number of recent request ids, because the event
 * can be processed before the loop starts waiting.
 */
public final class InvocationBarrier {

  private static final int REMEMBERED = 1024;

  private final LinkedHashSet<String> runtimeDone = new LinkedHashSet<>();
  private final LinkedHashSet<String> reported = new LinkedHashSet<>();
  private long arrivals;
  private long lastArrivalNanos;

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

  /** Called by a listener once a delivery (an HTTP body or a TCP line) is in the inbox, or dropped. */
  public synchronized void arrived() {
    arrivals++;
    lastArrivalNanos = System.nanoTime();
    notifyAll();
  }

  /** Deliveries so far: the event loop compares two readings to learn whether any came between. */
  public synchronized long arrivals() {
    return arrivals;
  }

  /**
   * Waits for the platform's deliveries to end: until one has come at or after {@code sinceNanos}
   * and {@code quietNanos} then passed without another; returns at {@code deadlineNanos} in any
   * case. SHUTDOWN uses it after an export round that saw deliveries come meanwhile.
   */
  public synchronized void awaitQuiet(long sinceNanos, long quietNanos, long deadlineNanos)
      throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      long until = deadlineNanos;
      if (arrivals > 0 && lastArrivalNanos - sinceNanos >= 0
          && lastArrivalNanos + quietNanos - deadlineNanos < 0) {
        until = lastArrivalNanos + quietNanos;
      }
      if (now - until >= 0) {
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
