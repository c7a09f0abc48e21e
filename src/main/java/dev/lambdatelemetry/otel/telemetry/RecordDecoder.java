package dev.lambdatelemetry.otel.telemetry;

import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import dev.lambdatelemetry.otel.telemetry.model.ExtensionState;
import dev.lambdatelemetry.otel.telemetry.model.InitReport;
import dev.lambdatelemetry.otel.telemetry.model.InitRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.InitStart;
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
import dev.lambdatelemetry.otel.telemetry.model.TelemetryRecord;
import dev.lambdatelemetry.otel.telemetry.model.TelemetrySubscription;
import dev.lambdatelemetry.otel.telemetry.model.Timestamps;
import dev.lambdatelemetry.otel.telemetry.model.Tracing;
import dev.lambdatelemetry.otel.telemetry.model.Unknown;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Decodes the {@code record} of one event, already a JSON tree, into the typed model: a {@link
 * LogLine} for {@code function}/{@code extension}, a record type per {@code platform.*} type, and
 * {@link Unknown} for an unknown type or a record of the wrong shape. How lenient each field is (see
 * {@link BatchParser} for the whole list):
 *
 * <ul>
 *   <li>every field is optional except {@code requestId} on {@code platform.start}, {@code
 *       platform.runtimeDone} and {@code platform.report}; unknown fields are ignored;
 *   <li>numbers are accepted as {@code 694}, {@code 694.0} or a numeric string; a non-integral value
 *       for an integer field is rounded; non-finite values are treated as absent;
 *   <li>{@code spans[]} elements without a name, a parseable start and a finite non-negative {@code
 *       durationMs} are dropped, their siblings and the parent kept;
 *   <li>lists ({@code spans}, {@code events}, {@code types}) are never null; a report without
 *       {@code metrics} gets {@link ReportMetrics#EMPTY}.
 * </ul>
 *
 * <p>Pure and stateless.
 */
final class RecordDecoder {

  private static final Logger LOG = Logger.getLogger(BatchParser.class);

  private RecordDecoder() {}

  /** Whether {@code type} is one of the {@code platform.*} types the model has a record for. */
  static boolean isKnownPlatformType(String type) {
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
  static TelemetryRecord toRecord(String type, JsonValue r) {
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
}
