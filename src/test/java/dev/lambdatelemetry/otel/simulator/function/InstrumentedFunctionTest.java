package dev.lambdatelemetry.otel.simulator.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lambdatelemetry.otel.otlp.OtlpEndpoint;
import dev.lambdatelemetry.otel.otlp.OtlpSettings;
import dev.lambdatelemetry.otel.otlp.ReceivedBatch;
import dev.lambdatelemetry.otel.simulator.FunctionCall;
import dev.lambdatelemetry.otel.simulator.FunctionRequest;
import dev.lambdatelemetry.otel.testing.PollingWait;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The instrumented function of the simulator, Node.js (OpenTelemetry JS SDK) and Java SDK alike, exporting to
 * a real OTLP endpoint (the extension's own, started here alone, on free ports): what each handler call
 * exports, over each protocol, is what the end-to-end tests will look for behind the extension.
 */
class InstrumentedFunctionTest {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String UPSTREAM_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String UPSTREAM_SPAN = "b7ad6b7169203331";
  private static final String XRAY_ROOT = "5759e988bd862e3fe1be46a994272793";
  private static final String XRAY_PARENT = "53995c3f42cd8ad8";
  private static Vertx vertx;

  private final List<ReceivedBatch> batches = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(FunctionProtocol.class)
  void nodeFunction_exportsItsEntrySpanChildrenLogAndCounter_parentedAsTheLambdaInstrumentationDoes(
      FunctionProtocol protocol) throws Exception {
    Optional<String> missing = NodeFunction.unavailable();
    assumeTrue(missing.isEmpty(), () -> "Node function skipped: " + missing.orElse(""));
    try (OtlpEndpoint endpoint = startEndpoint();
        NodeFunction function = NodeFunction.start(settings(protocol, endpoint))) {
      assertExportsEachCallsTelemetry(function);
    }
  }

  @ParameterizedTest
  @EnumSource(value = FunctionProtocol.class, names = {"HTTP_PROTOBUF", "GRPC"})
  void javaSdkFunction_exportsItsEntrySpanChildrenLogAndCounter_parentedAsTheLambdaInstrumentationDoes(
      FunctionProtocol protocol) throws Exception {
    try (OtlpEndpoint endpoint = startEndpoint();
        JavaSdkFunction function = JavaSdkFunction.start(settings(protocol, endpoint))) {
      assertExportsEachCallsTelemetry(function);
    }
  }

  @Test
  void nodeFunction_exitsOnItsOwnWhenItsParentClosesItsStdin() throws Exception {
    Optional<String> missing = NodeFunction.unavailable();
    assumeTrue(missing.isEmpty(), () -> "Node function skipped: " + missing.orElse(""));
    try (NodeFunction function = NodeFunction.start(FunctionSettings.defaults(FunctionProtocol.HTTP_PROTOBUF)
        .withPorts(1, 1))) {
      ProcessHandle handle = ProcessHandle.of(function.pid()).orElseThrow();
      assertThat(handle.isAlive()).isTrue();
      function.closeInput();
      PollingWait.await(WAIT, () -> !handle.isAlive(), "the Node function still runs after its stdin closed");
    }
  }

  @Test
  void javaSdkFunction_refusesHttpJson_whichTheJavaSdkCannotExport() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JavaSdkFunction.start(
        FunctionSettings.defaults(FunctionProtocol.HTTP_JSON))).isInstanceOf(IllegalArgumentException.class);
  }

  private void assertExportsEachCallsTelemetry(LocalFunction function) throws Exception {
    FunctionCall upstream = function.invoke(new FunctionRequest("req-upstream", xray(),
        "00-" + UPSTREAM_TRACE + "-" + UPSTREAM_SPAN + "-01", 2, false), CALL_TIMEOUT);
    FunctionCall xray = function.invoke(new FunctionRequest("req-xray", xray(), null, 3, true), CALL_TIMEOUT);
    FunctionCall root = function.invoke(new FunctionRequest("req-root", null, null, 0, false), CALL_TIMEOUT);
    FunctionCall shutdown = function.shutdown(CALL_TIMEOUT);

    assertThat(List.of(upstream, xray, root, shutdown)).allSatisfy(c -> assertThat(c.ok()).as(c.toString()).isTrue());
    // The upstream traceparent wins over the X-Ray header; the X-Ray header is used when alone.
    assertThat(upstream.traceId()).isEqualTo(UPSTREAM_TRACE);
    assertThat(upstream.entryParentSpanId()).isEqualTo(UPSTREAM_SPAN);
    assertThat(xray.traceId()).isEqualTo(XRAY_ROOT);
    assertThat(xray.entryParentSpanId()).isEqualTo(XRAY_PARENT);
    assertThat(root.entryParentSpanId()).isNull();
    // Everything was exported before each call returned: the flush is synchronous.
    List<Span> spans = spans();
    assertThat(spans).extracting(s -> hex(s.getSpanId().toByteArray())).containsExactlyInAnyOrderElementsOf(
        List.of(upstream, xray, root, shutdown).stream().flatMap(c -> c.spanIds().stream()).toList());
    for (FunctionCall call : List.of(upstream, xray, root)) {
      Span entry = span(spans, call.entrySpanId());
      assertThat(entry.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(attr(entry.getAttributesList(), "faas.invocation_id")).isEqualTo(call.request().requestId());
      assertThat(hex(entry.getTraceId().toByteArray())).isEqualTo(call.traceId());
      assertThat(hex(entry.getParentSpanId().toByteArray()))
          .isEqualTo(call.entryParentSpanId() == null ? "" : call.entryParentSpanId());
      assertThat(call.childSpanIds()).hasSize(call.request().childSpans()).allSatisfy(id -> {
        assertThat(hex(span(spans, id).getParentSpanId().toByteArray())).isEqualTo(call.entrySpanId());
        assertThat(hex(span(spans, id).getTraceId().toByteArray())).isEqualTo(call.traceId());
      });
      assertThat(entry.getStatus().getCodeValue()).isEqualTo(call.request().error() ? 2 : 0);
      LogRecord log = logs().stream().filter(r -> r.getBody().getStringValue().contains(call.request().requestId()))
          .findFirst().orElseThrow(() -> new AssertionError("no log record of " + call.request().requestId() + " in " + logs()));
      assertThat(hex(log.getSpanId().toByteArray())).isEqualTo(call.entrySpanId());
      assertThat(hex(log.getTraceId().toByteArray())).isEqualTo(call.traceId());
    }
    assertThat(logs()).hasSize(4);
    assertThat(resourceSpans()).allSatisfy(rs -> assertThat(attr(rs.getResource().getAttributesList(),
        "service.name")).isEqualTo(FunctionSettings.DEFAULT_SERVICE_NAME));
    // Cumulative: one point per flush (the three invocations; the shutdown's collects again), 1, 2, 3.
    assertThat(counterValues()).startsWith(1L, 2L, 3L).allSatisfy(v -> assertThat(v).isBetween(1L, 3L));
  }

  private OtlpEndpoint startEndpoint() {
    return OtlpEndpoint.start(OtlpSettings.defaults().withPorts(0, 0), batch -> batches.add(batch), vertx,
        Clock.systemUTC());
  }

  private static FunctionSettings settings(FunctionProtocol protocol, OtlpEndpoint endpoint) {
    return FunctionSettings.defaults(protocol).withPorts(endpoint.httpPort().orElseThrow(),
        endpoint.grpcPort().orElseThrow());
  }

  private static String xray() {
    return "Root=1-" + XRAY_ROOT.substring(0, 8) + "-" + XRAY_ROOT.substring(8) + ";Parent=" + XRAY_PARENT
        + ";Sampled=1";
  }

  private List<ResourceSpans> resourceSpans() {
    return decode(dev.lambdatelemetry.otel.otlp.Signal.TRACES, ResourceSpans::parseFrom);
  }

  private List<Span> spans() {
    return resourceSpans().stream().flatMap(rs -> rs.getScopeSpansList().stream())
        .flatMap(ss -> ss.getSpansList().stream()).toList();
  }

  private List<LogRecord> logs() {
    return decode(dev.lambdatelemetry.otel.otlp.Signal.LOGS, ResourceLogs::parseFrom).stream()
        .flatMap(rl -> rl.getScopeLogsList().stream()).flatMap(sl -> sl.getLogRecordsList().stream()).toList();
  }

  private List<Long> counterValues() {
    return decode(dev.lambdatelemetry.otel.otlp.Signal.METRICS, ResourceMetrics::parseFrom).stream()
        .flatMap(rm -> rm.getScopeMetricsList().stream()).flatMap(sm -> sm.getMetricsList().stream())
        .filter(m -> m.getName().equals("orders.processed")).map(Metric::getSum)
        .flatMap(sum -> sum.getDataPointsList().stream()).map(InstrumentedFunctionTest::value).toList();
  }

  private interface Parser<T> {
    T parse(byte[] bytes) throws IOException;
  }

  private <T> List<T> decode(dev.lambdatelemetry.otel.otlp.Signal signal, Parser<T> parser) {
    return batches.stream().filter(b -> b.signal() == signal).flatMap(b -> b.resources().stream()).map(bytes -> {
      try {
        return parser.parse(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).toList();
  }

  private static long value(NumberDataPoint point) {
    return point.hasAsDouble() ? (long) point.getAsDouble() : point.getAsInt();
  }

  private static Span span(List<Span> spans, String id) {
    return spans.stream().filter(s -> hex(s.getSpanId().toByteArray()).equals(id)).findFirst().orElseThrow(
        () -> new AssertionError("span " + id + " not received"));
  }

  private static String attr(List<KeyValue> attributes, String key) {
    return attributes.stream().filter(a -> a.getKey().equals(key)).findFirst()
        .map(a -> a.getValue().getStringValue()).orElse("");
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
