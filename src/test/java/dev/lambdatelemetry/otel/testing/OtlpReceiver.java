package dev.lambdatelemetry.otel.testing;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP receiver on 127.0.0.1 (port 0) for tests, on a raw {@link ServerSocket} so that it can
 * misbehave the way collectors do: down (connection refused), slow, hanging, failing with a status, or
 * resetting connections. It decodes the protobuf requests (gzip included) and answers with the proto
 * response. Thread-safe.
 */
public final class OtlpReceiver implements AutoCloseable {

  private static final int MAX_BODY = 64 * 1024 * 1024;

  private final int port;
  private final ReceivedTelemetry received = new ReceivedTelemetry();
  private final List<Span> offeredSpans = new CopyOnWriteArrayList<>();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private volatile Mode mode = Mode.UP;
  private volatile java.util.function.BiConsumer<String, byte[]> forward;
  private volatile boolean closed;
  private ServerSocket server;

  private OtlpReceiver(ServerSocket server) {
    this.server = server;
    this.port = server.getLocalPort();
    acceptOn(server);
  }

  /** Starts a receiver in mode {@link Mode#UP} on a free loopback port. */
  public static OtlpReceiver start() {
    return new OtlpReceiver(listen(0));
  }

  /** {@code http://127.0.0.1:PORT}, without a {@code /v1/...} path. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /**
   * Switches behaviour. {@link Mode#DOWN} closes the listening socket and every connection (clients get
   * connection refused); leaving DOWN listens again on the same port.
   */
  public void setMode(Mode newMode) {
    synchronized (lock) {
      Mode old = mode;
      mode = newMode;
      if (newMode == Mode.DOWN && old != Mode.DOWN) {
        closeQuietly(server);
        connections.forEach(OtlpReceiver::closeQuietly);
        connections.clear();
      } else if (old == Mode.DOWN && newMode != Mode.DOWN && !closed) {
        server = listen(port);
        acceptOn(server);
      }
      lock.notifyAll();
    }
  }

  public List<ResourceSpans> resourceSpans() {
    return received.resourceSpans();
  }

  public List<ResourceLogs> resourceLogs() {
    return received.resourceLogs();
  }

  public List<ResourceMetrics> resourceMetrics() {
    return received.resourceMetrics();
  }

  /** Every span received, in arrival order. */
  public List<Span> spans() {
    return received.spans();
  }

  /**
   * Every span of every trace request read completely, whatever the mode then did with it (stored, hung,
   * reset, refused with a status): what the client offered, as opposed to {@link #spans()}, what was
   * accepted. A span offered but never stored had, for the client, an unknown or failed fate.
   */
  public List<Span> offeredSpans() {
    return List.copyOf(offeredSpans);
  }

  /** Every log record received, in arrival order. */
  public List<LogRecord> logRecords() {
    return received.logRecords();
  }

  /** Requests read completely, whatever the mode did with them. */
  public int requestCount() {
    return received.requestCount();
  }

  /** Whether any request came gzip-compressed. */
  public boolean sawGzip() {
    return received.gzip();
  }

  /** Paths of the requests read, in order. */
  public List<String> paths() {
    return received.targets();
  }

  /** Headers (lower-case names) of the requests read, in order. */
  public List<Map<String, String>> requestHeaders() {
    return received.requestHeaders();
  }

  public void awaitSpans(int n, Duration timeout) {
    received.awaitSpans(n, timeout);
  }

  public void awaitLogs(int n, Duration timeout) {
    received.awaitLogs(n, timeout);
  }

