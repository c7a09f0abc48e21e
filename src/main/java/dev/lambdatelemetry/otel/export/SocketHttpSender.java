package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.Redaction;
import dev.lambdatelemetry.otel.http.Http1;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 * and a request on such a connection can hang until the flush gives up. A connection idle for more
 * than {@link #CHECK_AFTER_IDLE} is checked before use (a 1 ms read: the end of the stream means
 * the collector closed it), and one whose write fails is replaced by a new connection: in both
 * cases the collector cannot have seen the request. Once a request is completely written, no
 * failure is retried here (the collector may have it); the pipeline decides.
 *
 * <p>Cancelling closes the plain socket under a TLS one: closing the TLS socket itself waits for
 * its write lock, which a write blocked on a collector that stopped reading holds forever.
 */
final class SocketHttpSender implements HttpSender {

  /** Requests shorter than this are not started: they could not complete. */
  private static final Duration MIN_REQUEST_TIME = Duration.ofMillis(1);
  /** An idle connection older than this is closed rather than reused. */
  static final Duration MAX_IDLE = Duration.ofSeconds(30);
  /** A connection idle longer than this is checked for a close by the collector before use. */
  static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(1);
  /** Idle connections kept at most (one per signal sending in parallel). */
  private static final int MAX_IDLE_CONNECTIONS = 2;
  /**
   * The most of an answer's body that is read: an OTLP answer is an empty Export*ServiceResponse, or a
   * short partial_success or Status message. Past it the answer is cut and its connection closed, so a
   * collector (or a proxy, or anything else on the port) that answers endlessly costs 64 KiB, not the heap.
   */
  static final int MAX_ANSWER_BYTES = 64 * 1024;
  /** How long a failed write waits for the answer the collector may have sent before closing. */
  private static final int EARLY_ANSWER_WAIT_MS = 50;

  private final HttpSenderConfig config;
  private final InFlight inFlight;
  private final Executor executor;
  private final String host;
  private final int port;
  private final String hostHeader;
  private final String path;
  private final boolean tls;
  /** The forward proxy requests go through, or null: direct. */
  private final ProxySettings.Proxy proxy;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private final long checkAfterIdleNanos;
  private boolean shutDown;

  SocketHttpSender(HttpSenderConfig config, InFlight inFlight, Executor executor) {
    this(config, inFlight, executor, CHECK_AFTER_IDLE);
  }

  /** With another idleness after which a kept-alive connection is checked (tests: zero, always). */
  SocketHttpSender(
      HttpSenderConfig config, InFlight inFlight, Executor executor, Duration checkAfterIdle) {
    this(config, inFlight, executor, checkAfterIdle, ProxySettings.fromEnvironment());
  }

