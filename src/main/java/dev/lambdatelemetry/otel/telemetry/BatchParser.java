package dev.lambdatelemetry.otel.telemetry;

import dev.lambdatelemetry.otel.json.JsonReader;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.lambdatelemetry.otel.telemetry.model.ExtensionState;
import dev.lambdatelemetry.otel.telemetry.model.InitReport;
import dev.lambdatelemetry.otel.telemetry.model.InitRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.InitStart;
import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNull;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import dev.lambdatelemetry.otel.telemetry.model.LogSource;
import dev.lambdatelemetry.otel.telemetry.model.LogsDropped;
import dev.lambdatelemetry.otel.telemetry.model.Report;
import dev.lambdatelemetry.otel.telemetry.model.ReportMetrics;
import dev.lambdatelemetry.otel.telemetry.model.RestoreReport;
import dev.lambdatelemetry.otel.telemetry.model.RestoreRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.RestoreStart;
import dev.lambdatelemetry.otel.telemetry.model.RuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.SpanRecord;
import dev.lambdatelemetry.otel.telemetry.model.Start;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryRecord;
import dev.lambdatelemetry.otel.telemetry.model.TelemetrySubscription;
import dev.lambdatelemetry.otel.telemetry.model.Timestamps;
import dev.lambdatelemetry.otel.telemetry.model.Tracing;
import dev.lambdatelemetry.otel.telemetry.model.Unknown;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Turns one Telemetry API delivery (an HTTP POST body, or one NDJSON line of the TCP protocol) into
 * typed {@link TelemetryEvent}s, tolerating every shape the platform has been seen to send and many it
 * has not.
 *
 * <p>Why tolerant: a batch that fails to parse cannot be retried into success, and one bad element
 * must not cost its neighbours (contract §3.3, §4, §6). So:
 *
 * <ul>
 *   <li>every record field is optional except {@code requestId} on {@code platform.start},
 *       {@code platform.runtimeDone} and {@code platform.report}, which nothing could correlate
 *       without; unknown fields are ignored;
 *   <li>an unknown {@code type} becomes {@link Unknown} (not counted as malformed: legacy and future
 *       types are legitimate); a known {@code platform.*} type whose record is not an object, or lacks
 *       its {@code requestId}, becomes {@link Unknown} and is counted malformed;
 *   <li>an array element that is not an object, or has no non-empty string {@code type}, is skipped
 *       and counted malformed;
 *   <li>numbers are accepted as {@code 694}, {@code 694.0} or a numeric string; a non-integral value
 *       for an integer field is rounded; non-finite values are treated as absent;
 *   <li>a missing or unparseable envelope {@code time} becomes the receive time;
 *   <li>{@code spans[]} elements without a name, a parseable start and a finite non-negative
 *       {@code durationMs} are dropped, their siblings and the parent kept;
 *   <li>a record beyond the bounds of {@link JsonReader} (nesting, name and number lengths, number
 *       of values: a function that logs an untrusted request body as JSON controls its log records),
 *       or read once the batch has read {@link #MAX_VALUES_PER_BATCH} values, is kept as its JSON text cut to {@link #MAX_KEPT_RECORD_BYTES}: a log line stays a (text)
 *       log line, a platform record becomes {@link Unknown} and is counted malformed; the element's
 *       {@code time} and {@code type} are read as usual;
 *   <li>an element that is not JSON (a syntax error, bad UTF-8) is skipped and counted malformed,
 *       and sets {@link ParseResult#malformedBody()}; the elements after it are still read;
 *   <li>a body that is not JSON, not an array, empty, truncated or badly encoded sets {@link
 *       ParseResult#malformedBody()} and yields every complete element it holds.
 * </ul>
 *
 * <p>Lists in the produced records ({@code spans}, {@code events}, {@code types}) are never null; a
 * report without {@code metrics} gets {@link ReportMetrics#EMPTY}.
 *
 * <p>How one bad element costs only itself. A Jackson parser that has thrown cannot go on, and
 * raising Jackson's constraints to skip anything would let a hostile body grow Jackson's nesting
 * context without bound. So the body is read in two ways:
 *
 * <ol>
 *   <li>the fast path, always tried first: one streaming parser over the whole body, one element at
 *       a time, only {@code record} values becoming trees (string records, the bulk of a log-heavy
 *       batch, never do); the batch is marked before each element;
 *   <li>at the first fault of any kind, the batch rolls back to the mark and the rest of the body
 *       is read element by element: {@link #valueEnd} finds where each element ends by scanning
 *       its bytes (strings and an int count of brackets: no stack, no tree, any depth), and each
 *       element gets its own parser over its bytes. A fault in one element is then confined to it:
 *       beyond a bound, its envelope is found again in its bytes and its record kept as text; not
 *       JSON, it is counted malformed. A truncated body still yields its complete elements.
 * </ol>
 *
 * <p>The slow path costs about 1.5 times the fast one, and only a body that faults pays it. The
 * byte scan does not validate: brackets of the wrong kind inside an element can make it end late
 * and take its neighbours with it, which a JSON serializer (the platform's) never writes. Thread
 * safe: instances hold no mutable state.
 */
public final class BatchParser {

  /**
   * Longest text kept of a record beyond the bounds of {@link JsonReader}, in UTF-8 bytes: enough
   * to see what the function logged, small enough that a hostile record costs little to export.
   */
  static final int MAX_KEPT_RECORD_BYTES = 16 * 1024;

  /**
   * Most values read into the record trees of one delivery (string records are free): about
   * 3.5 MiB of trees at most (measured: 70 bytes per object member, 20 per array element), what a
   * 256 KiB batch of structured logs needs several times over. Past it, a record is kept as text
   * like one beyond a bound of {@link JsonReader}, so that a body of records each just within the
   * bounds cannot fill the 24 MiB heap.
   */
  static final int MAX_VALUES_PER_BATCH = 50_000;

  private static final Logger LOG = Logger.getLogger(BatchParser.class);
  private static final byte[] TIME = "\"time\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TYPE = "\"type\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RECORD = "\"record\"".getBytes(StandardCharsets.US_ASCII);

  /** Creates a parser (Jackson's streaming factory with {@link JsonReader}'s read constraints). */
  public BatchParser() {}

  /**
   * Parses one HTTP POST body: a JSON array of {@code {time, type, record}} events. A single event
   * object instead of an array is accepted too, and so is a sequence of arrays or objects.
   *
   * @param body the raw request body (UTF-8); null is treated as empty
   * @param receivedAt the time substituted for a missing or unparseable envelope {@code time}
   * @return the events in body order and what was wrong with the rest; never throws
   */
  public ParseResult parse(byte[] body, Instant receivedAt) {
    return parseRootValues(body, receivedAt);
  }

  /**
   * Parses one line of the TCP protocol (NDJSON: one event object per line). A trailing line
   * terminator is allowed.
   *
   * @param line the line's bytes (UTF-8); null is treated as empty
   * @param receivedAt the time substituted for a missing or unparseable envelope {@code time}
   * @return normally one event; never throws
   */
  public ParseResult parseNdjsonLine(byte[] line, Instant receivedAt) {
    return parseRootValues(line, receivedAt);
  }

  /**
   * Reads every root-level JSON value: arrays contribute their elements, objects are one event each,
   * anything else (or nothing at all) makes the body malformed. One Jackson parser reads the body;
   * at its first fault the body is read again from the element that faulted, one element at a time
   * (see the class comment).
   */
  private ParseResult parseRootValues(byte[] body, Instant receivedAt) {
    // The time contract of TelemetryEvent is "never null"; a null receive time is a caller bug, but
    // this method must not throw.
    Batch batch = new Batch(receivedAt != null ? receivedAt : Instant.now());
    if (body == null || body.length == 0) {
      return batch.result(true);
    }
    byte[] b = utf8(body);
    int start = skipWhitespace(b, startAfterBom(b), b.length);
    if (start == b.length) {
      return batch.result(true);
    }
    try {
      batch.mark(start, false);
      if (!readWhole(b, batch)) {
        batch.rollBack();
        readByElement(b, batch.markOffset, batch.markInArray, batch);
      }
    } catch (RuntimeException e) { // defensive: this method never throws
      batch.malformedBody = true;
      LOG.debugf(e, "Telemetry body unreadable after %d events", batch.events.size());
    }
    return batch.result(batch.malformedBody);
  }

  /**
   * The fast path: the whole body with one parser, marking the batch at each element so that a
   * fault can be resumed from there. Returns false at the first fault of any kind.
   */
  private boolean readWhole(byte[] b, Batch batch) {
    try (JsonParser p = batch.json.createParser(b)) {
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        if (token == JsonToken.START_ARRAY) {
          while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
              throw new IOException("unterminated array"); // defensive: Jackson throws first
            }
            batch.mark(tokenOffset(p), true);
            if (token == JsonToken.START_OBJECT) {
              readEnvelope(p, token, batch);
            } else {
              p.skipChildren();
              batch.malformed("element is not an object", null);
            }
          }
        } else {
          batch.mark(tokenOffset(p), false);
          if (token == JsonToken.START_OBJECT) {
            readEnvelope(p, token, batch);
          } else {
            batch.malformedBody = true; // null, a string, a number... at the root
            p.skipChildren();
          }
        }
      }
      return true;
    } catch (IOException | RuntimeException e) { // StreamConstraintsException, JsonParseException...
      LOG.debugf("Telemetry body: fault after %d events, read again by element: %s",
          batch.events.size(), e.getMessage());
      return false;
    }
  }

  private static int tokenOffset(JsonParser p) {
    return (int) p.currentTokenLocation().getByteOffset();
  }

  /**
   * The slow path, from {@code from}: each value's extent found by {@link #valueEnd}, each element
   * parsed on its own, so that a fault costs only its element.
   *
   * @param inArray {@code from} is an element of a root array, not a root value
   */
  private void readByElement(byte[] b, int from, boolean inArray, Batch batch) {
    int end = b.length;
    int i = from;
    if (inArray) {
      i = readElements(b, i, end, batch);
      if (i < 0) {
        batch.malformedBody = true;
        return;
      }
      i = skipWhitespace(b, i, end);
    }
    while (i < end) {
      int valueEnd;
      if (b[i] == '[') {
        int first = skipWhitespace(b, i + 1, end);
        valueEnd = first < end && b[first] == ']' ? first + 1 : readElements(b, first, end, batch);
      } else {
        valueEnd = valueEnd(b, i, end);
        if (valueEnd > i && b[i] == '{') {
          readElement(b, i, valueEnd, batch);
        } else {
          batch.malformedBody = true; // null, a string, a number... at the root
        }
      }
      if (valueEnd <= i) { // truncated, or a ',' or closer where a value belongs
        batch.malformedBody = true;
        LOG.debugf("Telemetry body malformed at byte %d, after %d events", i, batch.events.size());
        return;
      }
      i = skipWhitespace(b, valueEnd, end);
    }
  }

  /**
   * Reads array elements from the one at {@code from}; returns the index after the array's closing
   * bracket, or -1 when the array is truncated or broken there (the elements read so far stay).
   */
  private int readElements(byte[] b, int from, int end, Batch batch) {
    int i = from;
    while (i < end) {
      int elementEnd = valueEnd(b, i, end);
      if (elementEnd <= i) {
        return -1;
      }
      readElement(b, i, elementEnd, batch);
      i = skipWhitespace(b, elementEnd, end);
      if (i == end || b[i] == ']') {
        return i == end ? -1 : i + 1;
      }
      if (b[i] != ',') {
        return -1;
      }
      i = skipWhitespace(b, i + 1, end);
    }
    return -1;
  }

  /** Reads the element {@code b[from, to)}: one complete JSON value by {@link #valueEnd}. */
  private void readElement(byte[] b, int from, int to, Batch batch) {
    if (b[from] != '{') {
      batch.malformed("element is not an object", null); // not parsed, so not checked for syntax
      return;
    }
    try (JsonParser p = batch.json.createParser(b, from, to - from)) {
      readEnvelope(p, p.nextToken(), batch);
    } catch (StreamConstraintsException e) { // JsonReader's bounds, or Jackson's own
      LOG.debugf("Telemetry element of %d bytes beyond the reader's bounds: %s", to - from, e.getMessage());
      readOversizedElement(b, from, to, batch);
    } catch (IOException | RuntimeException e) { // not JSON: the element is lost, not its neighbours
      batch.malformedBody = true;
      LOG.debugf("Telemetry element of %d bytes is not JSON: %s", to - from, e.getMessage());
      batch.malformed("element is not JSON", null);
    }
  }

  /** Reads one event object with Jackson, the parser positioned on its first token. */
  private void readEnvelope(JsonParser p, JsonToken token, Batch batch) throws IOException {
    String time = null;
    String type = null;
    JsonValue record = null;
    if (token != JsonToken.START_OBJECT) {
      throw new IOException("not an object"); // defensive: readElement saw a '{'
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "time" -> time = stringOrSkip(p, value);
        case "type" -> type = stringOrSkip(p, value);
        case "record" -> record = JsonReader.read(p, value, batch.budget);
        default -> p.skipChildren();
      }
    }
    addEvent(time, type, record, batch);
  }

  /**
   * An event object that broke a bound of {@link JsonReader} (too deep, a name or number too long,
   * too many values): its top-level members are found again in the bytes, {@code time} and {@code
   * type} read as usual, and a record that still does not fit is kept as its JSON text, cut to
   * {@link #MAX_KEPT_RECORD_BYTES}, so that a hostile log line survives as a text line. Names are
   * matched on their bytes: the platform never escapes {@code time}, {@code type} or {@code record}.
   */
  private void readOversizedElement(byte[] b, int from, int to, Batch batch) {
    String time = null;
    String type = null;
    int recordFrom = -1;
    int recordTo = -1;
    int i = skipWhitespace(b, from + 1, to);
    while (i < to && b[i] == '"') {
      int nameEnd = stringEnd(b, i, to);
      int colon = nameEnd < 0 ? to : skipWhitespace(b, nameEnd, to);
      if (colon == to || b[colon] != ':') {
        break;
      }
      int valueFrom = skipWhitespace(b, colon + 1, to);
      int valueTo = valueEnd(b, valueFrom, to);
      if (valueTo <= valueFrom) {
        break;
      }
      if (nameIs(b, i, nameEnd, TIME)) {
        time = stringAt(b, valueFrom, valueTo);
      } else if (nameIs(b, i, nameEnd, TYPE)) {
        type = stringAt(b, valueFrom, valueTo);
      } else if (nameIs(b, i, nameEnd, RECORD)) {
        recordFrom = valueFrom;
        recordTo = valueTo;
      }
      i = skipWhitespace(b, valueTo, to);
      if (i == to || b[i] != ',') {
        break;
      }
      i = skipWhitespace(b, i + 1, to);
    }
    JsonValue record = null;
    if (recordFrom >= 0) {
      // The batch's budget is for what functions log: a platform record (the platform's own, few
      // and small) is read whatever is left of it, so that no runtimeDone is lost to a budget.
      JsonReader.Budget budget = type != null && isKnownPlatformType(type) ? null : batch.budget;
      record = JsonReader.parseOrNull(b, recordFrom, recordTo - recordFrom, budget);
      if (record == null) {
        record = new JsonString(utf8Prefix(b, recordFrom, recordTo, MAX_KEPT_RECORD_BYTES));
      }
    }
    addEvent(time, type, record, batch);
  }

  /** Adds the event of these envelope fields, or counts it malformed when it has no usable type. */
  private void addEvent(String time, String type, JsonValue record, Batch batch) {
    if (type == null || type.isEmpty()) {
      batch.malformed("element has no usable type", null);
      return;
    }
    Instant instant = Timestamps.parse(time);
    if (instant == null) {
      instant = batch.receivedAt;
    }
    TelemetryRecord typed = toRecord(type, record == null ? JsonNull.INSTANCE : record);
    if (typed instanceof Unknown && isKnownPlatformType(type)) {
      batch.malformed("record has the wrong shape", type);
    }
    batch.events.add(new TelemetryEvent(instant, type, typed));
  }

  private static String stringOrSkip(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren(); // an object or array where a string belongs
    return null;
  }

  // ------------------------------------------------------------ byte-level scanning
  // Structural bytes of JSON are ASCII and never occur inside a multi-byte UTF-8 sequence, so the
  // scan works on the bytes without decoding them.

  /**
   * The index just past the JSON value starting at {@code from} (after skipped whitespace), found
   * without parsing it: a string ends at its closing quote, an object or array where its brackets
   * balance (an int count, so any depth costs nothing), anything else before the next comma,
   * closer or whitespace. Returns {@code from} when no value starts there (a comma or a closer),
   * -1 when {@code to} comes first inside a string or container (a truncated body). The value is
   * not validated: a malformed one fails later, when it is parsed, and costs only itself.
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
  private static int stringEnd(byte[] b, int quote, int to) {
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

  private static int skipWhitespace(byte[] b, int from, int to) {
    int i = from;
    while (i < to && isWhitespace(b[i])) {
      i++;
    }
    return i;
  }

  private static boolean isWhitespace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private static int startAfterBom(byte[] b) {
    return b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF
        ? 3 : 0;
  }

  /** Whether {@code b[from, to)} is exactly {@code name} (quotes included). */
  private static boolean nameIs(byte[] b, int from, int to, byte[] name) {
    return to - from == name.length && Arrays.equals(b, from, to, name, 0, name.length);
  }

  /** The string value at {@code b[from, to)}, or null when it is not a string. */
  private static String stringAt(byte[] b, int from, int to) {
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

  /**
   * The body as UTF-8. The platform sends UTF-8; UTF-16 and UTF-32, which JSON once allowed and
   * Jackson detects, are recognised by their BOM or zero bytes (RFC 4627 §3) and transcoded.
   */
  private static byte[] utf8(byte[] body) {
    Charset charset = wideCharset(body);
    if (charset == null) {
      return body;
    }
    String text = new String(body, charset);
    return (text.startsWith("\uFEFF") ? text.substring(1) : text).getBytes(StandardCharsets.UTF_8);
  }

  private static Charset wideCharset(byte[] b) {
    if (b.length < 2) {
      return null;
    }
    int b0 = b[0] & 0xFF;
    int b1 = b[1] & 0xFF;
    boolean zeros23 = b.length >= 4 && b[2] == 0 && b[3] == 0;
    if (b0 == 0xFE && b1 == 0xFF) {
      return StandardCharsets.UTF_16BE;
    }
    if (b0 == 0xFF && b1 == 0xFE) {
      return zeros23 ? Charset.forName("UTF-32LE") : StandardCharsets.UTF_16LE;
    }
    if (b0 == 0) {
      return b1 == 0 ? Charset.forName("UTF-32BE") : StandardCharsets.UTF_16BE;
    }
    if (b1 == 0) {
      return zeros23 ? Charset.forName("UTF-32LE") : StandardCharsets.UTF_16LE;
    }
    return null;
  }

  private static boolean isKnownPlatformType(String type) {
    return switch (type) {
      case "platform.initStart",
          "platform.initRuntimeDone",
          "platform.initReport",
          "platform.start",
          "platform.runtimeDone",
          "platform.report",
          "platform.restoreStart",
          "platform.restoreRuntimeDone",
          "platform.restoreReport",
          "platform.extension",
          "platform.telemetrySubscription",
          "platform.logsDropped" -> true;
      default -> false;
    };
  }

  /** The typed record, or {@link Unknown} for an unknown type or a record of the wrong shape. */
  private static TelemetryRecord toRecord(String type, JsonValue r) {
    switch (type) {
      case "function":
        return logLine(LogSource.FUNCTION, r);
      case "extension":
        return logLine(LogSource.EXTENSION, r);
      default:
        break;
    }
    if (!(r instanceof JsonObject) || !isKnownPlatformType(type)) {
      return new Unknown(type, r);
    }
    return switch (type) {
      case "platform.initStart" -> new InitStart(
          text(r, "initializationType"),
          text(r, "phase"),
          text(r, "runtimeVersion"),
          runtimeVersionArn(r),
          text(r, "functionName"),
          text(r, "functionVersion"),
          text(r, "instanceId"),
          integer(r.get("instanceMaxMemory")),
          text(r, "functionArn"));
      case "platform.initRuntimeDone" -> new InitRuntimeDone(
          text(r, "initializationType"),
          text(r, "phase"),
          text(r, "status"),
          text(r, "errorType"),
          spans(r));
      case "platform.initReport" -> new InitReport(
          text(r, "initializationType"),
          text(r, "phase"),
          text(r, "status"),
          text(r, "errorType"),
          decimal(member(r, "metrics", "durationMs")),
          spans(r));
      case "platform.start" -> hasRequestId(r)
          ? new Start(
              text(r, "requestId"),
              text(r, "version"),
              tracing(r),
              text(r, "functionArn"),
              text(r, "tenantId"))
          : new Unknown(type, r);
      case "platform.runtimeDone" -> hasRequestId(r)
          ? new RuntimeDone(
              text(r, "requestId"),
              text(r, "status"),
              text(r, "errorType"),
              decimal(member(r, "metrics", "durationMs")),
              integer(member(r, "metrics", "producedBytes")),
              spans(r),
              tracing(r),
              text(r, "tenantId"))
          : new Unknown(type, r);
      case "platform.report" -> hasRequestId(r)
          ? new Report(
              text(r, "requestId"),
              text(r, "status"),
              text(r, "errorType"),
              reportMetrics(r.get("metrics")),
              spans(r),
              tracing(r),
              text(r, "tenantId"))
          : new Unknown(type, r);
      case "platform.restoreStart" -> new RestoreStart(
          text(r, "functionName"),
          text(r, "functionVersion"),
          text(r, "instanceId"),
          integer(r.get("instanceMaxMemory")),
          text(r, "runtimeVersion"),
          runtimeVersionArn(r));
      case "platform.restoreRuntimeDone" -> new RestoreRuntimeDone(
          text(r, "status"), text(r, "errorType"), spans(r));
      case "platform.restoreReport" -> new RestoreReport(
          text(r, "status"),
          text(r, "errorType"),
          decimal(member(r, "metrics", "durationMs")),
          spans(r));
      case "platform.extension" -> new ExtensionState(
          text(r, "name"), text(r, "state"), strings(r.get("events")), text(r, "errorType"));
      case "platform.telemetrySubscription" -> new TelemetrySubscription(
          text(r, "name"), text(r, "state"), strings(r.get("types")));
      case "platform.logsDropped" -> new LogsDropped(
          orZero(integer(r.get("droppedRecords"))),
          orZero(integer(r.get("droppedBytes"))),
          text(r, "reason"));
      default -> new Unknown(type, r);
    };
  }

  /** String record → text; object → JSON log; anything else → its JSON text, so no line is lost. */
  private static LogLine logLine(LogSource source, JsonValue r) {
    if (r instanceof JsonString s) {
      return new LogLine(source, s.value(), null);
    }
    if (r instanceof JsonObject o) {
      return new LogLine(source, null, o);
    }
    return new LogLine(source, r.toString(), null);
  }

  /** {@code r.outer.inner}, or null when either is absent. */
  private static JsonValue member(JsonValue r, String outer, String inner) {
    JsonValue o = r.get(outer);
    return o == null ? null : o.get(inner);
  }

  private static boolean hasRequestId(JsonValue r) {
    String requestId = text(r, "requestId");
    return requestId != null && !requestId.isEmpty();
  }

  /** The 2022 docs called it {@code runtimeArn}; standalone RAPID emits both keys. */
  private static String runtimeVersionArn(JsonValue r) {
    String arn = text(r, "runtimeVersionArn");
    return arn != null ? arn : text(r, "runtimeArn");
  }

  private static ReportMetrics reportMetrics(JsonValue m) {
    if (!(m instanceof JsonObject)) {
      return ReportMetrics.EMPTY;
    }
    return new ReportMetrics(
        decimal(m.get("durationMs")),
        integer(m.get("billedDurationMs")),
        integer(m.get("memorySizeMB")),
        integer(m.get("maxMemoryUsedMB")),
        decimal(m.get("initDurationMs")),
        decimal(m.get("restoreDurationMs")),
        integer(m.get("billedRestoreDurationMs")));
  }

  private static Tracing tracing(JsonValue r) {
    JsonValue t = r.get("tracing");
    if (!(t instanceof JsonObject)) {
      return null;
    }
    return new Tracing(text(t, "spanId"), text(t, "type"), text(t, "value"));
  }

  /** The valid elements of {@code spans[]}; see the class comment for what is dropped. */
  private static List<SpanRecord> spans(JsonValue r) {
    if (!(r.get("spans") instanceof JsonArray spans) || spans.elements().isEmpty()) {
      return List.of();
    }
    List<SpanRecord> out = new ArrayList<>(spans.elements().size());
    for (JsonValue s : spans.elements()) {
      String name = s instanceof JsonObject ? text(s, "name") : null;
      Instant start = name == null ? null : Timestamps.parse(text(s, "start"));
      Double duration = start == null ? null : decimal(s.get("durationMs"));
      if (name == null || name.isEmpty() || start == null || duration == null || duration < 0) {
        LOG.debugf("Skipping unusable span element %s", s);
        continue;
      }
      out.add(new SpanRecord(name, start, duration));
    }
    return List.copyOf(out);
  }

  private static List<String> strings(JsonValue value) {
    if (!(value instanceof JsonArray array) || array.elements().isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(array.elements().size());
    for (JsonValue e : array.elements()) {
      if (e instanceof JsonString s) {
        out.add(s.value());
      }
    }
    return List.copyOf(out);
  }

  /** A string field; a number or boolean is accepted as its text, anything else is absent. */
  private static String text(JsonValue r, String field) {
    JsonValue v = r.get(field);
    return v == null ? null : v.scalarText();
  }

  /** A decimal from a number or numeric string; null when absent, non-numeric or non-finite. */
  private static Double decimal(JsonValue v) {
    if (v == null) {
      return null;
    }
    double d;
    if (v instanceof JsonNumber n) {
      d = n.doubleValue();
    } else if (v instanceof JsonString s) {
      d = parseDouble(s.value().trim());
    } else {
      return null;
    }
    return Double.isFinite(d) ? d : null;
  }

  /** An integer from {@code 694}, {@code 694.0} or {@code "694"}; fractions round to nearest. */
  private static Long integer(JsonValue v) {
    if (v == null) {
      return null;
    }
    if (v instanceof JsonNumber n && n.isIntegral()) {
      return n.longValue(); // null beyond the long range
    }
    if (v instanceof JsonString text) {
      String s = text.value().trim();
      if (!s.isEmpty() && s.length() <= 18 && isPlainInteger(s)) {
        return Long.parseLong(s); // the common case, without a Double detour
      }
    }
    Double d = decimal(v);
    if (d == null || d < Long.MIN_VALUE || d > Long.MAX_VALUE) {
      return null;
    }
    return Math.round(d);
  }

  private static boolean isPlainInteger(String s) {
    int i = s.charAt(0) == '-' ? 1 : 0;
    if (i == s.length()) {
      return false;
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static double parseDouble(String s) {
    if (s.isEmpty()) {
      return Double.NaN;
    }
    // Double.parseDouble accepts "NaN", "Infinity", hex and a trailing 'd'/'f'; the isFinite check
    // catches the first two, the rest are harmless. Reject the obvious non-numbers without an
    // exception, since this runs per field.
    char c = s.charAt(0);
    if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static long orZero(Long value) {
    return value == null ? 0L : value;
  }

  /**
   * The outcome of parsing one delivery.
   *
   * @param events the events read, in delivery order; never null, unmodifiable
   * @param malformedElements array elements skipped (not an object, not JSON, no usable type) or
   *     turned into {@link Unknown} because their record had the wrong shape (or broke a bound)
   * @param malformedBody the body itself was not a well-formed JSON array or object (not JSON,
   *     truncated, empty, not UTF-8, a bare scalar, an element not JSON); {@code events} then holds
   *     every complete element that could be read
   */
  public record ParseResult(
      List<TelemetryEvent> events, int malformedElements, boolean malformedBody) {

    /** Copies {@code events}, so a result never changes after it is returned. */
    public ParseResult {
      events = List.copyOf(events);
    }
  }

  /** Accumulates one parse. */
  private static final class Batch {
    final Instant receivedAt;
    final JsonFactory json = JsonReader.factory();
    final JsonReader.Budget budget = new JsonReader.Budget(MAX_VALUES_PER_BATCH);
    final List<TelemetryEvent> events = new ArrayList<>();
    int malformedElements;
    boolean malformedBody;
    // The state before the element being read, to resume from after a fault.
    int markOffset;
    boolean markInArray;
    private int markEvents;
    private int markMalformedElements;
    private boolean markMalformedBody;
    private int markBudget;

    Batch(Instant receivedAt) {
      this.receivedAt = receivedAt;
    }

    void malformed(String why, String type) {
      malformedElements++;
      LOG.debugf("Malformed telemetry element (%s, type %s)", why, type);
    }

    /** Marks the state before the value at {@code offset} (an array element when {@code inArray}). */
    void mark(int offset, boolean inArray) {
      markOffset = offset;
      markInArray = inArray;
      markEvents = events.size();
      markMalformedElements = malformedElements;
      markMalformedBody = malformedBody;
      markBudget = budget.left();
    }

    /** Forgets what was read since the mark: it is read again. */
    void rollBack() {
      events.subList(markEvents, events.size()).clear();
      malformedElements = markMalformedElements;
      malformedBody = markMalformedBody;
      budget.reset(markBudget);
    }

    ParseResult result(boolean malformedBody) {
      return new ParseResult(events, malformedElements, malformedBody);
    }
  }
}
