package dev.lambdatelemetry.otel.telemetry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The Telemetry API's TCP destination: events arrive as newline-delimited JSON, one event a line,
 * with no acknowledgement. Each line is handed to the {@link TelemetryReceiver}. One daemon thread
 * accepts; one daemon thread per connection reads (Lambda keeps a single connection open).
 *
 * <p>Bounded whatever connects: at most {@link #MAX_CONNECTIONS} at once (extras are closed at
 * once), and the lines being read take their room from the inbox's byte bound as they grow, so
 * that all connections together never hold more than that bound, the queued batches included. A
 * line over {@code maxLineBytes} is dropped and counted ({@code dropped_too_large}), one with no
 * room left is dropped and counted ({@code dropped_inbox_full}); the connection goes on with the
 * next line.
 */
public final class TcpTelemetryListener implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.telemetry.listener");

  private final ServerSocket server;
  private final TelemetryReceiver receiver;
  private final int maxLineBytes;
  private final AtomicInteger connections = new AtomicInteger();
  /** Bytes the connections hold for lines being read (reserved in the inbox), and their peak. */
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong peakHeld = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  /** Lambda keeps one connection; a reconnect may overlap the old one for a while. */
  static final int MAX_CONNECTIONS = 4;
  /** A line's buffer starts this small and doubles: most events are a few hundred bytes. */
  private static final int INITIAL_LINE_BYTES = 4096;

  /** Binds at once, so that a port in use fails start-up before we subscribe. */
  public TcpTelemetryListener(
      InetAddress address, int port, TelemetryReceiver receiver, int maxLineBytes)
      throws IOException {
    this.server = new ServerSocket(port, 16, address);
    this.receiver = receiver;
    this.maxLineBytes = maxLineBytes;
  }

  /** Starts accepting connections. */
  public void start() {
    Thread t = new Thread(this::acceptLoop, "telemetry-tcp-listener");
    t.setDaemon(true);
    t.start();
  }

  /** The bound port. */
  public int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  /** Bytes the connections hold now for lines being read. */
  long heldBytes() {
    return held.get();
  }

  /** The most the connections held at once for lines being read. */
  long peakHeldBytes() {
    return peakHeld.get();
  }

  /** Connections open now (each read by its own thread until it ends). */
  int openConnections() {
    return connections.get();
  }

  /** Connections closed at once because {@link #MAX_CONNECTIONS} were open. */
  long refusedConnections() {
    return refused.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        if (connections.incrementAndGet() > MAX_CONNECTIONS) {
          connections.decrementAndGet();
          refused.incrementAndGet();
          LOG.debugf("telemetry TCP connection refused: %d open already", MAX_CONNECTIONS);
          closeQuietly(s);
          continue;
        }
        Thread t = new Thread(() -> {
          try {
            readLines(s);
          } finally {
            connections.decrementAndGet();
          }
        }, "telemetry-tcp-connection");
        t.setDaemon(true);
        try {
          t.start();
        } catch (RuntimeException | Error e) {
          // No thread for it ("unable to create native thread"): give its slot back and close it,
          // and keep accepting: a dead accept loop would lose every later delivery uncounted.
          connections.decrementAndGet();
          refused.incrementAndGet();
          closeQuietly(s);
          LOG.debugf(e, "telemetry TCP connection refused: no thread for it");
        }
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.debugf(e, "accept failed");
        }
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to keep
    }
  }

  private void readLines(Socket socket) {
    Line line = new Line();
    try (socket;
        InputStream in = new BufferedInputStream(socket.getInputStream(), 65536)) {
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          line.end();
        } else {
          line.add((byte) b);
        }
      }
      line.end();
    } catch (IOException e) {
      LOG.debugf(e, "telemetry TCP connection ended");
    } catch (RuntimeException | Error e) {
      LOG.debugf(e, "telemetry TCP connection failed");
    } finally {
      line.discard();
    }
  }

  /** The line being read on one connection, in a buffer whose room is reserved in the inbox. */
  private final class Line {
    private byte[] buf = new byte[0];
    private int len;
    private boolean dropping;

    void add(byte b) {
      if (dropping) {
        return;
      }
      if (len == buf.length && !grow()) {
        return;
      }
      buf[len++] = b;
    }

    /** Doubles the buffer within the line cap and the shared bound; false when the line is dropped. */
    private boolean grow() {
      if (len >= maxLineBytes) {
        drop();
        receiver.lineTooLong();
        return false;
      }
      int capacity = (int) Math.min(maxLineBytes, Math.max(INITIAL_LINE_BYTES, len * 2L));
      // Both arrays live while one is copied into the other: reserve for both. A doubling that
      // even an empty inbox could not give is cut to what it could; a line that cannot grow at all
      // within the bound is too large for it, not waiting for room.
      long couldGive = receiver.inboxBound() - buf.length;
      if (capacity > couldGive) {
        if (couldGive <= len) {
          drop();
          receiver.lineTooLong();
          return false;
        }
        capacity = (int) couldGive;
      }
      if (!reserve(capacity)) {
        long lost = len;
        drop();
        receiver.lineDropped(lost);
        return false;
      }
      int old = buf.length;
      buf = Arrays.copyOf(buf, capacity);
      release(old);
      return true;
    }

    /** The line is complete: deliver it, its reservation going with it, and start the next. */
    void end() {
      if (!dropping && len > 0) {
        byte[] bytes = Arrays.copyOf(buf, len);
        long reserved = buf.length;
        buf = new byte[0];
        len = 0;
        held.addAndGet(-reserved);
        receiver.receiveLine(bytes, reserved);
      } else {
        discard();
      }
      dropping = false;
    }

    /** Forgets the line read so far and skips to the end of it. */
    private void drop() {
      discard();
      dropping = true;
    }

    void discard() {
      release(buf.length);
      buf = new byte[0];
      len = 0;
    }
  }

  private boolean reserve(long bytes) {
    if (!receiver.reserve(bytes)) {
      return false;
    }
    long now = held.addAndGet(bytes);
    peakHeld.accumulateAndGet(now, Math::max);
    return true;
  }

  private void release(long bytes) {
    if (bytes > 0) {
      held.addAndGet(-bytes);
      receiver.release(bytes);
    }
  }
}
