package dev.lambdatelemetry.otel.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * An OTLP/HTTP sender on the JDK {@link HttpClient} whose every request is bounded by the current flush
 * deadline ({@link InFlight}) and can be cancelled when the flush ends. It does not retry: the pipeline
 * does, so that retries share the flush deadline and honour {@code Retry-After}, which OTel's {@link
 * HttpResponse} does not expose (our {@link Response} does).
 */
final class DeadlineHttpSender implements HttpSender {

  /** Requests shorter than this are not started: they could not complete. */
  private static final Duration MIN_REQUEST_TIME = Duration.ofMillis(1);

  private final HttpSenderConfig config;
  private final InFlight inFlight;
  private final HttpClient client;

  DeadlineHttpSender(HttpSenderConfig config, InFlight inFlight, Executor executor) {
    this.config = config;
    this.inFlight = inFlight;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.getConnectTimeout())
            .executor(executor);
    if (config.getSslContext() != null) {
      builder.sslContext(config.getSslContext());
    } else if ("http".equalsIgnoreCase(config.getEndpoint().getScheme())) {
      builder.sslContext(PlainHttpOnly.context());
    }
    this.client = builder.build();
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
    HttpRequest.Builder request =
        HttpRequest.newBuilder(config.getEndpoint())
            .timeout(timeout)
            .header("Content-Type", config.getContentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (config.getCompressor() != null) {
      request.header("Content-Encoding", config.getCompressor().getEncoding());
    }
    Map<String, List<String>> headers = config.getHeadersSupplier().get();
    if (headers != null) {
      headers.forEach((k, values) -> values.forEach(v -> request.header(k, v)));
    }
    CompletableFuture<java.net.http.HttpResponse<byte[]>> future;
    try {
      future = client.sendAsync(request.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      onError.accept(e);
      return;
    }
    inFlight.register(future);
    future.whenComplete(
        (response, error) -> {
          inFlight.done(future);
          if (error != null) {
            onError.accept(unwrap(error));
          } else if (response.statusCode() >= 200 && response.statusCode() < 300) {
            onResponse.accept(new Response(response.statusCode(), response.body()));
          } else {
            // Reported as an error, not a response: OTel's HttpResponse has no headers, and the
            // pipeline needs Retry-After (and must not depend on the exporter's internal exception types).
            onError.accept(
                new StatusException(
                    response.statusCode(), response.headers().firstValue("Retry-After")));
          }
        });
  }

  @Override
  public CompletableResultCode shutdown() {
    // JDK 17's HttpClient has no close(); its threads are daemon threads of our executor.
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

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
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
