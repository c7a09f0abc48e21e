package dev.lambdatelemetry.otel.e2e;

import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.duplicateSpanIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.simulator.FunctionCall;
import dev.lambdatelemetry.otel.simulator.FunctionRequest;
import dev.lambdatelemetry.otel.simulator.function.FunctionSettings;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * What the collector must have received from a {@link FunctionRun}: the function's spans, log records and
 * counter exactly once, beside the platform's, and one trace per invocation (issue 11: the platform
 * invocation span and the function's entry span joined).
 */
final class FunctionTraceAssertions {

  /** The instrumentation scope of the function's spans, logs and metrics (function.mjs, JavaSdkFunction). */
  static final String FUNCTION_SCOPE = "simulated-function";
  private static final String COUNTER = "orders.processed";
  private static final HexFormat HEX = HexFormat.of();

  private FunctionTraceAssertions() {}

  /**
   * Every call's flush succeeded (the local endpoint took every export); every span, log record and counter
   * point the function exported reached the collector exactly once, with the function's own resource; nothing
   * of the platform's arrived twice either.
   */
  static void assertEverythingOnce(OtlpReceiver receiver, FunctionRun function) {
    assertThat(function.calls()).as("calls of the function (the shutdown last)").isNotEmpty()
        .allSatisfy(c -> assertThat(c.ok()).as("the function's export to the extension: %s", c).isTrue());
    assertThat(function.calls().get(function.calls().size() - 1).request()).as("the runtime's shutdown ran")
        .isNull();
    assertThat(duplicateSpanIds(receiver.spans())).as("spans received twice").isEmpty();
    List<String> sent = function.calls().stream().flatMap(c -> c.spanIds().stream()).toList();
    assertThat(functionSpans(receiver).stream().map(s -> hex(s.getSpanId().toByteArray())).toList())
        .as("the function's spans at the collector").containsExactlyInAnyOrderElementsOf(sent);
    assertThat(receiver.resourceSpans().stream().filter(FunctionTraceAssertions::isFunction)
        .map(rs -> ExtensionEndToEndIT.attr(rs.getResource().getAttributesList(), "service.name")))
        .as("the function's resource is kept as it sent it").containsOnly(FunctionSettings.DEFAULT_SERVICE_NAME);
    List<String> bodies = functionLogs(receiver).stream().map(r -> r.getBody().getStringValue()).toList();
    List<String> expected = function.calls().stream().map(c -> c.request() == null ? "runtime shutting down"
        : "processed order for request " + c.request().requestId()).toList();
    assertThat(bodies).as("the function's log records at the collector").containsExactlyInAnyOrderElementsOf(expected);
    // Cumulative: each flush exported the count so far, once. (The shutdown collects once more: its point
    // repeats the last value at a later time, a new point, not a duplicate.)
    List<NumberDataPoint> points = counterPoints(receiver);
    assertThat(points.stream().collect(Collectors.groupingBy(p -> value(p) + "@" + p.getTimeUnixNano(),
        Collectors.counting())).values()).as("counter points received twice").allMatch(n -> n == 1);
    assertThat(points.stream().map(FunctionTraceAssertions::value).distinct().sorted().toList())
        .isEqualTo(LongStream.rangeClosed(1, function.invocationCalls().size()).boxed().toList());
  }