  /** With other proxy settings than the environment's (tests). */
  SocketHttpSender(
      HttpSenderConfig config,
      InFlight inFlight,
      Executor executor,
      Duration checkAfterIdle,
      ProxySettings proxies) {
    this.checkAfterIdleNanos = checkAfterIdle.toNanos();
    this.config = config;
    this.inFlight = inFlight;
    this.executor = executor;
    URI endpoint = config.getEndpoint();
    String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "OTLP endpoint must be http:// or https://, was " + Redaction.url(String.valueOf(endpoint)));
    }
    this.tls = scheme.equals("https");
    this.host = endpoint.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException(
          "OTLP endpoint has no host: " + Redaction.url(String.valueOf(endpoint)));
    }
    this.port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80;
    String bracketed = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    this.hostHeader = endpoint.getPort() > 0 ? bracketed + ":" + port : bracketed;
    String p = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
    this.proxy = proxies.select(tls, host, port).orElse(null);
    String origin = endpoint.getRawQuery() == null ? p : p + "?" + endpoint.getRawQuery();
    // Through a proxy, a plain request names its target in absolute form; a TLS one goes through a
    // CONNECT tunnel, inside which it is an ordinary request to the collector.
    this.path = proxy != null && !tls ? "http://" + hostHeader + origin : origin;
  }

  @Override
  public void send(
      MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
    if (inFlight.remaining(config.getTimeout()).compareTo(MIN_REQUEST_TIME) < 0) {
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
    // Encoding (marshalling, gzip) took some of the flush: the request gets what is left now.
    Duration timeout = inFlight.remaining(config.getTimeout());
    long deadlineNanos = System.nanoTime() + timeout.toNanos();
    Exchange exchange = new Exchange();
    if (timeout.compareTo(MIN_REQUEST_TIME) < 0 || !inFlight.register(exchange)) {
      onError.accept(new DeadlineExceededException("no time left in the flush after encoding"));
      return;
    }
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
    } catch (Throwable e) { // every outcome reaches exactly one callback
      failure = e;
    } finally {
      inFlight.done(exchange);
    }
    if (exchange.isCancelled()) {
      onError.accept(new CancellationException("the flush ended before the collector answered"));
    } else if (failure != null) {
      onError.accept(failure);
    } else if (response.status() >= 200 && response.status() < 300) {
      // A success whose body was cut is still a success: only its (partial_success) detail is lost,
      // and half a protobuf message would say nothing true.
      onResponse.accept(new Response(response.status(), response.truncated() ? new byte[0] : response.body()));
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
    while (reused != null && !stillOpen(reused)) {
      reused.close(); // closed by the collector while idle
      reused = takeIdle();
    }
    if (reused != null) {
      try {
        return exchangeOn(reused, exchange, body, deadlineNanos);
      } catch (StaleConnectionException e) {
        // the write failed: closed by the collector while idle; it never saw this request
      }
    }
    return exchangeOn(connect(exchange, deadlineNanos), exchange, body, deadlineNanos);
  }

  /**
   * Whether a kept-alive connection is still open: after {@link #CHECK_AFTER_IDLE} of idleness, a
   * 1 ms read tells (the end of the stream, or data nobody asked for, means it is not usable).
   */
  private boolean stillOpen(Connection c) {
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
      if (proxy != null && !tls) {
        proxy.authorization().ifPresent(a -> headers.add(Map.entry("Proxy-Authorization", a)));
      }
      try {
        OutputStream out = c.socket.getOutputStream();
        out.write(Http1.head("POST", hostHeader, path, headers, body.length, true));
        out.write(body);
        out.flush();
      } catch (IOException e) {
        if (exchange.isCancelled()) {
          throw e;
        }
        if (c.reused) {
          throw new StaleConnectionException(e);
        }
        // A collector may answer and close before taking the whole body (413, 401): its answer
        // says more than the broken pipe.
        Http1.Response early = earlyAnswer(c, deadlineNanos);
        if (early == null) {
          throw e;
        }
        return early;
      }
      Http1.Response r;
      try {
        r = Http1.readCapped(c.in, MAX_ANSWER_BYTES);
      } catch (IOException e) {
        if (exchange.isCancelled() || e instanceof InterruptedIOException) {
          throw e; // cut by the flush, or no answer in its time: the pipeline counts it abandoned
        }
        // Written whole, then the connection failed: the collector may have the request, so this
        // is not the retryable "never seen" failure (issue: one line arrived 24 times).
        throw new FailureClass.AnswerLostException(e);
      }
      keep = r.keepAlive() && c.in.available() == 0; // bytes beyond the answer: out of step
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

  /** The answer a collector sent before taking the whole body, if it comes within 50 ms. */
  private static Http1.Response earlyAnswer(Connection c, long deadlineNanos) {
    long waitMillis = Math.min(EARLY_ANSWER_WAIT_MS,
        TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    if (waitMillis < 1) {
      return null;
    }
    try {
      c.socket.setSoTimeout((int) waitMillis); // per read: a trickling answer is cut by the flush
      return Http1.readCapped(c.in, MAX_ANSWER_BYTES);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private Connection connect(Exchange exchange, long deadlineNanos) throws IOException {
    Socket socket = new Socket();
    Connection c = new Connection(socket, socket);
    exchange.attach(c); // cancellable while connecting
    try {
      socket.setTcpNoDelay(true);
      try {
        // Through a proxy, the collector's name is resolved by the proxy, not here: in a VPC whose
        // only way out is the proxy, it may not resolve here at all.
        InetSocketAddress to = proxy == null
            ? new InetSocketAddress(host, port)
            : new InetSocketAddress(proxy.host(), proxy.port());
        socket.connect(to, connectTimeoutMillis(deadlineNanos));
      } catch (SocketTimeoutException e) {
        throw connectFailure("no answer to connect", e); // the collector saw nothing: retryable
      } catch (IOException e) {
        if (proxy == null || exchange.isCancelled()) {
          throw e;
        }
        ConnectException unreachable = new ConnectException(
            "cannot connect to the " + proxy + ": " + e.getClass().getSimpleName());
        unreachable.initCause(e);
        throw unreachable;
      }
      if (!tls) {
        return c.ready(socket);
      }
      if (proxy != null) {
        tunnel(socket, deadlineNanos);
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
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        try {
          parameters.setServerNames(List.of(new SNIHostName(name)));
        } catch (IllegalArgumentException e) {
          // not a name SNI can carry: the handshake goes without it (verification is unchanged)
        }
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

  /**
   * Asks the proxy for a tunnel to the collector ({@code CONNECT host:port}). A refusal is reported as
   * a {@link StatusException} with the proxy's status, classified as a collector's would be (407 or 403:
   * rejected; 502, 503, 504: retryable), its message naming the proxy and never its credentials.
   */
  private void tunnel(Socket socket, long deadlineNanos) throws IOException {
    String target = hostHeaderWithPort();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    proxy.authorization().ifPresent(a -> headers.add(Map.entry("Proxy-Authorization", a)));
    StringBuilder head = new StringBuilder(128)
        .append("CONNECT ").append(target).append(" HTTP/1.1\r\n")
        .append("Host: ").append(target).append("\r\n");
    for (Map.Entry<String, String> h : headers) {
      head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    head.append("\r\n");
    socket.setSoTimeout(remainingMillis(deadlineNanos));
    OutputStream out = socket.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    Http1.Response answer;
    try {
      // Unbuffered: nothing after the answer's head may be taken from the tunnel.
      answer = Http1.readHead(socket.getInputStream());
    } catch (SocketTimeoutException e) {
      throw connectFailure("no answer to CONNECT from the " + proxy, e);
    }
    if (answer.status() / 100 != 2) {
      throw new StatusException(answer.status(), Optional.ofNullable(answer.header("Retry-After")),
          "HTTP " + answer.status() + " from the " + proxy + " to CONNECT " + target);
    }
  }

  /** {@code host:port} of the collector, the port always given (the form CONNECT takes). */
  private String hostHeaderWithPort() {
    String bracketed = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return bracketed + ":" + port;
  }

  private ConnectException connectFailure(String what, IOException cause) {
    ConnectException e = new ConnectException(what + " from " + host + ":" + port
        + (proxy == null ? "" : " (through the " + proxy + ")"));
    e.initCause(cause);
    return e;
  }

  private synchronized Connection takeIdle() {
    Connection c;
    while ((c = idle.pollLast()) != null) {
      if (c.idleNanos() <= MAX_IDLE.toNanos()) {
        c.reused = true;
        return c;
      }
      c.close();
    }
    return null;
  }

  private synchronized void giveBack(Connection c) {
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

  @Override
  public synchronized CompletableResultCode shutdown() {
    shutDown = true;
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

  /** A socket (TLS or plain), the plain one under it, and its buffered input. */
  private static final class Connection {
    final Socket socket;
    final Socket raw;
    BufferedInputStream in;
    boolean reused;
    private long idleSinceNanos;
    private long idleSinceMillis;

    Connection(Socket socket, Socket raw) {
      this.socket = socket;
      this.raw = raw;
    }

    Connection ready(Socket connected) throws IOException {
      Connection c = connected == socket ? this : new Connection(connected, raw);
      c.in = new BufferedInputStream(connected.getInputStream(), 8192);
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

  /** A kept-alive connection failed before this request was completely written. */
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
      this(status, retryAfter, "HTTP " + status);
    }

    StatusException(int status, Optional<String> retryAfter, String message) {
      super(message);
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
