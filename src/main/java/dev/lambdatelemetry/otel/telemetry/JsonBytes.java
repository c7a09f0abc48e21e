package dev.lambdatelemetry.otel.telemetry;

import dev.lambdatelemetry.otel.json.JsonReader;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds where JSON values start and end in the bytes of a body without parsing them: what lets
 * {@link PerElementReader} confine a fault to the element that holds it. Structural bytes of JSON
 * are ASCII and never occur inside a multi-byte UTF-8 sequence, so the scan works on the bytes
 * without decoding them; it keeps an int count of brackets, no stack and no tree, so any depth
 * costs nothing.
 *
 * <p>The scan does not validate: a malformed value fails later, when it is parsed, and costs only
 * itself. Brackets of the wrong kind inside an element can make it end late and take its
 * neighbours with it, which a JSON serializer (the platform's) never writes.
 */
final class JsonBytes {

  private JsonBytes() {}

  /**
   * The index just past the JSON value starting at {@code from}, found without parsing it: a string
   * ends at its closing quote, an object or array where its brackets balance, anything else before
   * the next comma, closer or whitespace. Returns {@code from} when no value starts there (a comma
   * or a closer), -1 when {@code to} comes first inside a string or container (a truncated body).
   */
  static int valueEnd(byte[] b, int from, int to) {
    int depth = 0;
    int i = from;
    while (i < to) {
      byte c = b[i];
      if (c == '"') {
        i = stringEnd(b, i, to);
        if (i < 0 || depth == 0) {
          return i;
        }
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          return i;
        }
        if (--depth == 0) {
          return i + 1;
        }
      } else if (depth == 0 && (c == ',' || isWhitespace(c))) {
        return i;
      }
      i++;
    }
    return depth == 0 ? i : -1;
  }

  /** The index just past the closing quote of the string opening at {@code quote}, or -1. */
  static int stringEnd(byte[] b, int quote, int to) {
    for (int i = quote + 1; i < to; i++) {
      byte c = b[i];
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\') {
        i++; // the escaped byte: an escaped quote does not end the string
      }
    }
    return -1;
  }

  /** The index of the first byte at or after {@code from} that is not JSON whitespace. */
  static int skipWhitespace(byte[] b, int from, int to) {
    int i = from;
    while (i < to && isWhitespace(b[i])) {
      i++;
    }
    return i;
  }

  private static boolean isWhitespace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  /** Whether {@code b[from, to)} is exactly {@code name} (quotes included). */
  static boolean nameIs(byte[] b, int from, int to, byte[] name) {
    return to - from == name.length && Arrays.equals(b, from, to, name, 0, name.length);
  }

  /** The string value at {@code b[from, to)}, or null when it is not a string. */
  static String stringAt(byte[] b, int from, int to) {
    return b[from] == '"' && JsonReader.parseOrNull(b, from, to - from) instanceof JsonString s
        ? s.value() : null;
  }

  /** {@code b[from, to)} decoded, cut to at most {@code maxBytes} at a character boundary. */
  static String utf8Prefix(byte[] b, int from, int to, int maxBytes) {
    int n = Math.min(to - from, maxBytes);
    if (n < to - from) {
      while (n > 0 && (b[from + n] & 0xC0) == 0x80) { // not inside a multi-byte character
        n--;
      }
    }
    return new String(b, from, n, StandardCharsets.UTF_8);
  }
}
