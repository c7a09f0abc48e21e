package dev.lambdatelemetry.otel.translate;

import dev.lambdatelemetry.otel.json.JsonReader;
import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.json.JsonValue.JsonBoolean;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNull;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import dev.lambdatelemetry.otel.telemetry.model.Timestamps;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import dev.lambdatelemetry.otel.Instrumentation;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns one {@code function}/{@code extension} event into exactly one OpenTelemetry log record,
 * following the "Log records" rules of the conversion model.
 *
 * <p><b>Text records</b> (a string {@code record}): the body is the line minus trailing {@code \r}
 * and {@code \n}, nothing else touched; the timestamp is the envelope time. The Node.js pattern
 * {@code <ts>\t<requestId>\t<LEVEL>\t...} and the Python pattern {@code [LEVEL]\t<ts>\t<requestId>\t...}
 * (and Python's unhandled-error form {@code [ERROR] Type: message...}) give the severity. When such a
 * line names a request id, that id is the record's {@code faas.invocation_id}: it is the runtime's
 * own statement, and stays right for a line delivered after its invocation closed. Node's
 * {@code undefined} (an init-phase line) means no invocation at all. Other text lines take the open
 * invocation's id. Node's {@code Invoke Error}/{@code Uncaught Exception} lines also give {@code
 * exception.*} attributes from their JSON tail.
 *
 * <p><b>Object records</b> (JSON log format): the body is {@code message}, else {@code msg}, else
 * {@code errorMessage}, else the whole object, with JSON objects and arrays as OpenTelemetry maps and
 * arrays; the timestamp is the record's {@code timestamp} when it is RFC 3339; severity comes from
 * {@code level} or {@code log_level}; {@code requestId} names the invocation, else the open one is
 * used; {@code errorType}/{@code errorMessage}/{@code stackTrace} (top level, or inside an object
 * {@code message} as Node's {@code console.error(err)} writes it) become {@code exception.*}; every
 * other top-level key becomes an attribute (objects and arrays as compact JSON). Attributes we set
 * win over user keys of the same name.
 *
 * <p>Pure and thread-safe: no I/O, no state.
 */
public final class LogTranslator {


  static final AttributeKey<String> LOG_SOURCE = AttributeKey.stringKey("aws.lambda.log.source");
  static final AttributeKey<String> INVOCATION_ID = AttributeKey.stringKey("faas.invocation_id");
  static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
  static final AttributeKey<String> EXCEPTION_STACKTRACE =
      AttributeKey.stringKey("exception.stacktrace");

  /** Keys of an object record that feed the body, time, severity, invocation or exception. */
  private static final Set<String> CONSUMED_KEYS =
      Set.of(
          "timestamp",
          "level",
          "log_level",
          "message",
          "msg",
          "requestId",
          "errorType",
          "errorMessage",
          "stackTrace");

  /** Node.js's name for an init-phase line's missing request id. */
  private static final String NO_REQUEST_ID = "undefined";
  /** Node.js text prefixes of a message followed by a tab and the error as JSON. */
  private static final List<String> NODE_ERROR_PREFIXES =
      List.of("Invoke Error \t", "Uncaught Exception \t", "Unhandled Promise Rejection \t");
  private static final long MAX_EPOCH_SECOND_IN_NANOS = Long.MAX_VALUE / 1_000_000_000L - 1;

  /**
   * Translates one log line. Never throws for any content of {@code line}.
   *
   * @param line the log event's record
   * @param envelopeTime the event's envelope {@code time}: the observed time, and the timestamp when
   *     the record's own one does not parse
   * @param invocationById looks up an open or known invocation by request id (for records that name
   *     one); returns null when unknown
   * @param openInvocation the invocation open in this environment (between platform.start and its
   *     runtimeDone/report) for records that do not name one, or null (init phase, Managed
   *     Instances)
   * @param resource the environment's resource
   */
  public LogRecordData translate(
      LogLine line,
      Instant envelopeTime,
      Function<String, InvocationContext> invocationById,
      InvocationContext openInvocation,
      Resource resource) {
    long envelopeNanos = toEpochNanos(envelopeTime);
    Draft draft = new Draft(envelopeNanos);
    if (line.object() != null) {
      readObject(line.object(), draft);
    } else {
      readText(line.text() == null ? "" : line.text(), draft);
    }
    draft.attributes.put(LOG_SOURCE, line.source().wireName()); // after user keys: ours win
    InvocationContext invocation = resolve(draft, invocationById, openInvocation);
    SpanContext spanContext = SpanContext.getInvalid();
    if (invocation != null) {
      draft.attributes.put(INVOCATION_ID, invocation.requestId());
      if (invocation.spanContext() != null) {
        spanContext = invocation.spanContext();
      }
    } else if (draft.requestId != null) {
      draft.attributes.put(INVOCATION_ID, draft.requestId);
    }
    draft.putExceptionAttributes();
    return new LambdaLogRecord(
        resource == null ? Resource.empty() : resource,
        Instrumentation.SCOPE,
        draft.timestampNanos,
        envelopeNanos,
        spanContext,
        draft.severity,
        draft.severityText,
        draft.body,
        draft.attributes.build());
  }

  /**
   * The invocation whose trace context the record gets, or null. A record that names a request id
   * is linked only to that invocation; one that names none gets the open invocation.
   */
  private static InvocationContext resolve(
      Draft draft, Function<String, InvocationContext> byId, InvocationContext open) {
    if (draft.noInvocation) {
      return null;
    }
    if (draft.requestId == null) {
      return open;
    }
    InvocationContext found = byId == null ? null : byId.apply(draft.requestId);
    if (found == null && open != null && draft.requestId.equals(open.requestId())) {
      found = open;
    }
    return found == null ? null : new InvocationContext(draft.requestId, found.spanContext());
  }

  private static void readText(String text, Draft draft) {
    int end = text.length();
    while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    String body = end == text.length() ? text : text.substring(0, end);
    draft.body = Value.of(body);
    if (body.startsWith("[")) {
      readPythonPrefix(body, draft);
    } else {
      readNodePrefix(body, draft);
    }
  }

  /** {@code [LEVEL]\t<ts>\t<requestId>\t...} or the unhandled-error form {@code [ERROR] ...}. */
  private static void readPythonPrefix(String body, Draft draft) {
    int close = body.indexOf(']');
    if (close < 2 || close + 1 >= body.length()) {
      return;
    }
    String level = body.substring(1, close);
    Severity severity = severity(level);
    if (severity == Severity.UNDEFINED_SEVERITY_NUMBER) {
      return;
    }
    char after = body.charAt(close + 1);
    if (after != '\t' && after != ' ') {
      return;
    }
    draft.severity = severity;
    draft.severityText = level;
    if (after == '\t') {
      int tsEnd = body.indexOf('\t', close + 2);
      int idEnd = tsEnd < 0 ? -1 : body.indexOf('\t', tsEnd + 1);
      if (idEnd > tsEnd + 1 && Timestamps.parse(body.substring(close + 2, tsEnd)) != null) {
        draft.setTextRequestId(body.substring(tsEnd + 1, idEnd));
      }
    }
  }

  /** {@code <ts>\t<requestId>\t<LEVEL>\t<message>}. */
  private static void readNodePrefix(String body, Draft draft) {
    int tsEnd = body.indexOf('\t');
    if (tsEnd < 20) { // shorter than the shortest RFC 3339 instant
      return;
    }
    int idEnd = body.indexOf('\t', tsEnd + 1);
    if (idEnd <= tsEnd + 1) {
      return;
    }
    int levelEnd = body.indexOf('\t', idEnd + 1);
    String level = body.substring(idEnd + 1, levelEnd < 0 ? body.length() : levelEnd);
    Severity severity = severity(level);
    if (severity == Severity.UNDEFINED_SEVERITY_NUMBER
        || Timestamps.parse(body.substring(0, tsEnd)) == null) {
      return;
    }
    draft.severity = severity;
    draft.severityText = level;
    draft.setTextRequestId(body.substring(tsEnd + 1, idEnd));
    if (levelEnd > 0) {
      readNodeError(body, levelEnd + 1, draft);
    }
  }

  /** Node's {@code Invoke Error \t{"errorType":...,"errorMessage":...,"stack":[...]}}. */
  private static void readNodeError(String body, int messageStart, Draft draft) {
    for (String prefix : NODE_ERROR_PREFIXES) {
      if (body.startsWith(prefix, messageStart)) {
        // Not JSON after all (null): the body alone carries it.
        if (JsonReader.parseOrNull(body.substring(messageStart + prefix.length()))
            instanceof JsonObject error) {
          draft.takeException(error, "stack");
        }
        return;
      }
    }
  }

  private static void readObject(JsonObject record, Draft draft) {
    Instant timestamp = Timestamps.parse(textOf(record.get("timestamp")));
    if (timestamp != null && inNanosRange(timestamp)) {
      draft.timestampNanos = toEpochNanos(timestamp);
    }
    JsonValue level = record.get("level");
    if (level == null || level instanceof JsonNull) {
      level = record.get("log_level");
    }
    if (level != null && level.scalarText() != null) {
      draft.severityText = level.scalarText();
      draft.severity = severity(draft.severityText);
    }
    String requestId = textOf(record.get("requestId"));
    if (requestId != null && !requestId.isEmpty()) {
      draft.requestId = requestId;
    }
    draft.body = body(record);
    draft.takeException(record, "stackTrace");
    if (record.get("message") instanceof JsonObject message) {
      draft.takeException(message, "stackTrace"); // console.error(err) in Node's JSON format
    }
    for (Map.Entry<String, JsonValue> field : record.members().entrySet()) {
      if (!CONSUMED_KEYS.contains(field.getKey())) {
        putAttribute(draft.attributes, field.getKey(), field.getValue());
      }
    }
  }

  private static Value<?> body(JsonObject record) {
    for (String key : new String[] {"message", "msg", "errorMessage"}) {
      JsonValue node = record.get(key);
      if (node != null && !(node instanceof JsonNull)) {
        return toValue(node);
      }
    }
    return toValue(record);
  }

  /** A JSON value as an OpenTelemetry {@link Value}: maps and arrays kept as such, recursively. */
  static Value<?> toValue(JsonValue node) {
    if (node instanceof JsonString s) {
      return Value.of(s.value());
    }
    if (node instanceof JsonBoolean b) {
      return Value.of(b.value());
    }
    if (node instanceof JsonNumber n) {
      Long l = n.longValue();
      return l != null ? Value.of(l) : Value.of(n.doubleValue());
    }
    if (node instanceof JsonObject o) {
      KeyValue[] entries = new KeyValue[o.members().size()];
      int i = 0;
      for (Map.Entry<String, JsonValue> field : o.members().entrySet()) {
        entries[i++] = KeyValue.of(field.getKey(), toValue(field.getValue()));
      }
      return Value.of(entries);
    }
    if (node instanceof JsonArray a) {
      List<Value<?>> elements = new ArrayList<>(a.elements().size());
      for (JsonValue element : a.elements()) {
        elements.add(toValue(element));
      }
      return Value.of(elements);
    }
    return Value.empty(); // null
  }

  private static void putAttribute(AttributesBuilder attributes, String key, JsonValue value) {
    if (value instanceof JsonString s) {
      attributes.put(key, s.value());
    } else if (value instanceof JsonBoolean b) {
      attributes.put(key, b.value());
    } else if (value instanceof JsonNumber n) {
      Long l = n.longValue();
      if (l != null) {
        attributes.put(key, l);
      } else {
        attributes.put(key, n.doubleValue());
      }
    } else if (value instanceof JsonObject || value instanceof JsonArray) {
      attributes.put(key, value.toString());
    }
    // JSON null: no attribute
  }

  /**
   * The severity of a level name, case-insensitive; {@link Severity#UNDEFINED_SEVERITY_NUMBER} when
   * unknown. Covers Node, Python, Java and .NET names.
   */
  static Severity severity(String level) {
    if (level == null) {
      return Severity.UNDEFINED_SEVERITY_NUMBER;
    }
    return switch (level.trim().toUpperCase(Locale.ROOT)) {
      case "TRACE" -> Severity.TRACE;
      case "DEBUG" -> Severity.DEBUG;
      case "INFO", "INFORMATION" -> Severity.INFO;
      case "WARN", "WARNING" -> Severity.WARN;
      case "ERROR" -> Severity.ERROR;
      case "FATAL", "CRITICAL" -> Severity.FATAL;
      default -> Severity.UNDEFINED_SEVERITY_NUMBER;
    };
  }

  private static String textOf(JsonValue node) {
    return node == null ? null : node.text();
  }

  private static boolean inNanosRange(Instant instant) {
    return instant.getEpochSecond() >= 0 && instant.getEpochSecond() <= MAX_EPOCH_SECOND_IN_NANOS;
  }

  private static long toEpochNanos(Instant instant) {
    if (instant == null || !inNanosRange(instant)) {
      return 0L; // the parser guarantees an envelope time; 0 is OTel's "unknown"
    }
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** The record under construction. */
  private static final class Draft {
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

    Draft(long timestampNanos) {
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
  }
}
