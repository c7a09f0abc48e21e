package dev.lambdatelemetry.otel.testing;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders what an OTLP receiver got as text a person can read in a terminal: a trace tree per trace,
 * the log records in time order, and the last value of each metric.
 */
public final class TelemetryPrinter {

  private static final HexFormat HEX = HexFormat.of();
  private static final Set<String> SPAN_KEYS =
      Set.of("faas.invocation_id", "faas.coldstart", "error.type", "aws.lambda.init.type",
          "aws.lambda.init.phase", "aws.lambda.billed_duration_ms", "aws.lambda.max_memory_used_mb");
  private static final int BODY_WIDTH = 110;

  private TelemetryPrinter() {}

  /** The whole report. */
  public static String render(
      List<ResourceSpans> spans, List<ResourceLogs> logs, List<ResourceMetrics> metrics) {
    StringBuilder b = new StringBuilder();
    b.append(resource(spans, logs, metrics));
    b.append(traces(spans));
    b.append(logs(logs));
    b.append(metrics(metrics));
    return b.toString();
  }

  static String resource(
      List<ResourceSpans> spans, List<ResourceLogs> logs, List<ResourceMetrics> metrics) {
    List<KeyValue> attrs =
        !spans.isEmpty() ? spans.get(0).getResource().getAttributesList()
            : !logs.isEmpty() ? logs.get(0).getResource().getAttributesList()
            : !metrics.isEmpty() ? metrics.get(0).getResource().getAttributesList()
            : List.of();
    StringBuilder b = new StringBuilder("== Resource\n");
    for (KeyValue kv : attrs) {
      b.append("   ").append(kv.getKey()).append(" = ").append(value(kv.getValue())).append('\n');
    }
    return b.toString();
  }

  static String traces(List<ResourceSpans> resourceSpans) {
    List<Span> all = new ArrayList<>();
    resourceSpans.forEach(rs -> rs.getScopeSpansList().forEach(ss -> all.addAll(ss.getSpansList())));
    Map<String, List<Span>> byTrace = new LinkedHashMap<>();
    all.stream()
        .sorted(Comparator.comparingLong(Span::getStartTimeUnixNano))
        .forEach(s -> byTrace.computeIfAbsent(hex(s.getTraceId().toByteArray()), k -> new ArrayList<>()).add(s));
    StringBuilder b = new StringBuilder("\n== Traces (" + all.size() + " spans)\n");
    for (Map.Entry<String, List<Span>> e : byTrace.entrySet()) {
      b.append("trace ").append(e.getKey()).append('\n');
      Set<String> ids = e.getValue().stream().map(s -> hex(s.getSpanId().toByteArray()))
          .collect(Collectors.toSet());
      for (Span s : e.getValue()) {
        if (!ids.contains(hex(s.getParentSpanId().toByteArray()))) {
          tree(b, s, e.getValue(), 1);
        }
      }
    }
    return b.toString();
  }

  private static void tree(StringBuilder b, Span s, List<Span> trace, int depth) {
    double ms = (s.getEndTimeUnixNano() - s.getStartTimeUnixNano()) / 1e6;
    b.append("  ".repeat(depth)).append(depth == 1 ? "● " : "└ ").append(s.getName())
        .append(String.format(" [%s] %.3f ms", kind(s.getKind()), ms));
    if (s.getStatus().getCodeValue() == 2) {
      b.append(" ERROR");
    }
    String attrs = s.getAttributesList().stream()
        .filter(kv -> SPAN_KEYS.contains(kv.getKey()))
        .map(kv -> kv.getKey() + "=" + value(kv.getValue()))
        .collect(Collectors.joining(" "));
    if (!attrs.isEmpty()) {
      b.append("  ").append(attrs);
    }
    b.append('\n');
    String id = hex(s.getSpanId().toByteArray());
    trace.stream()
        .filter(c -> id.equals(hex(c.getParentSpanId().toByteArray())))
        .forEach(c -> tree(b, c, trace, depth + 1));
  }

