package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.Events.*;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.*;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lambdatelemetry.otel.telemetry.model.ExtensionState;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.telemetry.model.TelemetrySubscription;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The five numbered fixture batches of {@code src/test/resources/telemetry} ({@code NN-*.json}), built
 * as typed events, with the ids, times, durations and metrics their expected outcomes name.
 */
class TelemetryConverterFixtureTest {

  private static final String COLD_ID = "4b142fc3-17b8-4cdb-a46b-a8dbe7918715";
  private static final String COLD_HEADER =
      "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c;Parent=3b2a1f0e9d8c7b6a;Sampled=1";

  @Test
  void coldStartFixture_producesInitInvocationAndFourChildrenWithExactTimes() {
    ConverterHarness h = new ConverterHarness();
    h.accept(
        initStart("2024-05-20T16:29:44.833Z", "on-demand", "init",
            "2024/05/20/orders-api[$LATEST]3f1c9a7e5b2d4c6e8f0a1b2c3d4e5f60"),
        extensionLog("2024-05-20T16:29:44.851Z", "quarkus started"),
        extensionLog("2024-05-20T16:29:44.859Z", "registered"),
        subscription("2024-05-20T16:29:44.861Z"),
        functionLog("2024-05-20T16:29:44.990Z", "2024-05-20T16:29:44.990Z\tundefined\tINFO\tLoaded configuration\n"),
        initRuntimeDone("2024-05-20T16:29:45.006Z", "on-demand", "init", "success", null),
        extension("2024-05-20T16:29:45.006Z"),
        initReport("2024-05-20T16:29:45.007Z", "on-demand", "init", "success", 173.778),
        start("2024-05-20T16:29:45.008Z", COLD_ID, "$LATEST", xray("73f19b2c4d5e6a70", COLD_HEADER)),
        functionLog("2024-05-20T16:29:45.009Z", "2024-05-20T16:29:45.009Z\t" + COLD_ID + "\tINFO\tProcessing order 42\n"),
        functionLog("2024-05-20T16:29:45.010Z", "2024-05-20T16:29:45.010Z\t" + COLD_ID + "\tWARN\tInventory cache miss\n"),
        runtimeDone("2024-05-20T16:29:45.019Z", COLD_ID, "success", null, 11.185, 40L,
            xray("73f19b2c4d5e6a70", COLD_HEADER),
            List.of(span("responseLatency", "2024-05-20T16:29:45.008Z", 2.215),
                span("responseDuration", "2024-05-20T16:29:45.010Z", 0.056),
                span("runtimeOverhead", "2024-05-20T16:29:45.010Z", 8.686))),
        report("2024-05-20T16:29:45.022Z", COLD_ID, "success", null, metrics(11.642, 12, 128, 67, 174.055),
            xray("73f19b2c4d5e6a70", COLD_HEADER),
            List.of(span("extensionOverhead", "2024-05-20T16:29:45.019Z", 0.457))));

    assertThat(h.spans).hasSize(6);
    SpanData init = h.named("init").get(0);
    assertThat(init)
        .hasKind(SpanKind.INTERNAL)
        .hasStatus(StatusData.ok())
        .startsAt(at("2024-05-20T16:29:44.833Z"))
        .endsAt(at("2024-05-20T16:29:44.833Z").plusNanos(173_778_000))
        .hasAttribute(INIT_TYPE, "on-demand")
        .hasAttribute(INIT_PHASE, "init");
    assertThat(init.getParentSpanContext().isValid()).isFalse();

    SpanData invocation = h.invocationSpan(COLD_ID);
    assertThat(invocation)
        .hasName("orders-api")
        .hasKind(SpanKind.SERVER)
        .hasTraceId("664b7a795c1f4e2a9d3b8c7e6f0a1b2c")
        .hasParentSpanId("3b2a1f0e9d8c7b6a")
        .hasSpanId("73f19b2c4d5e6a70")
        .hasStatus(StatusData.ok())
        .startsAt(at("2024-05-20T16:29:45.008Z"))
        .endsAt(at("2024-05-20T16:29:45.008Z").plusNanos(11_642_000))
        .hasAttribute(FAAS_COLDSTART, true)
        .hasAttribute(FAAS_TRIGGER, "other")
        .hasAttribute(FAAS_VERSION, "$LATEST")
        .hasAttribute(BILLED_DURATION_MS, 12L)
        .hasAttribute(MEMORY_SIZE_MB, 128L)
        .hasAttribute(MAX_MEMORY_USED_MB, 67L)
        .hasAttribute(INIT_DURATION_MS, 174.055)
        .hasAttribute(PRODUCED_BYTES, 40L)
        .hasAttribute(STATUS, "success");
    assertThat(invocation.getSpanContext().isSampled()).isTrue();
    assertThat(init.getTraceId()).isNotEqualTo(invocation.getTraceId());

    assertChildren(h, invocation,
        child("responseLatency", "2024-05-20T16:29:45.008Z", 2_215_000),
        child("responseDuration", "2024-05-20T16:29:45.010Z", 56_000),
        child("runtimeOverhead", "2024-05-20T16:29:45.010Z", 8_686_000),
        child("extensionOverhead", "2024-05-20T16:29:45.019Z", 457_000));

    assertThat(h.logs).hasSize(5);
    assertThat(h.logCalls.get(2).open()).isNull(); // the init-phase function line
    assertThat(h.logCalls.get(3).open().requestId()).isEqualTo(COLD_ID);
    assertThat(h.logCalls.get(3).open().spanContext()).isEqualTo(invocation.getSpanContext());
    assertThat(h.logCalls.get(4).byId().requestId()).isEqualTo(COLD_ID);

    assertThat(h.counter("faas.coldstarts")).contains(1L);
    assertThat(h.counter("faas.invocations")).contains(1L);
    assertThat(h.counter("faas.errors")).isEmpty();
    assertThat(h.counter("faas.timeouts")).isEmpty();
    assertThat(h.histogram("faas.init_duration").orElseThrow().getSum()).isCloseTo(0.173778, within(1e-9));
    assertThat(h.histogram("faas.invoke_duration").orElseThrow().getSum()).isCloseTo(0.011185, within(1e-9));
    assertThat(h.histogram("faas.mem_usage").orElseThrow().getSum()).isEqualTo(70254592d);
    assertThat(h.converter.resource().getAttribute(FAAS_INSTANCE))
        .isEqualTo("2024/05/20/orders-api[$LATEST]3f1c9a7e5b2d4c6e8f0a1b2c3d4e5f60");
    assertThat(h.converter.failedEvents()).isZero();
  }

