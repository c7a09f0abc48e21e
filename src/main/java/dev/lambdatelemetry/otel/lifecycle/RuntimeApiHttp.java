package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.http.Http1;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client for the local Runtime API, on a plain socket, one connection per call.
 *
 * <p>Why not {@link java.net.HttpURLConnection}: its first use initialises the JDK's platform logging,
 * which on Quarkus means the whole JBoss LogManager, about 100 ms measured here, all of it before
 * {@code register}, i.e. added to the user's cold start. The Runtime API is a loopback server that
 * speaks plain HTTP/1.1; this is all that talking to it takes.
 */
final class RuntimeApiHttp {

  private static final int CONNECT_TIMEOUT_MS = 2_000;

  private final String host;
  private final int port;

  /**
   * @param hostPort {@code host:port}, as in {@link LambdaApi#ENV_RUNTIME_API}
   */
  RuntimeApiHttp(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException(
          LambdaApi.ENV_RUNTIME_API + " must be host:port, was " + hostPort);
    }
    this.host = hostPort.substring(0, colon);
    try {
      this.port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          LambdaApi.ENV_RUNTIME_API + " must be host:port, was " + hostPort);
    }
  }

  /** Opens the connection for one call. */
  Call open() throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
    return new Call(socket);
  }

  /** One request and its answer on its own connection. */
  final class Call implements AutoCloseable {
    private final Socket socket;

    private Call(Socket socket) {
      this.socket = socket;
    }

    /**
     * Sends the request and reads the answer.
     *
     * @param readTimeoutMs 0 for none (the long poll)
     */
    Http1.Response exchange(
        String method, String path, Map<String, String> headers, byte[] body, int readTimeoutMs)
        throws IOException {
      socket.setSoTimeout(readTimeoutMs);
      List<Map.Entry<String, String>> all = new ArrayList<>(headers.entrySet());
      if (body != null) {
        all.add(Map.entry("Content-Type", "application/json"));
      }
      OutputStream out = socket.getOutputStream();
      out.write(Http1.head(method, host + ":" + port, path, all, body == null ? 0 : body.length, false));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return Http1.read(new BufferedInputStream(socket.getInputStream(), 8192));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
