package dev.lambdatelemetry.otel.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonBoolean;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonNull;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonString;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link JsonValue} trees with Jackson's streaming parser (jackson-core only; see {@link
 * JsonValue} for why not data binding). One factory for the process: it is thread-safe and its
 * default read constraints (20 M characters per string, 1 000 levels of nesting) bound what a
 * hostile body can cost.
 */
public final class JsonReader {

  static final JsonFactory FACTORY = new JsonFactory();

  private JsonReader() {}

  /** A parser over {@code bytes} (UTF-8, or UTF-16/32 with a BOM as JSON allows). */
  public static JsonParser parser(byte[] bytes) throws IOException {
    return FACTORY.createParser(bytes);
  }

  /**
   * The single JSON value of {@code bytes}, or null when they are not exactly one well-formed value
   * (empty, truncated, trailing garbage, not JSON). Never throws.
   */
  public static JsonValue parseOrNull(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    try (JsonParser p = FACTORY.createParser(bytes)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return null;
      }
      JsonValue value = read(p, first);
      return p.nextToken() == null ? value : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {@link #parseOrNull(byte[])} of a string. */
  public static JsonValue parseOrNull(String text) {
    return text == null ? null : parseOrNull(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads the value whose first token is {@code token}, leaving the parser on its last token. Strings,
   * the common case of a log-heavy batch, cost one object.
   */
  public static JsonValue read(JsonParser p, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> new JsonString(p.getText());
      case START_OBJECT -> {
        Map<String, JsonValue> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          members.put(name, read(p, p.nextToken()));
        }
        yield new JsonObject(members);
      }
      case START_ARRAY -> {
        List<JsonValue> elements = new ArrayList<>();
        JsonToken element;
        while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
          if (element == null) {
            throw new IOException("unterminated array"); // defensive: Jackson throws first
          }
          elements.add(read(p, element));
        }
        yield new JsonArray(elements);
      }
      case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
        case INT, LONG -> new JsonNumber(p.getLongValue());
        default -> new JsonNumber(integer(p.getBigIntegerValue()));
      };
      case VALUE_NUMBER_FLOAT -> new JsonNumber(p.getDoubleValue());
      case VALUE_TRUE -> new JsonBoolean(true);
      case VALUE_FALSE -> new JsonBoolean(false);
      case VALUE_NULL -> JsonNull.INSTANCE;
      default -> throw new IOException("unexpected token " + token);
    };
  }

  /** A Long when it fits (a parser may report a long-range value as BIG_INTEGER). */
  private static Number integer(BigInteger b) {
    return b.bitLength() < 64 ? (Number) b.longValue() : b;
  }
}
