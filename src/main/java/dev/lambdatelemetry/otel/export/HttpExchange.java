package dev.lambdatelemetry.otel.export;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One OTLP/HTTP request as the flush sees it, bounded by its deadline: cancelling it (at the flush
 * deadline, {@link InFlight#abandonAll()}) closes the connection it is on, which ends a blocked
 * connect, write or read at once.
 */
final class HttpExchange extends CompletableFuture<Void> {

  /** Requests shorter than this are not started: they could not complete. */
  static final Duration MIN_REQUEST_TIME = Duration.ofMillis(1);

  private final long deadlineNanos;
  private HttpConnection connection;

  /** An exchange that must end by {@code deadlineNanos} of {@link System#nanoTime()}. */
  HttpExchange(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** The time left, in whole milliseconds (a socket timeout). */
  int millisLeft() throws SocketHttpSender.DeadlineExceededException {
    long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    if (ms < MIN_REQUEST_TIME.toMillis()) {
      throw new SocketHttpSender.DeadlineExceededException("no time left in the flush");
    }
    return (int) Math.min(Integer.MAX_VALUE, ms);
  }

  /** The time left in milliseconds, at most {@code cap}; zero or less when none is. */
  long millisLeftAtMost(long cap) {
    return Math.min(cap, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  /** From now on, cancelling closes {@code c}; already cancelled, {@code c} is closed at once. */
  synchronized void attach(HttpConnection c) throws CancellationException {
    if (isCancelled()) {
      c.close();
      throw new CancellationException("the flush ended");
    }
    connection = c;
  }

  synchronized void detach() {
    connection = null;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    synchronized (this) {
      if (connection != null) {
        connection.close();
      }
    }
    return cancelled;
  }
}