  static String logs(List<ResourceLogs> resourceLogs) {
    List<LogRecord> all = new ArrayList<>();
    resourceLogs.forEach(rl -> rl.getScopeLogsList().forEach(sl -> all.addAll(sl.getLogRecordsList())));
    all.sort(Comparator.comparingLong(LogRecord::getTimeUnixNano));
    StringBuilder b = new StringBuilder("\n== Logs (" + all.size() + " records)\n");
    for (LogRecord r : all) {
      String body = value(r.getBody()).replace("\n", "⏎").replace("\t", " ");
      if (body.length() > BODY_WIDTH) {
        body = body.substring(0, BODY_WIDTH - 1) + "…";
      }
      String source = attr(r.getAttributesList(), "aws.lambda.log.source");
      String request = attr(r.getAttributesList(), "faas.invocation_id");
      b.append(String.format("  %s %-5s %-9s %s%s%n",
          Instant.ofEpochSecond(0, r.getTimeUnixNano()).toString().substring(11),
          r.getSeverityText().isEmpty() ? severity(r.getSeverityNumberValue()) : r.getSeverityText(),
          source.isEmpty() ? "" : source,
          body,
          request.isEmpty() ? "" : "  [" + request.substring(0, Math.min(8, request.length())) + "]"));
    }
    return b.toString();
  }

  public static String metrics(List<ResourceMetrics> resourceMetrics) {
    // Cumulative metrics: the last data point received is the current value.
    Map<String, String> last = new TreeMap<>();
    resourceMetrics.forEach(rm -> rm.getScopeMetricsList().forEach(sm -> sm.getMetricsList()
        .forEach(m -> last.put(m.getName(), describe(m)))));
    StringBuilder b = new StringBuilder("\n== Metrics (" + last.size() + ")\n");
    last.forEach((k, v) -> b.append(String.format("  %-42s %s%n", k, v)));
    return b.toString();
  }

  private static String describe(Metric m) {
    String unit = m.getUnit().isEmpty() ? "" : " " + m.getUnit();
    return switch (m.getDataCase()) {
      case SUM -> m.getSum().getDataPointsList().stream()
          .map(p -> number(p) + unit + labels(p.getAttributesList()))
          .collect(Collectors.joining(", "));
      case GAUGE -> m.getGauge().getDataPointsList().stream()
          .map(p -> number(p) + unit).collect(Collectors.joining(", "));
      case HISTOGRAM -> m.getHistogram().getDataPointsList().stream()
          .map(p -> String.format("count=%d sum=%.6f%s%s", p.getCount(), p.getSum(), unit,
              labels(p.getAttributesList())))
          .collect(Collectors.joining(", "));
      default -> m.getDataCase().toString();
    };
  }

  private static String labels(List<KeyValue> attrs) {
    return attrs.isEmpty() ? "" : " " + attrs.stream()
        .map(kv -> kv.getKey() + "=" + value(kv.getValue())).collect(Collectors.joining(",", "{", "}"));
  }

  private static String number(NumberDataPoint p) {
    return p.getValueCase() == NumberDataPoint.ValueCase.AS_INT
        ? Long.toString(p.getAsInt()) : Double.toString(p.getAsDouble());
  }

  private static String attr(List<KeyValue> attrs, String key) {
    return attrs.stream().filter(kv -> kv.getKey().equals(key)).findFirst()
        .map(kv -> value(kv.getValue())).orElse("");
  }

  static String value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(TelemetryPrinter::value)
          .collect(Collectors.joining(",", "[", "]"));
      case KVLIST_VALUE -> v.getKvlistValue().getValuesList().stream()
          .map(kv -> kv.getKey() + ":" + value(kv.getValue())).collect(Collectors.joining(",", "{", "}"));
      case BYTES_VALUE -> hex(v.getBytesValue().toByteArray());
      default -> "";
    };
  }

  private static String kind(Span.SpanKind k) {
    return switch (k) {
      case SPAN_KIND_SERVER -> "server";
      case SPAN_KIND_INTERNAL -> "internal";
      case SPAN_KIND_CLIENT -> "client";
      default -> k.name().toLowerCase();
    };
  }

  private static String severity(int n) {
    return n == 0 ? "-" : n <= 4 ? "TRACE" : n <= 8 ? "DEBUG" : n <= 12 ? "INFO" : n <= 16 ? "WARN"
        : n <= 20 ? "ERROR" : "FATAL";
  }

  private static String hex(byte[] b) {
    return HEX.formatHex(b);
  }
}
