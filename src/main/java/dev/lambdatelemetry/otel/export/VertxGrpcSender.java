package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.export.FailureClass.GrpcStatusException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OTLP/gRPC sender on the Vert.x HTTP/2 client (h2c with prior knowledge, or TLS with ALPN), with the
 * same guarantees as {@link SocketHttpSender}: each call is bounded by the time left in the flush
 * ({@link InFlight}, also sent as {@code grpc-timeout}), registered so that the pipeline can cancel it
 * (an HTTP/2 {@code RST_STREAM}), and never retried here: non-OK statuses are reported as {@link
 * GrpcStatusException} for the pipeline's {@link FailureClass}.
 *
 * <p>A call that ends without an answer (its deadline passed, or the flush cancelled it) leaves nothing
 * behind: its stream is reset, its payload is no longer referenced, and the client it used is replaced
 * by a new one and closed, with its connections. A collector that accepts TCP but never answers
 * HTTP/2 would otherwise keep a connection that never completes its preface in Vert.x's pool, with
 * every later call (and its payload) queued behind it.
 *
 * <p>Why Vert.x: the JDK HttpClient can neither speak h2c with prior knowledge nor read trailers (where
 * {@code grpc-status} lives), and OkHttp would add OkHttp, okio and the Kotlin stdlib to every start;
 * Vert.x and Netty's HTTP/2 codec are already loaded by Quarkus' HTTP server.
 */
final class VertxGrpcSender implements GrpcSender {

  /** Requests shorter than this are not started: they could not complete. */
  private static final Duration MIN_REQUEST_TIME = Duration.ofMillis(1);

  /** gRPC's wire format: 1 byte compressed flag, 4 bytes big-endian length, then the message. */
  private static final int FRAME_HEADER = 5;

  /**
   * The most of an answer's body that is kept: an OTLP answer is an empty Export*ServiceResponse, or a
   * short partial_success. Past it the body is read and dropped (the status comes after it, in the
   * trailers), so an endless or huge answer costs 64 KiB of heap, and the call's deadline ends it.
   */
  static final int MAX_ANSWER_BYTES = 64 * 1024;

  /** HTTP/2 CANCEL error code, for RST_STREAM. */
  private static final long HTTP2_CANCEL = 0x8;

  /** HTTP/2 REFUSED_STREAM: the server did not process the stream (safe to retry). */
  private static final long HTTP2_REFUSED_STREAM = 0x7;

  /** {@code grpc-timeout} allows at most 8 digits. */
  private static final long MAX_TIMEOUT_MILLIS = 99_999_999L;

  private final GrpcSenderConfig config;
  private final InFlight inFlight;
  private final GrpcTransport transport;
  private final String uri;
  /** Where to connect instead of the endpoint (a tunnel through a proxy), or null. */
  private final SocketAddress server;
  /** The client calls start on; replaced when a call ends without an answer ({@link #retire}). */
  private volatile HttpClient client;
  private boolean shutDown;

  VertxGrpcSender(GrpcSenderConfig config, InFlight inFlight, GrpcTransport transport, HttpClient client) {
    this.config = config;
    this.inFlight = inFlight;
    this.transport = transport;
    this.client = client;
    this.uri = methodUri(config.getEndpoint(), config.getFullMethodName());
    this.server = transport.server(client);
  }

  /** {@code endpoint} (any path kept) + {@code /package.Service/Method}. */
  static String methodUri(URI endpoint, String fullMethodName) {
    String base = endpoint.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + "/" + fullMethodName;
  }

