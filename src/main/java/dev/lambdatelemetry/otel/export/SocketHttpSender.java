package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.http.Http1;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An OTLP/HTTP sender on plain sockets (TLS sockets for {@code https://}) whose every request is
 * bounded by the current flush deadline ({@link InFlight}) and is cancelled, its socket closed, when
 * the flush ends. It does not retry a request the collector may have seen: the pipeline does that,
 * so that retries share the flush deadline and honour {@code Retry-After}, which OTel's {@link
 * HttpResponse} does not expose (our {@link StatusException} does).
 *
 * <p>Why not the JDK's {@code java.net.http} client: ~260 classes and a selector thread, every one of
 * them preloaded from the layer's AOT cache and resident for the life of the environment (measured:
 * 1.7 MB of RSS), plus the JSSE stack it loads even for {@code http://}; for one POST per signal per
 * flush. Each request runs on the pipeline's executor, blocking; traces and logs go out in
 * parallel on two of its threads.
 *
 * <p>Connections are kept alive between flushes (a remote collector's TCP and TLS handshakes would
 * otherwise be paid at every invocation), but not beyond {@link #MAX_IDLE}: an environment frozen
 * for minutes comes back to connections that a collector, load balancer or NAT has long dropped,
 * and a request on such a connection can hang until the flush gives up. A kept-alive connection the
 * collector closed while idle (the answer is an immediate end of stream, or the write fails) is
 * replaced once by a new one: the collector cannot have seen that request.
 */
final class SocketHttpSender implements HttpSender {

  /** Requests shorter than this are not started: they could not complete. */
  private static final Duration MIN_REQUEST_TIME = Duration.ofMillis(1);
  /** An idle connection older than this is closed rather than reused. */
  static final Duration MAX_IDLE = Duration.ofSeconds(30);
  /** Idle connections kept at most (one per signal sending in parallel). */
  private static final int MAX_IDLE_CONNECTIONS = 2;

  private final HttpSenderConfig config;
  private final InFlight inFlight;
  private final Executor executor;
  private final String host;
  private final int port;
  private final String hostHeader;
  private final String path;
  private final boolean tls;
  private final Deque<Connection> idle = new ArrayDeque<>();

  SocketHttpSender(HttpSenderConfig config, InFlight inFlight, Executor executor) {
    this.config = config;
    this.inFlight = inFlight;
    this.executor = executor;
    URI endpoint = config.getEndpoint();
    String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("OTLP endpoint must be http:// or https://, was " + endpoint);
    }
    this.tls = scheme.equals("https");
    this.host = endpoint.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("OTLP endpoint has no host: " + endpoint);
    }
    this.port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80;
    String bracketed = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    this.hostHeader = endpoint.getPort() > 0 ? bracketed + ":" + port : bracketed;
    String p = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
    this.path = endpoint.getRawQuery() == null ? p : p + "?" + endpoint.getRawQuery();
  }

  @Override
  public void send(
      MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
    Duration timeout = inFlight.remaining();
    if (timeout.compareTo(config.getTimeout()) > 0) {
      timeout = config.getTimeout();
    }
    if (timeout.compareTo(MIN_REQUEST_TIME) < 0) {
      onError.accept(new DeadlineExceededException("no time left in the flush"));
      return;
    }
    byte[] body;
    try {
      body = encode(writer, config.getCompressor());
    } catch (IOException | RuntimeException e) {
      onError.accept(e);
      return;
    }
    long deadlineNanos = System.nanoTime() + timeout.toNanos();
    Exchange exchange = new Exchange();
    inFlight.register(exchange);
    try {
      executor.execute(() -> run(exchange, body, deadlineNanos, onResponse, onError));
    } catch (RejectedExecutionException e) {
      inFlight.done(exchange);
      onError.accept(e);
    }
  }

  private void run(
      Exchange exchange,
      byte[] body,
      long deadlineNanos,
      Consumer<HttpResponse> onResponse,
      Consumer<Throwable> onError) {
    Throwable failure = null;
    Http1.Response response = null;
    try {
      response = exchange(exchange, body, deadlineNanos);
    } catch (IOException | RuntimeException e) {
      failure = e;
    } finally {
      inFlight.done(exchange);
    }
    if (exchange.isCancelled()) {
      onError.accept(new CancellationException("the flush ended before the collector answered"));
    } else if (failure != null) {
      onError.accept(failure);
    } else if (response.status() >= 200 && response.status() < 300) {
      onResponse.accept(new Response(response.status(), response.body()));
    } else {
      // Reported as an error, not a response: OTel's HttpResponse has no headers, and the pipeline
      // needs Retry-After (and must not depend on the exporter's internal exception types).
      onError.accept(
          new StatusException(response.status(), Optional.ofNullable(response.header("Retry-After"))));
    }
  }

  /** One request on a kept-alive connection, or on a new one when that one turns out closed. */
  private Http1.Response exchange(Exchange exchange, byte[] body, long deadlineNanos)
      throws IOException {
    Connection reused = takeIdle();
    if (reused != null) {
      try {
        return exchangeOn(reused, exchange, body, deadlineNanos);
      } catch (StaleConnectionException e) {
        reused.close(); // closed by the collector while idle; it never saw this request
      }
    }
    Connection fresh = connect(exchange, deadlineNanos);
    try {
      return exchangeOn(fresh, exchange, body, deadlineNanos);
    } catch (StaleConnectionException e) {
      throw new EOFException("the collector closed the connection without answering");
    }
  }

  private Http1.Response exchangeOn(
      Connection c, Exchange exchange, byte[] body, long deadlineNanos) throws IOException {
    exchange.attach(c);
    boolean keep = false;
    try {
      c.socket.setSoTimeout(remainingMillis(deadlineNanos));
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      headers.add(Map.entry("Content-Type", config.getContentType()));
      if (config.getCompressor() != null) {
        headers.add(Map.entry("Content-Encoding", config.getCompressor().getEncoding()));
      }
      Map<String, List<String>> extra = config.getHeadersSupplier().get();
      if (extra != null) {
        extra.forEach((k, values) -> values.forEach(v -> headers.add(Map.entry(k, v))));
      }
      try {
        OutputStream out = c.socket.getOutputStream();
        out.write(Http1.head("POST", hostHeader, path, headers, body.length, true));
        out.write(body);
        out.flush();
      } catch (IOException e) {
        throw c.reused && !exchange.isCancelled() ? new StaleConnectionException(e) : e;
      }
      c.in.mark(1);
      if (c.in.read() == -1) {
        if (c.reused && !exchange.isCancelled()) {
          throw new StaleConnectionException(null);
        }
        throw new EOFException("the collector closed the connection without answering");
      }
      c.in.reset();
      Http1.Response r = Http1.read(c.in);
      keep = r.keepAlive();
      return r;
    } finally {
      exchange.detach();
      if (keep && !exchange.isCancelled()) {
        giveBack(c);
      } else {
        c.close();
      }
    }
  }

  private Connection connect(Exchange exchange, long deadlineNanos) throws IOException {
    Socket socket = new Socket();
    Connection c = new Connection(socket);
    exchange.attach(c); // cancellable while connecting
    try {
      socket.setTcpNoDelay(true);
      try {
        socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis(deadlineNanos));
      } catch (SocketTimeoutException e) {
        throw connectFailure("no answer to connect", e); // the collector saw nothing: retryable
      }
      if (!tls) {
        return c.ready(socket);
      }
      SSLSocketFactory factory = config.getSslContext() != null
          ? config.getSslContext().getSocketFactory()
          : (SSLSocketFactory) SSLSocketFactory.getDefault();
      SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, port, true);
      SSLParameters parameters = ssl.getSSLParameters();
      List<String> protocols = config.getEnabledProtocols();
      if (protocols != null && !protocols.isEmpty()) {
        parameters.setProtocols(protocols.toArray(String[]::new));
      }
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // verify the certificate's host name
      if (!isIpLiteral(host)) {
        parameters.setServerNames(List.of(new SNIHostName(host)));
      }
      ssl.setSSLParameters(parameters);
      ssl.setSoTimeout(remainingMillis(deadlineNanos));
      Connection secured = c.ready(ssl);
      exchange.attach(secured);
      try {
        ssl.startHandshake();
      } catch (SocketTimeoutException e) {
        throw connectFailure("no answer to the TLS handshake", e);
      }
      return secured;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    } finally {
      exchange.detach();
    }
  }

  private ConnectException connectFailure(String what, IOException cause) {
    ConnectException e = new ConnectException(what + " from " + host + ":" + port);
    e.initCause(cause);
    return e;
  }

  private synchronized Connection takeIdle() {
    long now = System.nanoTime();
    Connection c;
    while ((c = idle.pollLast()) != null) {
      if (now - c.idleSinceNanos <= MAX_IDLE.toNanos()) {
        c.reused = true;
        return c;
      }
      c.close();
    }
    return null;
  }

  private synchronized void giveBack(Connection c) {
    c.idleSinceNanos = System.nanoTime();
    idle.addLast(c);
    while (idle.size() > MAX_IDLE_CONNECTIONS) {
      idle.pollFirst().close();
    }
  }

  @Override
  public synchronized CompletableResultCode shutdown() {
    Connection c;
    while ((c = idle.pollFirst()) != null) {
      c.close();
    }
    return CompletableResultCode.ofSuccess();
  }

  private static int remainingMillis(long deadlineNanos) throws DeadlineExceededException {
    long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    if (ms < MIN_REQUEST_TIME.toMillis()) {
      throw new DeadlineExceededException("no time left in the flush");
    }
    return (int) Math.min(Integer.MAX_VALUE, ms);
  }

  /** The time left in the flush, never more than the exporter's connect timeout. */
  private int connectTimeoutMillis(long deadlineNanos) throws DeadlineExceededException {
    int left = remainingMillis(deadlineNanos);
    Duration configured = config.getConnectTimeout();
    return configured == null || configured.isZero() || configured.toMillis() >= left
        ? left
        : (int) Math.max(1, configured.toMillis());
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch));
  }

  private static byte[] encode(MessageWriter writer, Compressor compressor) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(64, writer.getContentLength()));
    if (compressor == null) {
      writer.writeMessage(bytes);
    } else {
      try (OutputStream out = compressor.compress(bytes)) {
        writer.writeMessage(out);
      }
    }
    return bytes.toByteArray();
  }

  /** A socket and its buffered input, kept between requests. */
  private static final class Connection {
    final Socket socket;
    BufferedInputStream in;
    long idleSinceNanos;
    boolean reused;

    Connection(Socket socket) {
      this.socket = socket;
    }

    Connection ready(Socket connected) throws IOException {
      Connection c = connected == socket ? this : new Connection(connected);
      c.in = new BufferedInputStream(connected.getInputStream(), 8192);
      return c;
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing: nothing to do
      }
    }
  }

  /**
   * One request as the flush sees it: cancelling it (at the flush deadline, {@link
   * InFlight#abandonAll()}) closes its socket, which ends a blocked connect, write or read at once.
   */
  private static final class Exchange extends CompletableFuture<Void> {
    private Connection connection;

    synchronized void attach(Connection c) throws CancellationException {
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

  /** A kept-alive connection turned out closed before this request reached the collector. */
  private static final class StaleConnectionException extends IOException {
    StaleConnectionException(IOException cause) {
      super("kept-alive connection closed by the collector", cause);
    }
  }

  /** A 2xx answer. */
  record Response(int status, byte[] body) implements HttpResponse {
    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public String getStatusMessage() {
      return "HTTP " + status;
    }

    @Override
    public byte[] getResponseBody() {
      return body;
    }
  }

  /** A non-2xx answer, with its {@code Retry-After} kept for the pipeline's backoff. */
  static final class StatusException extends IOException {
    private final int status;
    private final transient Optional<String> retryAfter;

    StatusException(int status, Optional<String> retryAfter) {
      super("HTTP " + status);
      this.status = status;
      this.retryAfter = retryAfter;
    }

    int status() {
      return status;
    }

    Optional<String> retryAfter() {
      return retryAfter;
    }
  }

  /** The flush had no time left for this request. */
  static final class DeadlineExceededException extends IOException {
    DeadlineExceededException(String message) {
      super(message);
    }
  }
}