  @Test
  void warmInvokeFixture_withoutTracing_getsRandomRootTraceAndIsNotCold() {
    String id = "d661f7cf-9208-46b9-85b0-213b04a91065";
    ConverterHarness h = new ConverterHarness();
    h.accept(
        start("2024-02-09T08:42:44.078Z", id, "8", null),
        functionLog("2024-02-09T08:42:44.078Z", "2024-02-09T08:42:44.078Z\t" + id + "\tINFO\tJust some logs here =)\n"),
        runtimeDone("2024-02-09T08:42:44.079Z", id, "success", null, 1.056, 50L, null,
            List.of(span("responseLatency", "2024-02-09T08:42:44.078Z", 0.677),
                span("responseDuration", "2024-02-09T08:42:44.079Z", 0.035),
                span("runtimeOverhead", "2024-02-09T08:42:44.079Z", 0.211))),
        report("2024-02-09T08:42:44.080Z", id, "success", metrics(1.317, 2, 1024, 68, null)));

    SpanData invocation = h.invocationSpan(id);
    assertThat(invocation)
        .hasParentSpanId("0000000000000000")
        .hasStatus(StatusData.ok())
        .startsAt(at("2024-02-09T08:42:44.078Z"))
        .endsAt(at("2024-02-09T08:42:44.078Z").plusNanos(1_317_000))
        .hasAttribute(FAAS_COLDSTART, false)
        .hasAttribute(FAAS_VERSION, "8");
    assertThat(invocation.getSpanContext().isValid()).isTrue();
    assertChildren(h, invocation,
        child("responseLatency", "2024-02-09T08:42:44.078Z", 677_000),
        child("responseDuration", "2024-02-09T08:42:44.079Z", 35_000),
        child("runtimeOverhead", "2024-02-09T08:42:44.079Z", 211_000));
    assertThat(h.logCalls.get(0).open().requestId()).isEqualTo(id);
    assertThat(h.counter("faas.invocations")).contains(1L);
    assertThat(h.counter("faas.coldstarts")).isEmpty();
    assertThat(h.histogram("faas.invoke_duration").orElseThrow().getSum()).isCloseTo(0.001056, within(1e-12));
    assertThat(h.histogram("faas.mem_usage").orElseThrow().getSum()).isEqualTo(71303168d);
  }

