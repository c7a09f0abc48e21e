package dev.lambdatelemetry.otel.translate;

import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.json.JsonValue.JsonBoolean;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNull;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import dev.lambdatelemetry.otel.telemetry.model.Timestamps;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JSON log record (an object {@code record}, the Lambda JSON log format) into a {@link
 * LogDraft}: the body is {@code message}, else {@code msg}, else {@code errorMessage}, else the
 * whole object, with JSON objects and arrays as OpenTelemetry maps and arrays; the timestamp is the
 * record's {@code timestamp} when it is RFC 3339; severity comes from {@code level} or {@code
 * log_level}; {@code requestId} names the invocation; {@code errorType}/{@code errorMessage}/{@code
 * stackTrace} (top level, or inside an object {@code message} as Node's {@code console.error(err)}
 * writes it) become the exception; every other top-level key becomes an attribute (objects and
 * arrays as compact JSON). Pure.
 */
final class JsonLogParser {

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

  private JsonLogParser() {}

  /** Fills {@code draft} from {@code record}. */
  static void read(JsonObject record, LogDraft draft) {
    Instant timestamp = Timestamps.parse(LogDraft.textOf(record.get("timestamp")));
    if (timestamp != null && LogTranslator.inNanosRange(timestamp)) {
      draft.timestampNanos = LogTranslator.toEpochNanos(timestamp);
    }
    JsonValue level = record.get("level");
    if (level == null || level instanceof JsonNull) {
      level = record.get("log_level");
    }
    if (level != null && level.scalarText() != null) {
      draft.severityText = level.scalarText();
      draft.severity = LogTranslator.severity(draft.severityText);
    }
    String requestId = LogDraft.textOf(record.get("requestId"));
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
  private static Value<?> toValue(JsonValue node) {
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
}
