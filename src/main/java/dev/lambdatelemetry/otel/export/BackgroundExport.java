package dev.lambdatelemetry.otel.export;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The {@code continuous} strategy's exporter: one named daemon thread that flushes every interval,
 * for Lambda Managed Instances, which never freeze. Apart from the flush because its concern is the
 * thread's life: started once, and stopped by a deadline, cutting a flush under way that would hold
 * SHUTDOWN past it (a collector that hangs must not hold the exit past the platform's deadline).
 */
final class BackgroundExport {

  /** One flush bounded by {@code deadline}, stopped as soon as {@code cancelled} says so. */
  @FunctionalInterface
  interface Flush {
    FlushResult run(Instant deadline, BooleanSupplier cancelled);
  }

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.export");
  static final String THREAD_NAME = "lambda-telemetry-export";
  /** The shortest deadline a background flush gets, whatever its interval. */
  private static final Duration MIN_WINDOW = Duration.ofSeconds(1);
  /** How long a background flush whose requests were cut may take to notice. */
  private static final Duration CUT_WAIT = Duration.ofMillis(100);

  private final Clock clock;
  private final InFlight inFlight;
  private final Flush flush;
  private volatile Thread thread;

  BackgroundExport(Clock clock, InFlight inFlight, Flush flush) {
    this.clock = clock;
    this.inFlight = inFlight;
    this.flush = flush;
  }

  /** Starts flushing every {@code interval}; no-op when already running. */
  synchronized void start(Duration interval) {
    if (thread != null) {
      return;
    }
    Thread t = new Thread(() -> loop(interval), THREAD_NAME);
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /**
   * Stops the thread. A flush under way starts nothing more (no new request, no retry after its
   * backoff); its request in flight may finish until {@code until}, then it is cut (counted
   * abandoned; what was not sent stays queued).
   */
  synchronized void stop(Instant until) {
    Thread t = thread;
    if (t == null) {
      return;
    }
    thread = null;
    LockSupport.unpark(t);
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

  private boolean joined(Thread t, Instant until) throws InterruptedException {
    long ms = Duration.between(clock.instant(), until).toMillis();
    if (ms > 0) {
      t.join(ms);
    }
    return !t.isAlive();
  }

  private void loop(Duration interval) {
    Thread self = Thread.currentThread();
    BooleanSupplier stopped = () -> thread != self;
    // No freeze on the environments that export in the background (Managed Instances): a request
    // may take longer than a short interval without being cut, but still not hold SHUTDOWN up long.
    Duration window = interval.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : interval;
    while (thread == self) {
      LockSupport.parkNanos(this, interval.toNanos());
      if (thread != self) {
        return;
      }
      flush.run(clock.instant().plus(window), stopped);
    }
  }
}
