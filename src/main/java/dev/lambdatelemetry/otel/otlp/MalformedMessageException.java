package dev.lambdatelemetry.otel.otlp;

/**
 * A body that is not a valid OTLP message. Thrown often by design (garbage from a client is answered
 * 400 / INVALID_ARGUMENT), so it carries no stack trace.
 */
final class MalformedMessageException extends Exception {

  private static final long serialVersionUID = 1L;

  MalformedMessageException(String message) {
    super(message, null, false, false);
  }
}