  public void awaitMetrics(int n, Duration timeout) {
    received.awaitMetrics(n, timeout);
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      closeQuietly(server);
      connections.forEach(OtlpReceiver::closeQuietly);
      lock.notifyAll();
    }
  }

  private static ServerSocket listen(int port) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
  }

  private void acceptOn(ServerSocket socket) {
    Thread t =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try {
                  Socket c = socket.accept();
                  synchronized (lock) {
                    // accept() can return a connection just as DOWN closes the listening socket:
                    // a collector that is down answers nothing, so close it unanswered.
                    if (mode == Mode.DOWN || closed || socket.isClosed()) {
                      closeQuietly(c);
                      continue;
                    }
                    connections.add(c);
                  }
                  Thread h = new Thread(() -> serve(c), "otlp-receiver-conn");
                  h.setDaemon(true);
                  h.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "otlp-receiver-accept-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void serve(Socket c) {
    try (c) {
      InputStream in = c.getInputStream();
      OutputStream out = c.getOutputStream();
      while (!c.isClosed()) {
        Request req = Request.read(in);
        if (req == null) {
          return;
        }
        offer(req);
        received.request(req.path, req.headers);
        Mode m = mode;
        if (m instanceof Hang) {
          waitWhile(() -> mode instanceof Hang, Long.MAX_VALUE);
          return;
        }
        if (m instanceof Reset) {
          c.setSoLinger(true, 0);
          return;
        }
        if (m instanceof Status s) {
          String extra = s.retryAfterOrNull() == null ? "" : "Retry-After: " + s.retryAfterOrNull() + "\r\n";
          respond(out, s.code(), extra, new byte[0]);
          continue;
        }
        byte[] response = accept(req);
        if (m instanceof Slow slow) {
          waitWhile(() -> true, System.nanoTime() + slow.delay().toNanos());
        }
        if (response == null) {
          respond(out, 404, "", new byte[0]);
        } else {
          respond(out, 200, "", response);
        }
      }
    } catch (IOException e) {
      // The client went away or DOWN closed the socket.
    } finally {
      connections.remove(c);
    }
  }

  /**
   * Also hands every accepted request (its path and its uncompressed protobuf body) to {@code sink},
   * e.g. to forward it to a real collector.
   */
  public void setForward(java.util.function.BiConsumer<String, byte[]> sink) {
    this.forward = sink;
  }

  /** Decodes and stores; returns the proto response, or null for an unknown path. */
  private byte[] accept(Request req) throws IOException {
    byte[] response = decode(req);
    var f = forward;
    if (response != null && f != null) {
      f.accept(req.path, uncompressed(req));
    }
    return response;
  }

  private void offer(Request req) {
    if (!req.path.endsWith("/v1/traces")) {
      return;
    }
    try {
      ExportTraceServiceRequest.parseFrom(uncompressed(req)).getResourceSpansList()
          .forEach(rs -> rs.getScopeSpansList().forEach(ss -> offeredSpans.addAll(ss.getSpansList())));
    } catch (IOException e) {
      // Not a trace request we can read: nothing offered; decode() reports it when the mode stores.
    }
  }

  private static byte[] uncompressed(Request req) throws IOException {
    if ("gzip".equalsIgnoreCase(req.headers.get("content-encoding"))) {
      try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(req.body))) {
        return gz.readAllBytes();
      }
    }
    return req.body;
  }

  private byte[] decode(Request req) throws IOException {
    if ("gzip".equalsIgnoreCase(req.headers.get("content-encoding"))) {
      received.sawGzip();
    }
    byte[] body = uncompressed(req);
    if (req.path.endsWith("/v1/traces")) {
      received.storeSpans(ExportTraceServiceRequest.parseFrom(body).getResourceSpansList());
      return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
    }
    if (req.path.endsWith("/v1/logs")) {
      received.storeLogs(ExportLogsServiceRequest.parseFrom(body).getResourceLogsList());
      return ExportLogsServiceResponse.getDefaultInstance().toByteArray();
    }
    if (req.path.endsWith("/v1/metrics")) {
      received.storeMetrics(ExportMetricsServiceRequest.parseFrom(body).getResourceMetricsList());
      return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
    }
    return null;
  }

  /** Waits (bounded by {@code deadlineNanos} of System.nanoTime) while the condition holds and open. */
  private void waitWhile(java.util.function.BooleanSupplier condition, long deadlineNanos) {
    synchronized (lock) {
      while (!closed && condition.getAsBoolean()) {
        long left = deadlineNanos == Long.MAX_VALUE ? 1000 : (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return;
        }
        try {
          lock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static void respond(OutputStream out, int code, String extraHeaders, byte[] body)
      throws IOException {
    String head =
        "HTTP/1.1 " + code + " " + (code == 200 ? "OK" : "Status") + "\r\n"
            + "Content-Type: application/x-protobuf\r\n"
            + "Content-Length: " + body.length + "\r\n"
            + extraHeaders
            + "\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception ignored) {
      // closing
    }
  }

  /** How the receiver behaves. */
  public sealed interface Mode permits Up, Down, Slow, Hang, Status, Reset {
    /** Accepts and answers 200. */
    Mode UP = new Up();
    /** Not listening: connection refused. */
    Mode DOWN = new Down();
    /** Accepts the request and never answers (until the mode changes or close). */
    Mode HANG = new Hang();
    /** Reads the request and closes the connection abruptly (TCP RST). */
    Mode RESET = new Reset();

    /** Accepts and stores the data, answering 200 only after {@code delay}. */
    @SuppressWarnings("checkstyle:MethodName")
    static Mode SLOW(Duration delay) {
      return new Slow(delay);
    }

    /** Answers {@code code} (with {@code Retry-After} when not null) and stores nothing. */
    @SuppressWarnings("checkstyle:MethodName")
    static Mode STATUS(int code, String retryAfterOrNull) {
      return new Status(code, retryAfterOrNull);
    }
  }

  record Up() implements Mode {}

  record Down() implements Mode {}

  record Slow(Duration delay) implements Mode {}

  record Hang() implements Mode {}

  record Status(int code, String retryAfterOrNull) implements Mode {}

  record Reset() implements Mode {}

  /** A minimal HTTP/1.1 request reader (Content-Length bodies, which the OTLP senders use). */
  private record Request(String path, Map<String, String> headers, byte[] body) {
    static Request read(InputStream in) throws IOException {
      String line = readLine(in);
      if (line == null || line.isEmpty()) {
        return null;
      }
      String[] parts = line.split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
        int colon = h.indexOf(':');
        if (colon > 0) {
          headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      if (length < 0 || length > MAX_BODY) {
        throw new IOException("bad content-length " + length);
      }
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        return null;
      }
      return new Request(parts.length > 1 ? parts[1] : "/", headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          String s = b.toString(StandardCharsets.US_ASCII);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        b.write(c);
      }
      return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
    }
  }
}