  /**
   * One trace per invocation: the function's entry span is a child of the platform invocation span, in its
   * trace; its children are untouched; the platform span continues the trace the request came with (the
   * upstream {@code traceparent}, else the X-Ray trace, else the function's own).
   */
  static void assertJoined(OtlpReceiver receiver, FunctionRun function) {
    List<Span> spans = receiver.spans();
    Map<String, List<Span>> platform = platformInvocationSpans(receiver);
    for (FunctionCall call : function.invocationCalls()) {
      FunctionRequest request = call.request();
      assertThat(platform.get(request.requestId())).as("platform invocation span of %s", request.requestId())
          .hasSize(1);
      Span invocation = platform.get(request.requestId()).get(0);
      Span entry = span(spans, call.entrySpanId());
      String what = request.traceparent() != null ? "upstream traceparent"
          : request.xrayHeader() != null ? "X-Ray" : "no incoming trace";
      assertThat(hex(entry.getTraceId().toByteArray())).as("%s (%s): entry span's trace", request.requestId(), what)
          .isEqualTo(hex(invocation.getTraceId().toByteArray()));
      assertThat(hex(entry.getParentSpanId().toByteArray()))
          .as("%s (%s): entry span's parent is the platform invocation span", request.requestId(), what)
          .isEqualTo(hex(invocation.getSpanId().toByteArray()));
      assertThat(call.childSpanIds()).allSatisfy(id -> {
        assertThat(hex(span(spans, id).getParentSpanId().toByteArray())).isEqualTo(call.entrySpanId());
        assertThat(hex(span(spans, id).getTraceId().toByteArray())).isEqualTo(hex(entry.getTraceId().toByteArray()));
      });
      // The trace the request came with stays whole: the platform span takes its place in it.
      assertThat(hex(invocation.getTraceId().toByteArray())).as("%s (%s): the trace", request.requestId(), what)
          .isEqualTo(call.traceId());
      assertThat(hex(invocation.getParentSpanId().toByteArray()))
          .as("%s (%s): the platform span's parent", request.requestId(), what)
          .isEqualTo(Objects.requireNonNullElse(call.entryParentSpanId(), ""));
    }
  }

  /** The init span is in the first invocation's trace (a cold start shows in the request's trace). */
  static void assertInitInFirstTrace(OtlpReceiver receiver, FunctionRun function) {
    List<Span> init = receiver.spans().stream()
        .filter(s -> !ExtensionEndToEndIT.attr(s.getAttributesList(), "aws.lambda.init.type").isEmpty()).toList();
    assertThat(init).as("init span").hasSize(1);
    FunctionCall first = function.invocationCalls().get(0);
    assertThat(hex(init.get(0).getTraceId().toByteArray())).isEqualTo(first.traceId());
  }

  /** The function's spans: those of its instrumentation scope. */
  static List<Span> functionSpans(OtlpReceiver receiver) {
    return receiver.resourceSpans().stream().flatMap(rs -> rs.getScopeSpansList().stream())
        .filter(ss -> ss.getScope().getName().equals(FUNCTION_SCOPE)).flatMap(ss -> ss.getSpansList().stream())
        .toList();
  }

  /** The platform's invocation spans (SERVER, {@code faas.invocation_id}, not the function's), by request. */
  static Map<String, List<Span>> platformInvocationSpans(OtlpReceiver receiver) {
    return receiver.resourceSpans().stream().flatMap(rs -> rs.getScopeSpansList().stream())
        .filter(ss -> !ss.getScope().getName().equals(FUNCTION_SCOPE)).flatMap(ss -> ss.getSpansList().stream())
        .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
        .filter(s -> !ExtensionEndToEndIT.attr(s.getAttributesList(), "faas.invocation_id").isEmpty())
        .collect(Collectors.groupingBy(s -> ExtensionEndToEndIT.attr(s.getAttributesList(), "faas.invocation_id")));
  }

  private static List<LogRecord> functionLogs(OtlpReceiver receiver) {
    return receiver.resourceLogs().stream().flatMap(rl -> rl.getScopeLogsList().stream())
        .filter(sl -> sl.getScope().getName().equals(FUNCTION_SCOPE)).flatMap(sl -> sl.getLogRecordsList().stream())
        .toList();
  }

  private static List<NumberDataPoint> counterPoints(OtlpReceiver receiver) {
    return receiver.resourceMetrics().stream().flatMap(rm -> rm.getScopeMetricsList().stream())
        .flatMap(sm -> sm.getMetricsList().stream()).filter(m -> m.getName().equals(COUNTER))
        .flatMap(m -> m.getSum().getDataPointsList().stream()).toList();
  }

  private static boolean isFunction(ResourceSpans resourceSpans) {
    return resourceSpans.getScopeSpansList().stream().anyMatch(ss -> ss.getScope().getName().equals(FUNCTION_SCOPE));
  }

  private static long value(NumberDataPoint point) {
    return point.hasAsDouble() ? (long) point.getAsDouble() : point.getAsInt();
  }

  private static Span span(List<Span> spans, String id) {
    return spans.stream().filter(s -> hex(s.getSpanId().toByteArray()).equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("span " + id + " not received"));
  }

  private static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }
}