  @Override
  public void send(
      MessageWriter writer, java.util.function.Consumer<GrpcResponse> onResponse,
      java.util.function.Consumer<Throwable> onError) {
    if (inFlight.remaining(config.getTimeout()).compareTo(MIN_REQUEST_TIME) < 0) {
      onError.accept(new NoTimeLeft());
      return;
    }
    Buffer body;
    try {
      body = frame(writer, config.getCompressor());
    } catch (IOException | RuntimeException e) {
      onError.accept(e);
      return;
    }
    // Framing (marshalling, gzip) took some of the flush: the call gets what is left now.
    Duration timeout = inFlight.remaining(config.getTimeout());
    if (timeout.compareTo(MIN_REQUEST_TIME) < 0) {
      onError.accept(new NoTimeLeft());
      return;
    }
    long timeoutMillis = Math.min(MAX_TIMEOUT_MILLIS, Math.max(1, timeout.toMillis()));
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(uri)
            .putHeader("content-type", "application/grpc")
            .putHeader("te", "trailers")
            .putHeader("grpc-timeout", timeoutMillis + "m")
            // Bounds the wait for a connection from the pool (not only the TCP connect): without it, a
            // call waits as long as the collector takes to answer the HTTP/2 preface, perhaps for ever.
            .setConnectTimeout(timeoutMillis);
    if (server != null) {
      options.setServer(server); // the request still names the collector (:authority)
    }
    if (config.getCompressor() != null) {
      options.putHeader("grpc-encoding", config.getCompressor().getEncoding());
    }
    Map<String, List<String>> headers = config.getHeadersSupplier().get();
    if (headers != null) {
      headers.forEach((k, values) -> values.forEach(v -> options.addHeader(k, v)));
    }

    CompletableFuture<GrpcResponse> call = new CompletableFuture<>();
    AtomicReference<HttpClientRequest> stream = new AtomicReference<>();
    // The payload is reachable from Vert.x (a pool waiter, a stream's pending writes) only through this
    // holder, emptied when the call ends: whatever Vert.x keeps of an abandoned call is a few small
    // objects, never the megabytes of its payload.
    AtomicReference<Buffer> payload = new AtomicReference<>(body);
    // Set once the whole call is written: a transport failure after it loses the answer, not the call.
    java.util.concurrent.atomic.AtomicBoolean written = new java.util.concurrent.atomic.AtomicBoolean();
    HttpClient via = client;
    if (!inFlight.register(call)) {
      onError.accept(new NoTimeLeft()); // the flush ended meanwhile: not started, items kept
      return;
    }
    call.whenComplete(
        (response, error) -> {
          inFlight.done(call);
          payload.set(null);
          if (error != null) {
            // Cancelled by the pipeline or timed out: reset the stream so nothing of it lives on, and
            // retire the connection, which never answered in time (or never even finished its
            // preface): a hung collector's connection must not hold the next flush's call.
            HttpClientRequest request = stream.get();
            if (request != null) {
              request.reset(HTTP2_CANCEL);
            }
            if (!(unwrap(error) instanceof ConnectException)) { // refused: nothing was opened
              retire(via);
            }
            onError.accept(failure(error, written.get()));
          } else if (response.getStatusCode() == GrpcStatusCode.OK) {
            onResponse.accept(response);
          } else {
            onError.accept(
                new GrpcStatusException(response.getStatusCode(), response.getStatusDescription()));
          }
        });
    call.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      via
          .request(options)
          .onComplete(
              opened -> {
                if (opened.failed()) {
                  call.completeExceptionally(opened.cause());
                  return;
                }
                HttpClientRequest request = opened.result();
                stream.set(request);
                Buffer toSend = payload.getAndSet(null);
                if (call.isDone() || toSend == null) {
                  // Cancelled while the stream was being opened.
                  request.reset(HTTP2_CANCEL);
                  return;
                }
                request
                    .response()
                    .onComplete(
                        answered -> {
                          if (answered.failed()) {
                            call.completeExceptionally(answered.cause());
                          } else {
                            read(answered.result(), call);
                          }
                        });
                request.end(toSend).onSuccess(v -> written.set(true));
              });
    } catch (RuntimeException e) {
      call.completeExceptionally(e);
    }
  }

  /**
   * Replaces {@code used} by a new client, unless that was done already, and closes it: closing the
   * client closes its connections, the established ones and one still waiting for the collector's
   * HTTP/2 preface (which Vert.x would otherwise keep, and queue the next calls behind, for ever).
   */
  private synchronized void retire(HttpClient used) {
    if (client == used && !shutDown) {
      client = transport.renew(used);
    }
  }

  /**
   * Reads the answer, keeping at most {@link #MAX_ANSWER_BYTES} of its body; the rest is read and
   * dropped, since the status comes after it, in the trailers. Handlers run on the client's event loop.
   */
  private static void read(HttpClientResponse response, CompletableFuture<GrpcResponse> call) {
    Buffer kept = Buffer.buffer();
    boolean[] cut = {false};
    response.handler(chunk -> {
      if (!cut[0] && kept.length() + chunk.length() <= MAX_ANSWER_BYTES) {
        kept.appendBuffer(chunk);
      } else {
        cut[0] = true;
      }
    });
    response.exceptionHandler(call::completeExceptionally);
    // A cut body is no message: half a protobuf would say nothing true.
    response.endHandler(end -> call.complete(answer(response.statusCode(), response.headers(),
        response.trailers(), cut[0] ? null : kept)));
  }

  /** The gRPC status of a finished call: trailers, or headers for a trailers-only answer. */
  static Answer answer(int httpStatus, MultiMap headers, MultiMap trailers, Buffer body) {
    if (httpStatus != 200) {
      return new Answer(fromHttp(httpStatus), "HTTP " + httpStatus, new byte[0]);
    }
    String status = trailers.get("grpc-status");
    String message = trailers.get("grpc-message");
    if (status == null) {
      status = headers.get("grpc-status");
      message = headers.get("grpc-message");
    }
    GrpcStatusCode code;
    try {
      code = status == null ? GrpcStatusCode.UNKNOWN : GrpcStatusCode.fromValue(Integer.parseInt(status.trim()));
    } catch (RuntimeException e) {
      code = GrpcStatusCode.UNKNOWN;
    }
    if (status == null) {
      message = "no grpc-status in the answer";
    }
    byte[] payload = new byte[0];
    if (body != null && body.length() >= FRAME_HEADER) {
      int length = body.getInt(1);
      if (length >= 0 && FRAME_HEADER + length <= body.length()) {
        payload = body.getBytes(FRAME_HEADER, FRAME_HEADER + length);
      }
    }
    return new Answer(code, message == null ? null : percentDecode(message), payload);
  }

  /** The gRPC over HTTP/2 mapping of HTTP statuses from proxies that answer without gRPC. */
  static GrpcStatusCode fromHttp(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> GrpcStatusCode.INTERNAL;
      case 401 -> GrpcStatusCode.UNAUTHENTICATED;
      case 403 -> GrpcStatusCode.PERMISSION_DENIED;
      case 404 -> GrpcStatusCode.UNIMPLEMENTED;
      case 429, 502, 503, 504 -> GrpcStatusCode.UNAVAILABLE;
      default -> GrpcStatusCode.UNKNOWN;
    };
  }

  /** {@code grpc-message} is percent-encoded UTF-8 (and '+' is literal). */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      out.write(raw, 0, raw.length);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Length-prefixed message, compressed when configured. */
  static Buffer frame(MessageWriter writer, Compressor compressor) throws IOException {
    ByteArrayOutputStream message = new ByteArrayOutputStream(Math.max(64, writer.getContentLength()));
    if (compressor == null) {
      writer.writeMessage(message);
    } else {
      try (OutputStream out = compressor.compress(message)) {
        writer.writeMessage(out);
      }
    }
    Buffer frame = Buffer.buffer(FRAME_HEADER + message.size());
    frame.appendByte(compressor == null ? (byte) 0 : (byte) 1);
    frame.appendInt(message.size());
    frame.appendBytes(message.toByteArray());
    return frame;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Maps transport failures to what {@link FailureClass} understands, as the HTTP path does. */
  static Throwable failure(Throwable error) {
    return failure(error, false);
  }

  /**
   * As {@link #failure(Throwable)}; {@code written}: the whole call had been written, so a
   * transport failure (connection closed, stream reset other than REFUSED_STREAM, which says the
   * collector did not process it) lost its answer: {@link FailureClass.AnswerLostException}, retried
   * once by the pipeline, as the HTTP sender reports it.
   */
  static Throwable failure(Throwable error, boolean written) {
    Throwable mapped = failure0(error);
    Throwable t = unwrap(error);
    boolean refused = t instanceof io.vertx.core.http.StreamResetException reset
        && reset.getCode() == HTTP2_REFUSED_STREAM;
    if (written && !refused && !(mapped instanceof InterruptedIOException)
        && !(mapped instanceof CancellationException) && !(mapped instanceof ConnectException)
        && mapped instanceof IOException io && !(mapped instanceof GrpcStatusException)) {
      return new FailureClass.AnswerLostException(io);
    }
    return mapped;
  }

  private static Throwable failure0(Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof TimeoutException) {
      // Sent (perhaps), answer unknown: the collector may have it.
      InterruptedIOException timedOut = new InterruptedIOException("gRPC call timed out");
      timedOut.initCause(t);
      return timedOut;
    }
    if (t instanceof CancellationException || t instanceof IOException) {
      return t;
    }
    // Vert.x reports closed connections and reset streams as unchecked VertxException; for the pipeline
    // they are connection errors, retryable like an IOException on the HTTP path.
    return new IOException("gRPC transport: " + t.getMessage(), t);
  }

  @Override
  public CompletableResultCode shutdown() {
    HttpClient last;
    synchronized (this) {
      if (shutDown) {
        return CompletableResultCode.ofSuccess();
      }
      shutDown = true;
      last = client;
    }
    transport.release(last);
    return CompletableResultCode.ofSuccess();
  }

  /** A finished call. */
  record Answer(GrpcStatusCode code, String description, byte[] message) implements GrpcResponse {
    @Override
    public GrpcStatusCode getStatusCode() {
      return code;
    }

    @Override
    public String getStatusDescription() {
      return description;
    }

    @Override
    public byte[] getResponseMessage() {
      return message;
    }
  }

  /** The flush had no time left for this call: it was never sent. */
  static final class NoTimeLeft extends IOException implements FailureClass.GrpcDeadlineExceeded {
    NoTimeLeft() {
      super("no time left in the flush");
    }
  }
}
