package dev.lambdatelemetry.otel.export;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Flushes on one named daemon thread instead of the event loop's, in two ways:
 *
 * <ul>
 *   <li>{@link #start every interval} (the {@code continuous} strategy, for Lambda Managed Instances,
 *       which never freeze);
 *   <li>{@link #runOnce once}, while an invocation runs (the {@code adaptive} strategy when
 *       invocations are frequent): the round trip to the collector overlaps the function's own work
 *       instead of being added after it.
 * </ul>
 *
 * <p>Where the environment freezes, no request may be in flight when the extension calls {@code
 * next}: a request resumed after a thaw would race a re-send. So before each {@code next} the event
 * loop {@link #settle settles} the thread: the flush under way may finish until the end-of-invocation
 * flush's own deadline, then it is cut exactly as that flush would be (its request cancelled, its
 * items counted abandoned, what was not sent stays queued), and no flush starts again before the
 * next invocation ({@link #resume}, or the next {@link #runOnce}).
 *
 * <p>Apart from the flush because its concern is the thread's life: started when first needed, and
 * stopped by a deadline, cutting a flush under way that would hold SHUTDOWN past it (a collector that
 * hangs must not hold the exit past the platform's deadline).
 */
final class BackgroundExport {

  /** One flush bounded by {@code deadline}, stopped as soon as {@code cancelled} says so. */
  @FunctionalInterface
  interface Flush {
    FlushResult run(Instant deadline, BooleanSupplier cancelled);
  }

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.export");
  static final String THREAD_NAME = "lambda-telemetry-export";
  /** The shortest deadline a periodic background flush gets, whatever its interval. */
  private static final Duration MIN_WINDOW = Duration.ofSeconds(1);
  /** How long a background flush whose requests were cut may take to notice, in ms. */
  static final long CUT_WAIT_MS = 100;
  private static final Duration CUT_WAIT = Duration.ofMillis(CUT_WAIT_MS);

  private final Clock clock;
  private final InFlight inFlight;
  private final Flush flush;
  private final Object lock = new Object();

  /** The thread; null when none runs (not yet needed, or stopped). */
  private volatile Thread thread;
  /** Set by {@link #stop}: no thread starts again. */
  private boolean stopped;
  /** The periodic interval; null: one-shot flushes only. */
  private Duration interval;
  private long nextPeriodicNanos;
  /** The deadline of a one-shot flush asked for and not yet begun. */
  private Instant requested;
  /** Between {@link #settle} and the next invocation: nothing starts. */
  private boolean paused;
  /** A flush is under way on the thread. */
  private boolean flushing;
  /** The flush under way must start nothing more (settled past its time, or stopped). */
  private volatile boolean cut;

  BackgroundExport(Clock clock, InFlight inFlight, Flush flush) {
    this.clock = clock;
    this.inFlight = inFlight;
    this.flush = flush;
  }

  /** Starts flushing every {@code interval}; no-op when already flushing periodically. */
  void start(Duration interval) {
    synchronized (lock) {
      if (stopped || this.interval != null) {
        return;
      }
      this.interval = interval;
      nextPeriodicNanos = System.nanoTime() + interval.toNanos();
      ensureThread();
      lock.notifyAll();
    }
  }

  /**
   * Starts one flush bounded by {@code deadline} on the thread, now, and lifts a {@link #settle}.
   *
   * @return false, and nothing new started, when a flush is already under way or asked for, or the
   *     thread was stopped
   */
  boolean runOnce(Instant deadline) {
    synchronized (lock) {
      paused = false;
      if (stopped || flushing || requested != null) {
        return false;
      }
      requested = deadline;
      ensureThread();
      lock.notifyAll();
      return true;
    }
  }

  /**
   * Before {@code next}: lets the flush under way finish until {@code until}, then cuts it; no flush
   * starts again until {@link #resume} or {@link #runOnce}. On return, no background request is in
   * flight (unless a request ignores its cancel for longer than {@value #CUT_WAIT_MS} ms).
   *
   * @return true when a flush had to be cut
   */
  boolean settle(Instant until) {
    synchronized (lock) {
      paused = true;
      try {
        // A flush asked for and not yet begun (a busy CPU) still gets its chance until then.
        if (!waitWhileBusy(until)) {
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      boolean began = flushing;
      requested = null;
      if (!began) {
        return false; // it never began: nothing to cut, its items are still queued
      }
      cut = true;
    }
    LOG.debug("[export] cutting the background flush under way at the invocation's end");
    inFlight.close();
    synchronized (lock) {
      try {
        waitWhileBusy(clock.instant().plus(CUT_WAIT));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return true;
  }

  /** Lets periodic flushes start again after a {@link #settle} (the next invocation began). */
  void resume() {
    synchronized (lock) {
      if (paused) {
        paused = false;
        lock.notifyAll();
      }
    }
  }

  /** Whether a flush runs on the thread right now. */
  boolean flushing() {
    synchronized (lock) {
      return flushing;
    }
  }

  /**
   * Stops the thread. A flush under way starts nothing more (no new request, no retry after its
   * backoff); its request in flight may finish until {@code until}, then it is cut (counted
   * abandoned; what was not sent stays queued).
   */
  void stop(Instant until) {
    Thread t;
    synchronized (lock) {
      stopped = true;
      t = thread;
      if (t == null) {
        return;
      }
      thread = null;
      requested = null;
      cut = true;
      lock.notifyAll();
    }
    try {
      if (!joined(t, until)) {
        LOG.debug("[export] cutting the background flush under way");
        inFlight.close();
        joined(t, clock.instant().plus(CUT_WAIT));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits, lock held, until no flush runs nor waits to begin, or {@code until}; true when one still
   * runs or waits.
   */
  private boolean waitWhileBusy(Instant until) throws InterruptedException {
    while (flushing || requested != null) {
      long ms = Duration.between(clock.instant(), until).toMillis();
      if (ms <= 0) {
        return true;
      }
      lock.wait(ms);
    }
    return false;
  }

  private void ensureThread() {
    if (thread == null) {
      Thread t = new Thread(this::loop, THREAD_NAME);
      t.setDaemon(true);
      thread = t;
      t.start();
    }
  }

  private boolean joined(Thread t, Instant until) throws InterruptedException {
    long ms = Duration.between(clock.instant(), until).toMillis();
    if (ms > 0) {
      t.join(ms);
    }
    return !t.isAlive();
  }

  private void loop() {
    Thread self = Thread.currentThread();
    while (true) {
      Instant deadline;
      try {
        deadline = nextFlush(self);
      } catch (InterruptedException e) {
        return;
      }
      if (deadline == null) {
        return;
      }
      try {
        flush.run(deadline, () -> cut || thread != self);
      } catch (RuntimeException e) {
        // The flush never throws by contract; a bug must not end background export.
        LOG.debug("[export] background flush failed", e);
      } finally {
        synchronized (lock) {
          flushing = false;
          if (interval != null) {
            nextPeriodicNanos = System.nanoTime() + interval.toNanos();
          }
          lock.notifyAll();
        }
      }
    }
  }

  /** Waits for the next flush to begin; its deadline, or null when stopped. */
  private Instant nextFlush(Thread self) throws InterruptedException {
    synchronized (lock) {
      while (thread == self) {
        if (requested != null) {
          Instant deadline = requested;
          requested = null;
          return begin(deadline);
        }
        if (paused || interval == null) {
          lock.wait();
          continue;
        }
        long waitNanos = nextPeriodicNanos - System.nanoTime();
        if (waitNanos <= 0) {
          // No freeze on the environments that export periodically (Managed Instances): a request
          // may take longer than a short interval without being cut, but still not hold SHUTDOWN up long.
          return begin(clock.instant().plus(interval.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : interval));
        }
        TimeUnit.NANOSECONDS.timedWait(lock, waitNanos);
      }
      return null;
    }
  }

  private Instant begin(Instant deadline) {
    flushing = true;
    cut = false;
    return deadline;
  }
}
