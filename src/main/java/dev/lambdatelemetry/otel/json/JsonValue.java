package dev.lambdatelemetry.otel.json;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON value as the platform sent it: the record of an object log line, of an unknown event type,
 * or a small Extensions API answer.
 *
 * <p>Why our own tree and not Jackson's {@code JsonNode}: data binding (jackson-databind with the
 * modules Quarkus registers) is about 500 classes, and in the layer every class the extension ever
 * loads is preloaded from the AOT cache at start-up and stays resident: measured 3.5 MB of RSS and
 * part of the JVM's start-up for a handful of tree operations. The streaming parser (jackson-core)
 * is all the extension needs to read JSON.
 *
 * <p>Objects keep their key order (the order of attributes a user sees); {@link #toString()} is
 * compact JSON.
 */
public sealed interface JsonValue {

  /** The member {@code name} of an object; null when absent or when this is not an object. */
  default JsonValue get(String name) {
    return null;
  }

  /** The string of a JSON string; null for every other kind. */
  default String text() {
    return null;
  }

  /** A string, number or boolean as text (a number as JSON writes it); null for the rest. */
  default String scalarText() {
    return null;
  }

  /**
   * Appends this value as compact JSON, in one pass. Recursive, one frame per level: trees read
   * from the wire are at most {@code JsonReader.MAX_DEPTH} (64) levels deep.
   */
  void writeTo(StringBuilder out);

  /** {@code value} as compact JSON: what every kind's {@code toString()} returns. */
  static String toJson(JsonValue value) {
    StringBuilder out = new StringBuilder();
    value.writeTo(out);
    return out.toString();
  }

  /**
   * An object: member names in document order, a later duplicate replacing the earlier value.
   *
   * @param members taken over, not copied (the reader builds one map per object of a log-heavy
   *     batch): the caller must not change it afterwards; exposed read-only
   */
  record JsonObject(Map<String, JsonValue> members) implements JsonValue {
    public JsonObject {
      members = Collections.unmodifiableMap(Objects.requireNonNull(members, "members"));
    }

    /** An object with these members, in this order. */
    public static JsonObject of(Map<String, ? extends JsonValue> members) {
      return new JsonObject(new LinkedHashMap<>(members));
    }

    @Override
    public JsonValue get(String name) {
      return members.get(name);
    }

    @Override
    public void writeTo(StringBuilder out) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonValue> m : members.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        JsonString.quote(m.getKey(), out);
        out.append(':');
        m.getValue().writeTo(out);
      }
      out.append('}');
    }

    @Override
    public String toString() {
      return JsonValue.toJson(this);
    }
  }

  /** An array. */
  record JsonArray(List<JsonValue> elements) implements JsonValue {
    public JsonArray {
      elements = List.copyOf(elements);
    }

    @Override
    public void writeTo(StringBuilder out) {
      out.append('[');
      for (int i = 0; i < elements.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        elements.get(i).writeTo(out);
      }
      out.append(']');
    }

    @Override
    public String toString() {
      return JsonValue.toJson(this);
    }
  }

  /** A string. */
  record JsonString(String value) implements JsonValue {
    public JsonString {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String text() {
      return value;
    }

    @Override
    public String scalarText() {
      return value;
    }

    @Override
    public void writeTo(StringBuilder out) {
      quote(value, out);
    }

    @Override
    public String toString() {
      StringBuilder out = new StringBuilder(value.length() + 2);
      quote(value, out);
      return out.toString();
    }

    /** Appends {@code s} as a JSON string literal (RFC 8259 escapes). */
    public static void quote(String s, StringBuilder out) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          case '\b' -> out.append("\\b");
          case '\f' -> out.append("\\f");
          default -> {
            if (c < 0x20) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
    }
  }

  /**
   * A number: a {@link Long} for integers that fit, a {@link BigInteger} for larger ones, a {@link
   * Double} for the rest (a fraction or an exponent).
   */
  record JsonNumber(Number value) implements JsonValue {
    public JsonNumber {
      if (!(value instanceof Long || value instanceof BigInteger || value instanceof Double)) {
        throw new IllegalArgumentException("a JSON number is a Long, BigInteger or Double: " + value);
      }
    }

    public static JsonNumber of(long value) {
      return new JsonNumber(value);
    }

    /** The number had no fraction or exponent. */
    public boolean isIntegral() {
      return !(value instanceof Double);
    }

    /** The value as a long, or null when it is not an integer in the long range. */
    public Long longValue() {
      return value instanceof Long l ? l : null;
    }

    public double doubleValue() {
      return value.doubleValue();
    }

    @Override
    public String scalarText() {
      return value.toString();
    }

    /**
     * JSON has no literal for a non-finite number (the parser yields one for {@code 1e999}): it is
     * written as a string, as Jackson did, so the output stays valid JSON.
     */
    @Override
    public void writeTo(StringBuilder out) {
      if (value instanceof Double d && !Double.isFinite(d)) {
        JsonString.quote(d.toString(), out);
      } else {
        out.append(value);
      }
    }

    @Override
    public String toString() {
      return JsonValue.toJson(this);
    }
  }

  /** {@code true} or {@code false}. */
  record JsonBoolean(boolean value) implements JsonValue {
    @Override
    public String scalarText() {
      return Boolean.toString(value);
    }

    @Override
    public void writeTo(StringBuilder out) {
      out.append(value);
    }

    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  /** {@code null}. */
  record JsonNull() implements JsonValue {
    public static final JsonNull INSTANCE = new JsonNull();

    @Override
    public void writeTo(StringBuilder out) {
      out.append("null");
    }

    @Override
    public String toString() {
      return "null";
    }
  }
}
