package dev.lambdatelemetry.otel.export;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who may use the export path now: one flush at a time (the event loop's, the background one's), or
 * the warm-up's empty request, which any flush may cut. Its own type because the three ways in differ
 * only in what they may wait for, and that is what keeps every flush inside its deadline:
 *
 * <ul>
 *   <li>a flush waits for another flush until its deadline ({@link #lockBy}), but never for the
 *       warm-up: it cuts the warm-up's request, which carries nothing;
 *   <li>the warm-up yields to any flush waiting ({@link #openForWarmUp});
 *   <li>no one opens a window while parts (logs, the function's data) given up by an earlier flush
 *       still run ({@link #leftBehindEnded}): they would start a request in that window and, their
 *       own deadline past, cancel every request in flight there.
 * </ul>
 */
final class FlushGate {

  /** A flush waiting for the lock looks this often for a warm-up to cut. */
  private static final Duration LOCK_SLICE = Duration.ofMillis(5);

  private final ReentrantLock lock = new ReentrantLock();
  private final Clock clock;
  private final InFlight inFlight;
  /** Guards the warm-up's window: a flush may cut it only while it runs. */
  private final Object warmUpGuard = new Object();
  private boolean warmUpRunning;
  private boolean warmUpCut;
  /** Parts of a flush it gave up on (still encoding on a starved CPU), until it has ended. */
  private volatile CompletableFuture<Void> leftBehind;

  FlushGate(Clock clock, InFlight inFlight) {
    this.clock = clock;
    this.inFlight = inFlight;
  }

  /**
   * Takes the lock by {@code deadline}, cutting a warm-up that holds it; false when another flush
   * (the background one) holds it until then.
   */
  boolean lockBy(Instant deadline) throws InterruptedException {
    if (lock.tryLock()) {
      return true;
    }
    while (true) {
      cutWarmUp();
      long left = Duration.between(clock.instant(), deadline).toNanos();
      if (left <= 0) {
        return false;
      }
      if (lock.tryLock(Math.min(left, LOCK_SLICE.toNanos()), TimeUnit.NANOSECONDS)) {
        return true;
      }
    }
  }

  /** Takes the lock by {@code deadline}, for the warm-up, which cuts nothing. */
  boolean lockForWarmUpBy(Instant deadline) throws InterruptedException {
    long waitNanos = Math.max(0, Duration.between(clock.instant(), deadline).toNanos());
    return lock.tryLock(waitNanos, TimeUnit.NANOSECONDS);
  }

  void unlock() {
    lock.unlock();
  }

  /**
   * Opens the warm-up's window until {@code requestDeadline}, lock held; false, and nothing opened,
   * when a flush is waiting (it opens the connection itself).
   */
  boolean openForWarmUp(Instant requestDeadline) {
    synchronized (warmUpGuard) {
      if (lock.hasQueuedThreads()) {
        return false;
      }
      warmUpRunning = true;
      warmUpCut = false;
      inFlight.open(requestDeadline);
      return true;
    }
  }

  /** Whether a flush cut the warm-up's request (then its failure says nothing of the collector). */
  boolean warmUpCut() {
    synchronized (warmUpGuard) {
      return warmUpCut;
    }
  }

  /** Ends the warm-up's window, cancelling its request if it still runs. */
  void closeWarmUp() {
    synchronized (warmUpGuard) {
      warmUpRunning = false;
      inFlight.close();
    }
  }

  private void cutWarmUp() {
    synchronized (warmUpGuard) {
      if (warmUpRunning && !warmUpCut) {
        warmUpCut = true;
        inFlight.close(); // only the warm-up's request can be registered: it holds the lock
      }
    }
  }

  /** Remembers parts a flush gave up on (all of them, as one future): no window opens before it has ended. */
  void leaveBehind(CompletableFuture<Void> part) {
    leftBehind = part;
  }

  /** Whether parts left behind still run (the warm-up then does not wait for it). */
  boolean leftBehindRunning() {
    CompletableFuture<Void> part = leftBehind;
    return part != null && !part.isDone();
  }

  /**
   * Waits until {@code deadline} for parts left behind to end (with the window closed it
   * starts nothing, and ends soon); false if it has not.
   */
  boolean leftBehindEnded(Instant deadline) {
    CompletableFuture<Void> part = leftBehind;
    if (part == null) {
      return true;
    }
    try {
      part.get(Math.max(0, Duration.between(clock.instant(), deadline).toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException | CancellationException e) {
      // ended
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    leftBehind = null;
    return true;
  }
}
