package dev.lambdatelemetry.otel.lifecycle;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
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
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private final String host;
  private final int port;

  /**
   * @param hostPort {@code host:port}, as in {@code AWS_LAMBDA_RUNTIME_API}
   */
  RuntimeApiHttp(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("AWS_LAMBDA_RUNTIME_API must be host:port, was " + hostPort);
    }
    this.host = hostPort.substring(0, colon);
    try {
      this.port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("AWS_LAMBDA_RUNTIME_API must be host:port, was " + hostPort);
    }
  }

  /** An answer: status, headers with lower-case names, body. */
  record Response(int status, Map<String, String> headers, byte[] body) {

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
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
    Response exchange(
        String method, String path, Map<String, String> headers, byte[] body, int readTimeoutMs)
        throws IOException {
      socket.setSoTimeout(readTimeoutMs);
      StringBuilder head = new StringBuilder(256)
          .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
          .append("Host: ").append(host).append(':').append(port).append("\r\n")
          .append("Connection: close\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      if (body != null) {
        head.append("Content-Type: application/json\r\nContent-Length: ")
            .append(body.length).append("\r\n");
      } else if (!method.equals("GET")) {
        head.append("Content-Length: 0\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream(), 8192));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static Response read(InputStream in) throws IOException {
    String statusLine = line(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP answer: " + statusLine);
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad status line: " + statusLine, e);
    }
    Map<String, String> headers = new HashMap<>();
    int headerBytes = 0;
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      headerBytes += l.length();
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new IOException("headers too large");
      }
      int colon = l.indexOf(':');
      if (colon > 0) {
        headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
      }
    }
    byte[] body;
    String length = headers.get("content-length");
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = chunked(in);
    } else if (length != null) {
      int n;
      try {
        n = Integer.parseInt(length.trim());
      } catch (NumberFormatException e) {
        throw new IOException("bad Content-Length: " + length, e);
      }
      if (n < 0 || n > MAX_BODY_BYTES) {
        throw new IOException("Content-Length out of range: " + n);
      }
      body = in.readNBytes(n);
      if (body.length < n) {
        throw new EOFException("body cut after " + body.length + " of " + n + " bytes");
      }
    } else {
      body = readCapped(in); // Connection: close delimits the body
    }
    return new Response(status, headers, body);
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    while (true) {
      String size = line(in);
      int semi = size.indexOf(';');
      int n;
      try {
        n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size: " + size, e);
      }
      if (n == 0) {
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
          // trailers: none expected, ignored
        }
        return out.toByteArray();
      }
      if (out.size() + n > MAX_BODY_BYTES) {
        throw new IOException("body too large");
      }
      byte[] chunk = in.readNBytes(n);
      if (chunk.length < n) {
        throw new EOFException("chunk cut");
      }
      out.write(chunk);
      line(in); // the CRLF after the chunk
    }
  }

  private static byte[] readCapped(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) != -1) {
      if (out.size() + n > MAX_BODY_BYTES) {
        throw new IOException("body too large");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** One CRLF- (or LF-) terminated line, without the terminator. */
  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder(64);
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int len = b.length();
        if (len > 0 && b.charAt(len - 1) == '\r') {
          b.setLength(len - 1);
        }
        return b.toString();
      }
      if (b.length() > MAX_HEADER_BYTES) {
        throw new IOException("line too long");
      }
      b.append((char) c);
    }
    throw new EOFException("connection closed mid-answer");
  }
}
