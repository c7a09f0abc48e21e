package dev.lambdatelemetry.otel.export;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The OTLP/HTTP sender's kept-alive connections. Connections are kept between flushes (a remote
 * collector's TCP and TLS handshakes would otherwise be paid at every invocation), but not beyond {@link
 * #MAX_IDLE}: an environment frozen for minutes comes back to connections that a collector, load
 * balancer or NAT has long dropped, and a request on such a connection can hang until the flush gives
 * up. A connection idle for more than the check threshold ({@link #CHECK_AFTER_IDLE} by default) is
 * checked before use: a 1 ms read, where the end of the stream means the collector closed it.
 */
final class HttpConnectionPool {

  /** An idle connection older than this is closed rather than reused. */
  static final Duration MAX_IDLE = Duration.ofSeconds(30);
  /** A connection idle longer than this is checked for a close by the collector before use. */
  static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(1);
  /** Idle connections kept at most (one per signal sending in parallel). */
  static final int MAX_IDLE_CONNECTIONS = 2;

  private final Deque<HttpConnection> idle = new ArrayDeque<>();
  private final long checkAfterIdleNanos;
  private boolean shutDown;

  HttpConnectionPool(Duration checkAfterIdle) {
    this.checkAfterIdleNanos = checkAfterIdle.toNanos();
  }

  /** The most recently used idle connection that is still open, or null: connect anew. */
  HttpConnection take() {
    HttpConnection c = takeIdle();
    while (c != null && !stillOpen(c)) {
      c.close(); // closed by the collector while idle
      c = takeIdle();
    }
    return c;
  }

  /** Keeps {@code c} for the next request (closing the oldest beyond the limit), or closes it after shutdown. */
  synchronized void giveBack(HttpConnection c) {
    if (shutDown) {
      c.close();
      return;
    }
    c.markIdle();
    idle.addLast(c);
    while (idle.size() > MAX_IDLE_CONNECTIONS) {
      idle.pollFirst().close();
    }
  }

  /** Closes every idle connection; connections given back later are closed too. */
  synchronized void shutdown() {
    shutDown = true;
    HttpConnection c;
    while ((c = idle.pollFirst()) != null) {
      c.close();
    }
  }

  private synchronized HttpConnection takeIdle() {
    HttpConnection c;
    while ((c = idle.pollLast()) != null) {
      if (c.idleNanos() <= MAX_IDLE.toNanos()) {
        c.reused = true;
        return c;
      }
      c.close();
    }
    return null;
  }

  /**
   * Whether a kept-alive connection is still open: after the check threshold of idleness, a 1 ms read
   * tells (the end of the stream, or data nobody asked for, means it is not usable). Outside the lock:
   * the read takes up to a millisecond.
   */
  private boolean stillOpen(HttpConnection c) {
    if (c.idleNanos() < checkAfterIdleNanos) {
      return true;
    }
    try {
      c.socket.setSoTimeout(1);
      c.in.read();
      return false; // the end of the stream (-1), or bytes out of step with our requests
    } catch (SocketTimeoutException e) {
      return true; // nothing to read: open
    } catch (IOException e) {
      return false;
    }
  }
}