  @Test
  void jsonLogsFixture_invocationHasXRayIdsAndThreeChildren() {
    String id = "79b4f56e-95b1-4643-9700-2807f4e68189";
    var tracing = xray("5d1e2f3a4b5c6d7e",
        "Root=1-664b8213-0a9b8c7d6e5f4a3b2c1d0e9f;Parent=6e7f8a9b0c1d2e3f;Sampled=1");
    ConverterHarness h = new ConverterHarness();
    h.accept(
        start("2024-05-20T17:02:11.100Z", id, "$LATEST", tracing),
        runtimeDone("2024-05-20T17:02:11.229Z", id, "success", null, 128.514, 97L, tracing,
            List.of(span("responseLatency", "2024-05-20T17:02:11.100Z", 117.904),
                span("responseDuration", "2024-05-20T17:02:11.217Z", 0.081),
                span("runtimeOverhead", "2024-05-20T17:02:11.217Z", 10.377))),
        report("2024-05-20T17:02:11.233Z", id, "success", null, metrics(129.066, 130, 256, 88, null), tracing, null));

    SpanData invocation = h.invocationSpan(id);
    assertThat(invocation)
        .hasTraceId("664b82130a9b8c7d6e5f4a3b2c1d0e9f")
        .hasParentSpanId("6e7f8a9b0c1d2e3f")
        .hasSpanId("5d1e2f3a4b5c6d7e")
        .startsAt(at("2024-05-20T17:02:11.100Z"))
        .endsAt(at("2024-05-20T17:02:11.100Z").plusNanos(129_066_000))
        .hasAttribute(FAAS_COLDSTART, false);
    assertChildren(h, invocation,
        child("responseLatency", "2024-05-20T17:02:11.100Z", 117_904_000),
        child("responseDuration", "2024-05-20T17:02:11.217Z", 81_000),
        child("runtimeOverhead", "2024-05-20T17:02:11.217Z", 10_377_000));
    assertThat(h.counter("faas.invocations")).contains(1L);
  }

  @Test
  void subscriptionAndExtensionFixture_givesOnlyTheInitSpanAndExtensionLogs() {
    ConverterHarness h = new ConverterHarness();
    h.accept(
        initStart("2024-10-14T08:00:00.211Z", "on-demand", "init", "2024/10/14/ledger-writer[$LATEST]0d9c"),
        extensionLog("2024-10-14T08:00:00.233Z", "log-shipper  launching extension\n"),
        extensionLog("2024-10-14T08:00:00.240Z", "\u001b[32mstarted\u001b[0m"),
        subscription("2024-10-14T08:00:00.244Z"),
        subscription("2024-10-14T08:00:00.251Z"),
        extensionLog("2024-10-14T08:00:00.259Z", "[secrets-cache-extension] cache warmed with 2 secrets\n"),
        initRuntimeDone("2024-10-14T08:00:01.877Z", "on-demand", "init", "success", null),
        extension("2024-10-14T08:00:01.878Z"),
        extension("2024-10-14T08:00:01.878Z"),
        initReport("2024-10-14T08:00:01.879Z", "on-demand", "init", "success", 1667.905));

    assertThat(h.spans).singleElement().satisfies(init -> assertThat(init)
        .hasName("init")
        .hasStatus(StatusData.ok())
        .startsAt(at("2024-10-14T08:00:00.211Z"))
        .endsAt(at("2024-10-14T08:00:00.211Z").plusNanos(1_667_905_000)));
    assertThat(h.logs).hasSize(3);
    assertThat(h.histogram("faas.init_duration").orElseThrow().getSum()).isCloseTo(1.667905, within(1e-9));
    assertThat(h.counter("faas.coldstarts")).isEmpty();
    assertThat(h.converter.unknownEvents()).isZero();
  }

