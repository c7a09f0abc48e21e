package dev.lambdatelemetry.otel.export;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * One connection of the OTLP/HTTP sender: the socket requests are written to (TLS or plain), the plain
 * socket under it, its buffered input, and how long it has been idle in the pool.
 */
final class HttpConnection {

  private static final int INPUT_BUFFER_BYTES = 8192;

  final Socket socket;
  /** The plain socket: the same as {@link #socket} without TLS. */
  final Socket raw;
  BufferedInputStream in;
  /** Taken from the pool: a write failure means the collector closed it while idle. */
  boolean reused;
  private long idleSinceNanos;
  private long idleSinceMillis;

  HttpConnection(Socket socket, Socket raw) {
    this.socket = socket;
    this.raw = raw;
  }

  /** The connection over {@code connected} (this one, or TLS on top of it), ready to read answers. */
  HttpConnection ready(Socket connected) throws IOException {
    HttpConnection c = connected == socket ? this : new HttpConnection(connected, raw);
    c.in = new BufferedInputStream(connected.getInputStream(), INPUT_BUFFER_BYTES);
    return c;
  }

  void markIdle() {
    idleSinceNanos = System.nanoTime();
    idleSinceMillis = System.currentTimeMillis();
  }

  /**
   * How long it has been idle, by both clocks: whichever a frozen and thawed environment moved
   * further counts.
   */
  long idleNanos() {
    long byMonotonic = System.nanoTime() - idleSinceNanos;
    long byWall = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - idleSinceMillis);
    return Math.max(byMonotonic, byWall);
  }

  /**
   * Closes the plain socket first: that never blocks, and it ends whatever a thread is doing on
   * the TLS socket above it (whose own close would wait for a blocked write's lock).
   */
  void close() {
    try {
      raw.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
    if (socket != raw) {
      try {
        socket.close();
      } catch (IOException e) {
        // the plain socket is closed already: nothing to send, nothing to do
      }
    }
  }
}
