package dev.lambdatelemetry.otel.export;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * The deadline of the flush under way and the requests it has started. Senders size each request's
 * timeout from {@link #remaining()}, and the pipeline calls {@link #abandonAll()} before a flush returns,
 * so that no request outlives the flush into a freeze (the hard rule of the export side).
 */
final class InFlight {

  private final Clock clock;
  private final Set<Future<?>> requests = ConcurrentHashMap.newKeySet();
  private volatile Instant deadline = Instant.MIN;

  InFlight(Clock clock) {
    this.clock = clock;
  }

  /** Opens a flush window; until then and after {@link #close()} every send fails at once. */
  void open(Instant flushDeadline) {
    this.deadline = flushDeadline;
  }

  /** Closes the window and cancels what is still running; returns how many were cancelled. */
  int close() {
    deadline = Instant.MIN;
    return abandonAll();
  }

  /** Time left in the current flush; zero or negative when there is none. */
  Duration remaining() {
    return Duration.between(clock.instant(), deadline);
  }

  /** Time left in the current flush, never more than {@code cap} (an exporter's own timeout). */
  Duration remaining(Duration cap) {
    Duration left = remaining();
    return left.compareTo(cap) > 0 ? cap : left;
  }

  /**
   * Tracks a request about to start; false, and nothing tracked, when the window has closed or its
   * deadline passed (the flush ended while the sender was encoding): the sender must then not start
   * it, and reports it as not sent, so its items stay queued.
   */
  boolean register(Future<?> request) {
    requests.add(request);
    Duration left = remaining();
    if (deadline == Instant.MIN || left.isNegative() || left.isZero()) {
      requests.remove(request);
      return false;
    }
    return true;
  }

  void done(Future<?> request) {
    requests.remove(request);
  }

  int size() {
    return requests.size();
  }

  /** Cancels every registered request (JDK 16+ HttpClient aborts the exchange on cancel(true)). */
  int abandonAll() {
    int n = 0;
    for (Future<?> f : requests) {
      if (f.cancel(true)) {
        n++;
      }
      requests.remove(f);
    }
    return n;
  }
}