  @Test
  void legacyFixture_withoutInitStatusOrPhase_isOkColdAndKeepsZeroLengthChild() {
    String id = "459921b5-681c-4a96-beb0-81e0aa586026";
    var tracing = xray("24cd7d670fa455f0",
        "Root=1-6352a70e-1e2c502e358361800241fd45;Parent=35465b3a9e2f7c6a;Sampled=1");
    ConverterHarness h = new ConverterHarness();
    h.accept(
        initStart("2022-10-21T14:05:02.616Z", "on-demand", "init", null),
        initRuntimeDone("2022-10-21T14:05:03.115Z", "on-demand", null, "success", null),
        extension("2022-10-21T14:05:03.116Z"),
        initReport("2022-10-21T14:05:03.116Z", "on-demand", "init", null, 500.0),
        start("2022-10-21T14:05:03.165Z", id, "$LATEST", tracing),
        functionLog("2022-10-21T14:05:04.002Z", "{\"level\":\"INFO\"}"),
        runtimeDone("2022-10-21T14:05:05.764Z", id, "success", null, 2599.0, 8L, tracing,
            List.of(span("responseLatency", "2022-10-21T14:05:03.165Z", 2598.0),
                span("responseDuration", "2022-10-21T14:05:05.763Z", 0.0))),
        report("2022-10-21T14:05:05.766Z", id, "success", null, metrics(2599.4, 2600, 128, 94, 549.04), tracing, null));

    assertThat(h.named("init")).singleElement().satisfies(init -> assertThat(init)
        .hasStatus(StatusData.ok())
        .startsAt(at("2022-10-21T14:05:02.616Z"))
        .endsAt(at("2022-10-21T14:05:03.116Z")));
    SpanData invocation = h.invocationSpan(id);
    assertThat(invocation)
        .hasTraceId("6352a70e1e2c502e358361800241fd45")
        .hasParentSpanId("35465b3a9e2f7c6a")
        .hasSpanId("24cd7d670fa455f0")
        .startsAt(at("2022-10-21T14:05:03.165Z"))
        .endsAt(at("2022-10-21T14:05:03.165Z").plusNanos(2_599_400_000L))
        .hasAttribute(FAAS_COLDSTART, true);
    assertChildren(h, invocation,
        child("responseLatency", "2022-10-21T14:05:03.165Z", 2_598_000_000L),
        child("responseDuration", "2022-10-21T14:05:05.763Z", 0));
    assertThat(h.logs).hasSize(1);
    assertThat(h.counter("faas.invocations")).contains(1L);
    assertThat(h.counter("faas.coldstarts")).contains(1L);
    assertThat(h.histogram("faas.init_duration").orElseThrow().getSum()).isEqualTo(0.5);
    assertThat(h.histogram("faas.mem_usage").orElseThrow().getSum()).isEqualTo(98566144d);
  }

  record ExpectedChild(String name, Instant start, long durationNanos) {}

  static ExpectedChild child(String name, String start, long durationNanos) {
    return new ExpectedChild(name, at(start), durationNanos);
  }

  static void assertChildren(ConverterHarness h, SpanData parent, ExpectedChild... expected) {
    List<SpanData> children = h.childrenOf(parent);
    assertThat(children).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(children.get(i))
          .hasName(expected[i].name())
          .hasKind(SpanKind.INTERNAL)
          .hasTraceId(parent.getTraceId())
          .startsAt(expected[i].start())
          .endsAt(expected[i].start().plusNanos(expected[i].durationNanos()));
    }
  }

  private static TelemetryEvent subscription(String time) {
    return new TelemetryEvent(at(time), "platform.telemetrySubscription",
        new TelemetrySubscription("otel-telemetry-extension", "Subscribed", List.of("platform")));
  }

  private static TelemetryEvent extension(String time) {
    return new TelemetryEvent(at(time), "platform.extension",
        new ExtensionState("otel-telemetry-extension", "Ready", List.of("INVOKE", "SHUTDOWN"), null));
  }
}
