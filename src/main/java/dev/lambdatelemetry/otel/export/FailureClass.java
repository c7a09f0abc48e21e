package dev.lambdatelemetry.otel.export;

import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * What an export failure means for the items: retry them, keep them for later, give them up as rejected,
 * or count them as of unknown fate. Retryable answers follow the OTLP specification: HTTP 429, 502, 503,
 * 504 and connection errors; gRPC UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED, OUT_OF_RANGE, DATA_LOSS.
 *
 * <p>An I/O error is retryable only while the collector cannot have the request: before it was
 * completely written. After that (the answer cut off, the connection reset or closed while we wait
 * for it) the sender reports it as {@link AnswerLost}: the collector may have processed it, so it is
 * {@link Kind#ANSWER_LOST}, which the pipeline retries once and no more. A plain {@link IOException}
 * is taken as a failure before the complete write.
 */
record FailureClass(Kind kind, Optional<Duration> retryAfter, String detail) {

  private static final Set<Integer> RETRYABLE_HTTP = Set.of(429, 502, 503, 504);
  private static final Set<GrpcStatusCode> RETRYABLE_GRPC =
      Set.of(
          GrpcStatusCode.UNAVAILABLE,
          GrpcStatusCode.RESOURCE_EXHAUSTED,
          GrpcStatusCode.ABORTED,
          GrpcStatusCode.OUT_OF_RANGE,
          GrpcStatusCode.DATA_LOSS);

  /** Kinds of failure. */
  enum Kind {
    /** Certainly not accepted, worth retrying (after a backoff). */
    RETRYABLE,
    /** Certainly not sent (no time left to start it): keep for the next flush. */
    NOT_SENT,
    /** Sent, answer unknown (timed out or cancelled): the collector may have it. */
    UNKNOWN,
    /**
     * Written completely, then the answer was lost (reset, closed, cut short): the collector may
     * have it. Worth one retry, no more: each retry could be a duplicate.
     */
    ANSWER_LOST,
    /** Answered with a non-retryable error: sending again would fail again. */
    REJECTED
  }

  /**
   * Classifies the failure of an OTel exporter's result: the exporter wraps the sender's error, so the
   * cause chain is searched for the sender's own exceptions.
   */
  static FailureClass of(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 5; depth++, t = t.getCause()) {
      if (t instanceof SocketHttpSender.StatusException status) {
        return ofHttp(status.status(), status.retryAfter());
      }
      if (t instanceof GrpcStatusException grpc) {
        return ofGrpc(grpc.code());
      }
      if (!t.getClass().getName().startsWith("io.opentelemetry.")) {
        return ofException(t);
      }
    }
    return ofException(t == null ? failure : t);
  }

  static FailureClass ofHttp(int status, Optional<String> retryAfterHeader) {
    Kind kind = RETRYABLE_HTTP.contains(status) ? Kind.RETRYABLE : Kind.REJECTED;
    return new FailureClass(
        kind, retryAfterHeader.flatMap(FailureClass::parseRetryAfter), "HTTP " + status);
  }

  static FailureClass ofGrpc(GrpcStatusCode code) {
    Kind kind =
        RETRYABLE_GRPC.contains(code)
            ? Kind.RETRYABLE
            : code == GrpcStatusCode.DEADLINE_EXCEEDED || code == GrpcStatusCode.CANCELLED
                ? Kind.UNKNOWN
                : Kind.REJECTED;
    return new FailureClass(kind, Optional.empty(), "gRPC " + code);
  }

  static FailureClass ofException(Throwable t) {
    String detail = t == null ? "unknown failure" : t.getClass().getSimpleName() + ": " + t.getMessage();
    if (t instanceof AnswerLost) {
      return new FailureClass(Kind.ANSWER_LOST, Optional.empty(), detail);
    }
    if (t instanceof SocketHttpSender.DeadlineExceededException
        || t instanceof GrpcDeadlineExceeded) {
      return new FailureClass(Kind.NOT_SENT, Optional.empty(), detail);
    }
    if (t instanceof ConnectException) { // refused, or no answer to connect / the TLS handshake
      return new FailureClass(Kind.RETRYABLE, Optional.empty(), detail);
    }
    if (t instanceof CancellationException || t instanceof java.io.InterruptedIOException) {
      return new FailureClass(Kind.UNKNOWN, Optional.empty(), detail);
    }
    if (t instanceof IOException) {
      return new FailureClass(Kind.RETRYABLE, Optional.empty(), detail);
    }
    return new FailureClass(Kind.REJECTED, Optional.empty(), detail);
  }

  /** {@code Retry-After}: delay-seconds or an HTTP-date. */
  static Optional<Duration> parseRetryAfter(String raw) {
    String v = raw.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException ignored) {
        return Optional.empty();
      }
    }
  }

  /**
   * Marker for a failure after the request was completely written: the answer was lost (the
   * connection reset or closed, the answer cut short), so the collector may have the items.
   */
  interface AnswerLost {}

  /**
   * What a sender throws when a completely written request's answer is lost: the HTTP sender for
   * an I/O error reading the answer (not a timeout, not our own cancel), the gRPC sender for a
   * stream reset or connection closed after the request message was sent.
   */
  static final class AnswerLostException extends IOException implements AnswerLost {
    AnswerLostException(Throwable cause) {
      super("answer lost after the request was written: " + cause.getMessage(), cause);
    }
  }

  /** Marker for the gRPC sender's "no time left to start". */
  interface GrpcDeadlineExceeded {}

  /** A gRPC answer other than OK, as the gRPC sender reports it. */
  static final class GrpcStatusException extends IOException {
    private final transient GrpcStatusCode code;

    GrpcStatusException(GrpcStatusCode code, String description) {
      super("gRPC " + code + (description == null ? "" : ": " + description));
      this.code = code;
    }

    GrpcStatusCode code() {
      return code;
    }
  }
}
