package dev.lambdatelemetry.otel.telemetry;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.jboss.logging.Logger;

/**
 * The Telemetry API's TCP destination: events arrive as newline-delimited JSON, one event a line,
 * with no acknowledgement. Each line is handed to the {@link TelemetryReceiver}. One daemon thread
 * accepts; one daemon thread per connection reads (Lambda keeps a single connection open).
 */
public final class TcpTelemetryListener implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.telemetry.listener");

  private final ServerSocket server;
  private final TelemetryReceiver receiver;
  private final int maxLineBytes;

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

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> readLines(s), "telemetry-tcp-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.debugf(e, "accept failed");
        }
      }
    }
  }

  private void readLines(Socket socket) {
    try (socket;
        InputStream in = new BufferedInputStream(socket.getInputStream(), 65536)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
      boolean overlong = false;
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          if (!overlong && line.size() > 0) {
            receiver.receiveLine(line.toByteArray());
          }
          line.reset();
          overlong = false;
        } else if (!overlong) {
          if (line.size() >= maxLineBytes) {
            overlong = true;
            line.reset();
          } else {
            line.write(b);
          }
        }
      }
      if (!overlong && line.size() > 0) {
        receiver.receiveLine(line.toByteArray());
      }
    } catch (IOException e) {
      LOG.debugf(e, "telemetry TCP connection ended");
    }
  }
}
