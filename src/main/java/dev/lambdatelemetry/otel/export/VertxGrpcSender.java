package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.export.FailureClass.GrpcStatusException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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
 * <p>Its parts: {@link GrpcWire} (framing, reading the status), {@link GrpcCallFailure} (what a failed
 * call reports), {@link GrpcClientHolder} (the client, renewed after a call without an answer) and
 * {@link GrpcTransport} (the Vert.x instance, TLS, proxies). This class runs one call.
 *
 * <p>Why Vert.x: the JDK HttpClient can neither speak h2c with prior knowledge nor read trailers (where
 * {@code grpc-status} lives), and OkHttp would add OkHttp, okio and the Kotlin stdlib to every start;
 * Vert.x and Netty's HTTP/2 codec are already loaded by Quarkus' HTTP server.
 */
final class VertxGrpcSender implements GrpcSender {

  /** Requests shorter than this are not started: they could not complete. */
  private static final Duration MIN_REQUEST_TIME = Duration.ofMillis(1);

  /**
   * The most of an answer's body that is kept: an OTLP answer is an empty Export*ServiceResponse, or a
   * short partial_success. Past it the body is read and dropped (the status comes after it, in the
   * trailers), so an endless or huge answer costs 64 KiB of heap, and the call's deadline ends it.
   */
  static final int MAX_ANSWER_BYTES = 64 * 1024;

  /** HTTP/2 CANCEL error code, for RST_STREAM. */
  private static final long HTTP2_CANCEL = 0x8;

  /** {@code grpc-timeout} allows at most 8 digits. */
  private static final long MAX_TIMEOUT_MILLIS = 99_999_999L;

  private final GrpcSenderConfig config;
  private final InFlight inFlight;
  private final String uri;
  private final GrpcClientHolder clients;

  VertxGrpcSender(GrpcSenderConfig config, InFlight inFlight, GrpcTransport transport, HttpClient client) {
    this.config = config;
    this.inFlight = inFlight;
    this.uri = GrpcWire.methodUri(config.getEndpoint(), config.getFullMethodName());
    this.clients = new GrpcClientHolder(transport, client);
  }

  @Override
  public void send(
      MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
    if (inFlight.remaining(config.getTimeout()).compareTo(MIN_REQUEST_TIME) < 0) {
      onError.accept(new NoTimeLeft());
      return;
    }
    Buffer body;
    try {
      body = GrpcWire.frame(writer, config.getCompressor());
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
    if (clients.server() != null) {
      options.setServer(clients.server()); // the request still names the collector (:authority)
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
    AtomicBoolean written = new AtomicBoolean();
    HttpClient via = clients.current();
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
            if (!(GrpcCallFailure.unwrap(error) instanceof ConnectException)) { // refused: nothing was opened
              clients.retire(via);
            }
            onError.accept(GrpcCallFailure.of(error, written.get()));
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
    response.endHandler(end -> call.complete(GrpcWire.answer(response.statusCode(), response.headers(),
        response.trailers(), cut[0] ? null : kept)));
  }

  @Override
  public CompletableResultCode shutdown() {
    clients.release();
    return CompletableResultCode.ofSuccess();
  }

  /** The flush had no time left for this call: it was never sent. */
  static final class NoTimeLeft extends IOException implements FailureClass.GrpcDeadlineExceeded {
    NoTimeLeft() {
      super("no time left in the flush");
    }
  }
}
