package dev.lambdatelemetry.otel.telemetry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lambdatelemetry.otel.telemetry.model.ExtensionState;
import dev.lambdatelemetry.otel.telemetry.model.InitReport;
import dev.lambdatelemetry.otel.telemetry.model.InitRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.InitStart;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonNull;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.telemetry.model.JsonValue.JsonString;
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
import java.time.Instant;
import java.util.ArrayList;
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
 *   <li>a body that is not JSON, not an array, empty, truncated or badly encoded sets {@link
 *       ParseResult#malformedBody()} and yields the complete elements read before the fault.
 * </ul>
 *
 * <p>Lists in the produced records ({@code spans}, {@code events}, {@code types}) are never null; a
 * report without {@code metrics} gets {@link ReportMetrics#EMPTY}.
 *
 * <p>The body is read with Jackson's streaming parser, one element at a time (that is what makes a
 * truncated body still yield its complete elements); only {@code record} values become trees, and
 * string records, the bulk of a log-heavy batch, never do. Thread-safe: instances hold no mutable
 * state.
 */
public final class BatchParser {

  private static final Logger LOG = Logger.getLogger(BatchParser.class);

  /** Creates a parser (Jackson's streaming factory with its default read constraints). */
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
   * anything else (or nothing at all) makes the body malformed.
   */
  private ParseResult parseRootValues(byte[] body, Instant receivedAt) {
    // The time contract of TelemetryEvent is "never null"; a null receive time is a caller bug, but
    // this method must not throw.
    Batch batch = new Batch(receivedAt != null ? receivedAt : Instant.now());
    if (body == null || body.length == 0) {
      return batch.result(true);
    }
    boolean malformedBody = false;
    boolean sawRoot = false;
    try (JsonParser p = JsonReader.parser(body)) {
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        sawRoot = true;
        if (token == JsonToken.START_ARRAY) {
          while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
              throw new IllegalStateException("unterminated array"); // defensive: Jackson throws first
            }
            readElement(p, token, batch);
          }
        } else if (token == JsonToken.START_OBJECT) {
          readElement(p, token, batch);
        } else {
          malformedBody = true; // null, a string, a number... at the root
          p.skipChildren();
        }
      }
    } catch (Exception e) { // JsonProcessingException, StreamConstraintsException, IOException, ...
      malformedBody = true;
      LOG.debugf("Telemetry body malformed after %d events: %s", batch.events.size(), e.toString());
    }
    return batch.result(malformedBody || !sawRoot);
  }

  /** Reads one array element, the parser positioned on its first token. */
  private void readElement(JsonParser p, JsonToken token, Batch batch) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      p.skipChildren();
      batch.malformed("element is not an object", null);
      return;
    }
    String time = null;
    String type = null;
    JsonValue record = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "time" -> time = stringOrSkip(p, value);
        case "type" -> type = stringOrSkip(p, value);
        case "record" -> record = JsonReader.read(p, value);
        default -> p.skipChildren();
      }
    }
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
   * @param malformedElements array elements skipped (not an object, no usable type) or turned into
   *     {@link Unknown} because their record had the wrong shape
   * @param malformedBody the body itself was not a well-formed JSON array or object (not JSON,
   *     truncated, empty, not UTF-8, a bare scalar); {@code events} then holds what was read before
   *     the fault
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
    final List<TelemetryEvent> events = new ArrayList<>();
    int malformedElements;

    Batch(Instant receivedAt) {
      this.receivedAt = receivedAt;
    }

    void malformed(String why, String type) {
      malformedElements++;
      LOG.debugf("Malformed telemetry element (%s, type %s)", why, type);
    }

    ParseResult result(boolean malformedBody) {
      return new ParseResult(events, malformedElements, malformedBody);
    }
  }
}
