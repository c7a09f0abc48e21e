package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.EXCEPTION_MESSAGE;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.EXCEPTION_STACKTRACE;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.EXCEPTION_TYPE;

import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;

/**
 * A log record under construction: what {@link TextLogParser} or {@link JsonLogParser} read from a
 * line, before {@link LogTranslator} links it to its invocation and builds the record. The
 * exception is kept apart until the end, so that attributes we set win over user keys of the same
 * name.
 */
final class LogDraft {

  /** Node.js's name for an init-phase line's missing request id. */
  private static final String NO_REQUEST_ID = "undefined";

  final AttributesBuilder attributes = Attributes.builder();
  long timestampNanos;
  Severity severity = Severity.UNDEFINED_SEVERITY_NUMBER;
  String severityText;
  Value<?> body;
  /** The request id the record names, or null when it names none. */
  String requestId;
  /** The record says it belongs to no invocation (Node's {@code undefined}). */
  boolean noInvocation;

  String exceptionType;
  String exceptionMessage;
  String exceptionStacktrace;

  LogDraft(long timestampNanos) {
    this.timestampNanos = timestampNanos;
  }

  void setTextRequestId(String id) {
    if (NO_REQUEST_ID.equals(id)) {
      noInvocation = true;
    } else if (!id.isBlank()) {
      requestId = id;
    }
  }

  /** Takes errorType, errorMessage and the stack from {@code error}; values already set win. */
  void takeException(JsonObject error, String stackKey) {
    if (exceptionType == null) {
      exceptionType = textOf(error.get("errorType"));
    }
    if (exceptionMessage == null) {
      exceptionMessage = textOf(error.get("errorMessage"));
    }
    if (exceptionStacktrace == null) {
      exceptionStacktrace = stack(error.get(stackKey));
    }
  }

  void putExceptionAttributes() {
    if (exceptionType != null) {
      attributes.put(EXCEPTION_TYPE, exceptionType);
    }
    if (exceptionMessage != null) {
      attributes.put(EXCEPTION_MESSAGE, exceptionMessage);
    }
    if (exceptionStacktrace != null) {
      attributes.put(EXCEPTION_STACKTRACE, exceptionStacktrace);
    }
  }

  /** A stack trace array joined with {@code \n}, or a string one as is. */
  private static String stack(JsonValue node) {
    if (node instanceof JsonString s) {
      return s.value();
    }
    if (!(node instanceof JsonArray frames) || frames.elements().isEmpty()) {
      return null;
    }
    StringBuilder joined = new StringBuilder();
    for (JsonValue frame : frames.elements()) {
      if (joined.length() > 0) {
        joined.append('\n');
      }
      joined.append(frame instanceof JsonString s ? s.value() : frame.toString());
    }
    return joined.toString();
  }

  /** The scalar text of a JSON value, or null when absent. */
  static String textOf(JsonValue node) {
    return node == null ? null : node.text();
  }
}
