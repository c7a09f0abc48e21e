package dev.lambdatelemetry.otel.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP/1.1 wire format, as much as the extension needs to talk to the local Runtime API and to
 * an OTLP collector over a plain (or TLS) socket: a request head, and an answer read with its
 * framing (Content-Length, chunked, or the end of the connection).
 *
 * <p>Why not a JDK client: {@code HttpURLConnection} initialises the platform logging on first use
 * (~100 ms of JBoss LogManager before {@code register}), and {@code java.net.http} is ~260 classes
 * and a selector thread; in the layer every class is preloaded from the AOT cache and resident.
 */
public final class Http1 {

  static final int MAX_HEADER_BYTES = 64 * 1024;
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private Http1() {}

  /**
   * An answer: status, headers with lower-case names, body.
   *
   * @param persistent the connection may carry another exchange: the body was framed (not ended by
   *     the connection's end), read in full, and the server did not ask to close (HTTP/1.1), or asked
   *     to keep it (HTTP/1.0)
   * @param truncated the body was longer than the reader's limit: {@code body} is its beginning, the
   *     rest was not read (so the connection is out of step and must be closed)
   */
  public record Response(
      int status, Map<String, String> headers, byte[] body, boolean persistent, boolean truncated) {

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The connection may carry another exchange. */
    public boolean keepAlive() {
      return persistent;
    }
  }

  /**
   * The request head: request line, {@code Host}, {@code Content-Length} when there is a body (or
   * the method is not GET), the given headers, and {@code Connection: close} unless {@code
   * keepAlive}.
   */
  public static byte[] head(
      String method,
      String hostPort,
      String path,
      List<Map.Entry<String, String>> headers,
      int bodyLength,
      boolean keepAlive) {
    StringBuilder head = new StringBuilder(256)
        .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(hostPort).append("\r\n");
    if (!keepAlive) {
      head.append("Connection: close\r\n");
    }
    for (Map.Entry<String, String> h : headers) {
      head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    if (bodyLength > 0 || !method.equals("GET")) {
      head.append("Content-Length: ").append(bodyLength).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads an answer whose body must be complete: a body longer than 16 MiB is an {@link IOException}.
   */
  public static Response read(InputStream in) throws IOException {
    return read(in, MAX_BODY_BYTES, false, false);
  }

  /**
   * Reads an answer keeping at most {@code maxBody} bytes of its body and reading no further: a longer
   * (or endless) body is cut there and the answer marked {@link Response#truncated() truncated} and not
   * persistent. For answers whose status and headers are what matters, and whose body is small when
   * well-formed, so that whatever is on the other end costs at most {@code maxBody} bytes of heap.
   */
  public static Response readCapped(InputStream in, int maxBody) throws IOException {
    if (maxBody < 0) {
      throw new IllegalArgumentException("maxBody < 0: " + maxBody);
    }
    return read(in, maxBody, true, false);
  }

  /**
   * Reads the head of an answer (status line and headers, after any interim 1xx) and nothing of a
   * body: for the answer to {@code CONNECT}, after which the connection carries the tunnel (a 2xx has no
   * body by definition), or is closed. Reads byte by byte, so that nothing beyond the head is taken
   * from {@code in}.
   */
  public static Response readHead(InputStream in) throws IOException {
    return read(in, 0, true, true);
  }

  private static Response read(InputStream in, int maxBody, boolean cut, boolean headOnly) throws IOException {
    while (true) {
      Response r = readOne(in, maxBody, cut, headOnly);
      // 1xx are interim answers (100 Continue, 103 Early Hints): a client must accept them even
      // unasked and read on to the final one, or the connection falls out of step. (101 switches
      // protocols: we never ask for it, and there is no HTTP after it.)
      if (r.status() < 100 || r.status() >= 200 || r.status() == 101) {
        return r;
      }
    }
  }

  /** A body as read: all of it, or its first bytes when it was longer than the limit. */
  private record Body(byte[] bytes, boolean truncated) {
    static final Body EMPTY = new Body(new byte[0], false);
  }

  private static Response readOne(InputStream in, int maxBody, boolean cut, boolean headOnly)
      throws IOException {
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
    if (headOnly) {
      return new Response(status, headers, new byte[0], false, false);
    }
    Body body;
    String length = headers.get("content-length");
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = chunked(in, maxBody, cut);
    } else if (length != null) {
      long n;
      try {
        n = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw new IOException("bad Content-Length: " + length, e);
      }
      if (n < 0 || (n > maxBody && !cut)) {
        throw new IOException("Content-Length out of range: " + n);
      }
      int keep = (int) Math.min(n, maxBody);
      byte[] bytes = in.readNBytes(keep);
      if (bytes.length < keep) {
        throw new EOFException("body cut after " + bytes.length + " of " + n + " bytes");
      }
      body = new Body(bytes, keep < n);
    } else if (status == 204 || status == 304 || status / 100 == 1) {
      body = Body.EMPTY; // no body by definition
    } else {
      // The connection's end delimits it.
      Body b = untilEnd(in, maxBody, cut);
      return new Response(status, headers, b.bytes(), false, b.truncated());
    }
    String connection = headers.getOrDefault("connection", "");
    boolean persistent = status != 101 // after a protocol switch there is no HTTP on it
        && !body.truncated() // the rest of the body is still on the wire
        && (parts[0].equals("HTTP/1.0")
            ? connection.equalsIgnoreCase("keep-alive")
            : !connection.equalsIgnoreCase("close"));
    return new Response(status, headers, body.bytes(), persistent, body.truncated());
  }

  private static Body chunked(InputStream in, int maxBody, boolean cut) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    while (true) {
      String size = line(in);
      int semi = size.indexOf(';');
      long n;
      try {
        n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size: " + size, e);
      }
      if (n == 0) {
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
          // trailers: none expected, ignored
        }
        return new Body(out.toByteArray(), false);
      }
      if (n < 0) {
        throw new IOException("bad chunk size: " + size);
      }
      boolean tooLarge = out.size() + n > maxBody;
      if (tooLarge && !cut) {
        throw new IOException("body too large");
      }
      int keep = (int) Math.min(n, maxBody - out.size());
      byte[] chunk = in.readNBytes(keep);
      if (chunk.length < keep) {
        throw new EOFException("chunk cut");
      }
      out.write(chunk);
      if (tooLarge) {
        return new Body(out.toByteArray(), true); // the rest of this chunk, and the next ones, unread
      }
      line(in); // the CRLF after the chunk
    }
  }

  private static Body untilEnd(InputStream in, int maxBody, boolean cut) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    byte[] buf = new byte[8192];
    while (true) {
      int room = maxBody - out.size();
      // One byte beyond the limit tells a body of exactly maxBody bytes from a longer one.
      int n = in.read(buf, 0, (int) Math.min(buf.length, room + 1L));
      if (n == -1) {
        return new Body(out.toByteArray(), false);
      }
      if (n > room) {
        if (!cut) {
          throw new IOException("body too large");
        }
        out.write(buf, 0, room);
        return new Body(out.toByteArray(), true);
      }
      out.write(buf, 0, n);
    }
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
