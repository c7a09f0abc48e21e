package dev.lambdatelemetry.otel.export;

import io.vertx.core.http.StreamResetException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * What a failed gRPC call reports to the pipeline: the Vert.x and {@code CompletableFuture} failures of a
 * call mapped to the exceptions {@link FailureClass} understands, as the HTTP sender reports them. A
 * call's timeout is an {@link InterruptedIOException} (sent, perhaps: fate unknown); a transport failure
 * after the whole call was written lost its answer ({@link FailureClass.AnswerLostException}); before,
 * it is a plain {@link IOException} (retryable).
 */
final class GrpcCallFailure {

  /** HTTP/2 REFUSED_STREAM: the server did not process the stream (safe to retry). */
  private static final long HTTP2_REFUSED_STREAM = 0x7;

  private GrpcCallFailure() {}

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Maps {@code error} to what {@link FailureClass} understands; {@code written}: the whole call had been written, so a
   * transport failure (connection closed, stream reset other than REFUSED_STREAM, which says the
   * collector did not process it) lost its answer: {@link FailureClass.AnswerLostException}, retried
   * once by the pipeline, as the HTTP sender reports it.
   */
  static Throwable of(Throwable error, boolean written) {
    Throwable mapped = mapped(error);
    Throwable t = unwrap(error);
    boolean refused = t instanceof StreamResetException reset
        && reset.getCode() == HTTP2_REFUSED_STREAM;
    if (written && !refused && !(mapped instanceof InterruptedIOException)
        && !(mapped instanceof CancellationException) && !(mapped instanceof ConnectException)
        && mapped instanceof IOException io && !(mapped instanceof FailureClass.GrpcStatusException)) {
      return new FailureClass.AnswerLostException(io);
    }
    return mapped;
  }

  private static Throwable mapped(Throwable error) {
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
}
