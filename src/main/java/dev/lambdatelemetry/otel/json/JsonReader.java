package dev.lambdatelemetry.otel.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.json.JsonValue.JsonBoolean;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNull;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link JsonValue} trees with Jackson's streaming parser (jackson-core only; see {@link
 * JsonValue} for why not data binding). Thread-safe: parsers come from a shared factory ({@link
 * #factory()}), replaced when its table of member names grows.
 *
 * <p>Bounded, because a function that logs an untrusted request body as JSON controls the record
 * trees read here, and the layer's JVM runs with a 256 KiB thread stack and a 24 MiB heap:
 *
 * <ul>
 *   <li>the reader keeps its open containers on an explicit stack, never the thread's, so no input
 *       can overflow it;
 *   <li>a tree is at most {@link #MAX_DEPTH} containers deep, because everything downstream that
 *       walks a tree (JSON output, OTLP values, their encoding) recurses once per level;
 *   <li>a tree holds at most {@link #MAX_VALUES} values, which bounds its memory (an array of
 *       {@code 0,} costs about ten times its bytes once read); a {@link Budget} bounds several
 *       trees together;
 *   <li>the factory's read constraints stop a member name past {@link #MAX_NAME_LENGTH} characters
 *       and a number past {@link #MAX_NUMBER_LENGTH} characters before either is decoded (a long
 *       name would weigh in Jackson's shared name table; a long number costs quadratic time to
 *       convert), and nesting past a record's {@link #MAX_DEPTH} inside a batch's array and an
 *       event's envelope, so that even a skipped value cannot grow Jackson's own context chain.
 * </ul>
 *
 * <p>Strings keep Jackson's default bound (20 M characters): the listener already bounds a body,
 * and a long log line is legitimate. Beyond a bound the read fails with a {@link
 * StreamConstraintsException}, like Jackson's own constraints, so a caller tells "valid but too big"
 * from "not JSON" with one {@code instanceof}.
 */
public final class JsonReader {

  /** Deepest tree read: 64 containers, far beyond any structured log, a small stack when walked. */
  public static final int MAX_DEPTH = 64;
  /** Most values in one tree, containers included. */
  public static final int MAX_VALUES = 10_000;
  /** Longest member name, in characters. */
  public static final int MAX_NAME_LENGTH = 1024;
  /** Longest number, in characters: more digits than a double or a 128-bit integer has. */
  public static final int MAX_NUMBER_LENGTH = 64;

  /**
   * Most member names kept in the shared name table before the factory holding it is replaced:
   * far more than the platform's and a function's usual keys, few enough to weigh little.
   */
  static final int MAX_SHARED_NAMES = 500;

  private static volatile Factory factory = new Factory();

  private JsonReader() {}

  /**
   * The factory to read with, bounded like every reader here. Its parsers share a table of
   * canonical member names (so that a batch's thousands of {@code "time"} and {@code "type"} cost
   * one String each), which Jackson grows up to about 6 000 names of up to {@link #MAX_NAME_LENGTH}
   * characters and never shrinks: a function logging JSON with names of its choosing would fill it
   * (measured: 11 MiB kept with 1 KiB names, half the layer's heap). So a factory whose table holds
   * more than {@link #MAX_SHARED_NAMES} names is replaced by a fresh one. Canonical names also keep
   * Jackson on its fast UTF-8 parser, which rejects malformed UTF-8 instead of replacing it.
   */
  public static JsonFactory factory() {
    return factoryNow();
  }

  private static Factory factoryNow() {
    Factory f = factory;
    if (f.names() > MAX_SHARED_NAMES) {
      f = new Factory(); // a race only makes two: either is right
      factory = f;
    }
    return f;
  }

  /** The names in the shared table of the factory {@link #factory()} would return now. */
  static int sharedNames() {
    return factoryNow().names();
  }

  /** A parser over {@code bytes} (UTF-8, or UTF-16/32 with a BOM as JSON allows). */
  public static JsonParser parser(byte[] bytes) throws IOException {
    return factory().createParser(bytes);
  }

  /** A parser over {@code length} bytes of {@code bytes} from {@code offset}, not copied. */
  public static JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
    return factory().createParser(bytes, offset, length);
  }

  /**
   * The single JSON value of {@code bytes}, or null when they are not exactly one well-formed value
   * within the bounds of this class (empty, truncated, trailing garbage, not JSON, too deep or too
   * large). Never throws.
   */
  public static JsonValue parseOrNull(byte[] bytes) {
    return bytes == null ? null : parseOrNull(bytes, 0, bytes.length);
  }

  /** {@link #parseOrNull(byte[])} of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static JsonValue parseOrNull(byte[] bytes, int offset, int length) {
    return parseOrNull(bytes, offset, length, null);
  }

  /** {@link #parseOrNull(byte[], int, int)} spending {@code budget} (null: none). */
  public static JsonValue parseOrNull(byte[] bytes, int offset, int length, Budget budget) {
    if (bytes == null || length <= 0) {
      return null;
    }
    try (JsonParser p = factory().createParser(bytes, offset, length)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return null;
      }
      JsonValue value = read(p, first, budget);
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
   * Reads the value whose first token is {@code token}, leaving the parser on its last token.
   * Strings, the common case of a log-heavy batch, cost one object.
   *
   * @throws StreamConstraintsException when the value is deeper or larger than the bounds of this
   *     class; the parser is then somewhere inside the value
   * @throws IOException when the input is not JSON
   */
  public static JsonValue read(JsonParser p, JsonToken token) throws IOException {
    return read(p, token, null);
  }

  /**
   * {@link #read(JsonParser, JsonToken)}, each value also spent from {@code budget} (null: none).
   *
   * @throws StreamConstraintsException also when the budget is spent
   */
  public static JsonValue read(JsonParser p, JsonToken token, Budget budget) throws IOException {
    if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
      return scalar(p, token); // free: a scalar costs about its bytes, no more
    }
    if (budget != null) {
      budget.spend();
    }
    // Open containers, innermost last; a container's frame is popped and added to its parent's
    // when its end token arrives.
    List<Container> open = null; // allocated at the first nested container: most are flat
    Container current = new Container(token == JsonToken.START_OBJECT);
    int values = 1;
    while (true) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IOException("unterminated value"); // defensive: Jackson throws first
      }
      switch (t) {
        case FIELD_NAME -> current.name = p.currentName();
        case END_OBJECT, END_ARRAY -> {
          JsonValue done = current.value();
          if (open == null || open.isEmpty()) {
            return done;
          }
          current = open.remove(open.size() - 1);
          current.add(done);
        }
        default -> {
          if (++values > MAX_VALUES) {
            throw new StreamConstraintsException("more than " + MAX_VALUES + " values");
          }
          if (budget != null) {
            budget.spend();
          }
          if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            if (open == null) {
              open = new ArrayList<>();
            } else if (open.size() + 2 > MAX_DEPTH) {
              throw new StreamConstraintsException("deeper than " + MAX_DEPTH + " levels");
            }
            open.add(current);
            current = new Container(t == JsonToken.START_OBJECT);
          } else {
            current.add(scalar(p, t));
          }
        }
      }
    }
  }

  private static JsonValue scalar(JsonParser p, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> new JsonString(p.getText());
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

  /**
   * Values that several reads may still make, together: {@link #MAX_VALUES} bounds one tree, a
   * budget bounds the trees of a whole batch, whose elements could otherwise each stay just within
   * the bound (measured: a body of objects costs 8 times its bytes once read, arrays of {@code 0}
   * 10 times).
   */
  public static final class Budget {
    private int left;

    /** A budget of {@code values} values. */
    public Budget(int values) {
      left = values;
    }

    /** The values left. */
    public int left() {
      return left;
    }

    /** Sets the values left (to undo reads that are made again). */
    public void reset(int values) {
      left = values;
    }

    void spend() throws StreamConstraintsException {
      if (--left < 0) {
        left = 0;
        throw new StreamConstraintsException("value budget spent");
      }
    }
  }

  /** Jackson's factory with the bounds of this class, telling the size of its name table. */
  private static final class Factory extends JsonFactory {
    Factory() {
      super(new JsonFactoryBuilder()
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES) // nothing compares names by identity
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(MAX_DEPTH + 2) // + a batch's array and an event's {time, type, record}
              .maxNameLength(MAX_NAME_LENGTH)
              .maxNumberLength(MAX_NUMBER_LENGTH)
              .build()));
    }

    int names() {
      return _byteSymbolCanonicalizer.size();
    }
  }

  /** An object or array being read. */
  private static final class Container {
    final Map<String, JsonValue> members;
    final List<JsonValue> elements;
    String name;

    Container(boolean object) {
      members = object ? new LinkedHashMap<>() : null;
      elements = object ? null : new ArrayList<>();
    }

    void add(JsonValue value) {
      if (members != null) {
        members.put(name, value);
      } else {
        elements.add(value);
      }
    }

    JsonValue value() {
      return members != null ? new JsonObject(members) : new JsonArray(elements);
    }
  }
}
