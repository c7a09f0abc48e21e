package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.http.Http1;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

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
 * <p>Its parts: {@link HttpEndpoint} (where requests go, and through which proxy), {@link
 * HttpConnector} (TCP, the proxy's tunnel, TLS), {@link HttpConnectionPool} (kept-alive connections,
 * checked after idleness), {@link HttpExchange} (one request, its deadline, its cancel), and {@link
 * Http1} (the wire format). This class writes a request and reads its answer. A kept-alive connection
 * whose write fails is replaced by a new connection: the collector cannot have seen the request. Once
 * a request is completely written, no failure is retried here (the collector may have it); the
 * pipeline decides.
 *
 * <p>Cancelling closes the plain socket under a TLS one: closing the TLS socket itself waits for
 * its write lock, which a write blocked on a collector that stopped reading holds forever.
 */
final class SocketHttpSender implements HttpSender {

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
  private final HttpEndpoint endpoint;
  private final HttpConnector connector;
  private final HttpConnectionPool pool;

  SocketHttpSender(HttpSenderConfig config, InFlight inFlight, Executor executor) {
    this(config, inFlight, executor, HttpConnectionPool.CHECK_AFTER_IDLE);
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
    this.config = config;
    this.inFlight = inFlight;
    this.executor = executor;
    this.endpoint = HttpEndpoint.of(config.getEndpoint(), proxies);
    this.connector = new HttpConnector(config, endpoint);
    this.pool = new HttpConnectionPool(checkAfterIdle);
  }

  @Override
  public void send(
      MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
    if (inFlight.remaining(config.getTimeout()).compareTo(HttpExchange.MIN_REQUEST_TIME) < 0) {
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
    HttpExchange exchange = new HttpExchange(System.nanoTime() + timeout.toNanos());
    if (timeout.compareTo(HttpExchange.MIN_REQUEST_TIME) < 0 || !inFlight.register(exchange)) {
      onError.accept(new DeadlineExceededException("no time left in the flush after encoding"));
      return;
    }
    try {
      executor.execute(() -> run(exchange, body, onResponse, onError));
    } catch (RejectedExecutionException e) {
      inFlight.done(exchange);
      onError.accept(e);
    }
  }

  private void run(
      HttpExchange exchange,
      byte[] body,
      Consumer<HttpResponse> onResponse,
      Consumer<Throwable> onError) {
    Throwable failure = null;
    Http1.Response response = null;
    try {
      response = exchange(exchange, body);
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
  private Http1.Response exchange(HttpExchange exchange, byte[] body) throws IOException {
    HttpConnection reused = pool.take();
    if (reused != null) {
      try {
        return exchangeOn(reused, exchange, body);
      } catch (StaleConnectionException e) {
        // the write failed: closed by the collector while idle; it never saw this request
      }
    }
    return exchangeOn(connector.connect(exchange), exchange, body);
  }

  private Http1.Response exchangeOn(HttpConnection c, HttpExchange exchange, byte[] body) throws IOException {
    exchange.attach(c);
    boolean keep = false;
    try {
      c.socket.setSoTimeout(exchange.millisLeft());
      try {
        OutputStream out = c.socket.getOutputStream();
        out.write(Http1.head("POST", endpoint.hostHeader(), endpoint.requestTarget(), headers(), body.length, true));
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
        Http1.Response early = earlyAnswer(c, exchange);
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
        pool.giveBack(c);
      } else {
        c.close();
      }
    }
  }

  /** The request's headers besides {@code Host} and {@code Content-Length}. */
  private List<Map.Entry<String, String>> headers() {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Content-Type", config.getContentType()));
    if (config.getCompressor() != null) {
      headers.add(Map.entry("Content-Encoding", config.getCompressor().getEncoding()));
    }
    Map<String, List<String>> extra = config.getHeadersSupplier().get();
    if (extra != null) {
      extra.forEach((k, values) -> values.forEach(v -> headers.add(Map.entry(k, v))));
    }
    if (endpoint.viaPlainProxy()) {
      endpoint.proxy().authorization().ifPresent(a -> headers.add(Map.entry("Proxy-Authorization", a)));
    }
    return headers;
  }

  /** The answer a collector sent before taking the whole body, if it comes within 50 ms. */
  private static Http1.Response earlyAnswer(HttpConnection c, HttpExchange exchange) {
    long waitMillis = exchange.millisLeftAtMost(EARLY_ANSWER_WAIT_MS);
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

  @Override
  public CompletableResultCode shutdown() {
    pool.shutdown();
    return CompletableResultCode.ofSuccess();
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
