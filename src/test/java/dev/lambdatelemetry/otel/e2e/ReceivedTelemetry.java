package dev.lambdatelemetry.otel.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Questions the fault and freeze tests ask of what the OTLP receiver got. */
final class ReceivedTelemetry {

  /** The extension's self-telemetry counter (ExportCounters.METRIC_NAME). */
  static final String EXPORT_ITEMS = "lambda_telemetry.export.items";

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A log line at ERROR level (console format {@code HH:mm:ss.SSS LEVEL [...]}) or an uncaught exception. */
  private static final Pattern FAILURE_LINE =
      Pattern.compile("^\\S+ (ERROR|FATAL) .*|.*Exception in thread .*|.*OutOfMemoryError.*");

  private ReceivedTelemetry() {}

  /** SERVER spans grouped by {@code faas.invocation_id}. */
  static Map<String, List<Span>> serverSpansByInvocation(List<Span> spans) {
    return spans.stream()
        .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
        .filter(s -> !ExtensionEndToEndIT.attr(s.getAttributesList(), "faas.invocation_id").isEmpty())
        .collect(Collectors.groupingBy(
            s -> ExtensionEndToEndIT.attr(s.getAttributesList(), "faas.invocation_id")));
  }

  /** Span ids (hex) received more than once. */
  static List<String> duplicateSpanIds(List<Span> spans) {
    return duplicates(spans, s -> HexFormat.of().formatHex(s.getSpanId().toByteArray()));
  }

  /** Distinct span ids (hex). */
  static Set<String> spanIds(List<Span> spans) {
    return spans.stream().map(s -> HexFormat.of().formatHex(s.getSpanId().toByteArray()))
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Function log records (source {@code function}). */
  static List<LogRecord> functionLogs(List<LogRecord> logs) {
    return logs.stream()
        .filter(r -> "function".equals(ExtensionEndToEndIT.attr(r.getAttributesList(), "aws.lambda.log.source")))
        .toList();
  }

  /**
   * Function log records received more than once. Logs carry no id: two records equal in every field
   * (time, body, attributes, trace context) are the same record sent twice.
   */
  static List<String> duplicateFunctionLogs(List<LogRecord> logs) {
    return duplicates(functionLogs(logs), LogRecord::toString);
  }

  /** How many {@code function} events the platform generated. */
  static long generatedFunctionEvents(List<String> generated) {
    return generated.stream().filter(e -> {
      try {
        return JSON.readTree(e).path("type").asText().equals("function");
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
    }).count();
  }

  /**
   * The last value received of the self-telemetry counter for the platform's {@code signal} and
   * {@code outcome} (cumulative, so the largest), 0 when never reported.
   */
  static long exportItems(List<ResourceMetrics> metrics, String signal, String outcome) {
    return exportItems(metrics, signal, outcome, "platform");
  }

  /** As {@link #exportItems(List, String, String)}, for {@code source} platform or function. */
  static long exportItems(List<ResourceMetrics> metrics, String signal, String outcome, String source) {
    return metrics.stream()
        .flatMap(rm -> rm.getScopeMetricsList().stream())
        .flatMap(sm -> sm.getMetricsList().stream())
        .filter(m -> m.getName().equals(EXPORT_ITEMS))
        .map(Metric::getSum)
        .flatMap(sum -> sum.getDataPointsList().stream())
        .filter(p -> signal.equals(attr(p, "signal")) && outcome.equals(attr(p, "outcome"))
            && source.equals(attr(p, "source")))
        .mapToLong(NumberDataPoint::getAsInt)
        .max()
        .orElse(0);
  }

  /** Whether the self-telemetry counter was received at all. */
  static boolean exportItemsReported(List<ResourceMetrics> metrics) {
    return metrics.stream().flatMap(rm -> rm.getScopeMetricsList().stream())
        .flatMap(sm -> sm.getMetricsList().stream()).anyMatch(m -> m.getName().equals(EXPORT_ITEMS));
  }

  /** Lines of the extension's output that show a failure (ERROR level, an uncaught exception). */
  static List<String> failureLines(String output) {
    return output.lines().filter(l -> FAILURE_LINE.matcher(l).matches()).toList();
  }

  private static String attr(NumberDataPoint point, String key) {
    return point.getAttributesList().stream().filter(a -> a.getKey().equals(key)).findFirst()
        .map(KeyValue::getValue).map(v -> v.getStringValue()).orElse("");
  }

  private static <T> List<String> duplicates(List<T> items, Function<T, String> key) {
    return items.stream().collect(Collectors.groupingBy(key, Collectors.counting()))
        .entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
  }
}
