package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.Events.*;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.*;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.telemetry.model.SpanRecord;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.telemetry.model.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Invocation spans across batches: terminal statuses, late and lost reports, bounds, Managed Instances. */
class TelemetryConverterInvocationTest {

  private static final String T0 = "2024-06-01T10:00:00.000Z";
  private static final String ARN = "arn:aws:lambda:eu-west-3:123456789012:function:orders-api:live";

  static Stream<Arguments> terminalStatuses() {
    return Stream.of(
        argumentSet("handled error", "error", "Runtime.Unknown", List.of(span("responseLatency", T0, 1.0)),
            "faas.errors"),
        argumentSet("crash with Runtime.OutOfMemory and no spans", "error", "Runtime.OutOfMemory", List.of(),
            "faas.errors"),
        argumentSet("timeout", "timeout", "Sandbox.Timedout", List.of(), "faas.timeouts"),
        argumentSet("failure", "failure", "Sandbox.Failure", List.of(), "faas.errors"),
        argumentSet("unknown status value", "exploded", null, List.of(), "faas.errors"));
  }

  @ParameterizedTest
  @MethodSource("terminalStatuses")
  void invocation_nonSuccessStatus_isErrorWithErrorTypeAndCountedOnce(
      String status, String errorType, List<SpanRecord> spans, String counter) {
    ConverterHarness h = new ConverterHarness();
    h.accept(
        start(T0, "a"),
        runtimeDone("2024-06-01T10:00:03.000Z", "a", status, errorType, 3000.0, null, null, spans),
        report("2024-06-01T10:00:03.010Z", "a", status, errorType, metrics(3005.5, 3006, 128, 128, null), null, null));

    SpanData span = h.invocationSpan("a");
    assertThat(span)
        .hasStatus(StatusData.create(StatusCode.ERROR, errorType != null ? errorType : status))
        .hasAttribute(STATUS, status)
        .endsAt(at(T0).plusNanos(3_005_500_000L));
    assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo(errorType);
    assertThat(h.childrenOf(span)).hasSize(spans.size());
    assertThat(h.counter(counter)).contains(1L);
    assertThat(h.counter("faas.invocations")).isEmpty();
  }

  @Test
  void report_oneBatchLate_completesTheHeldSpanWithReportDuration() {
    ConverterHarness h = new ConverterHarness();
    h.accept(start(T0, "a"), runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", 100.0));
    assertThat(h.spans).isEmpty();

    h.accept(
        start("2024-06-01T10:00:05.000Z", "b"),
        report("2024-06-01T10:00:00.105Z", "a", "success", metrics(103.25, 104, 128, 60, null)));

    assertThat(h.invocationSpan("a")).endsAt(at(T0).plusNanos(103_250_000)).hasAttribute(BILLED_DURATION_MS, 104L);
    assertThat(h.invocationSpans()).hasSize(1);
  }

  @Test
  void report_twoBatchesLate_addsOnlyChildrenAndUnrecordedMetrics() {
    ConverterHarness h = new ConverterHarness();
    h.accept(start(T0, "a"), runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", 100.0));
    h.accept(start("2024-06-01T10:00:05.000Z", "b"), runtimeDone("2024-06-01T10:00:05.050Z", "b", "success", 50.0));

    SpanData released = h.invocationSpan("a"); // released at b's runtimeDone with runtimeDone's duration
    assertThat(released).endsAt(at(T0).plusNanos(100_000_000)).hasStatus(StatusData.ok());
    assertThat(h.counter("faas.invocations")).contains(1L);
    assertThat(h.metric("faas.mem_usage")).isEmpty();

    h.accept(report("2024-06-01T10:00:00.105Z", "a", "success", null, metrics(103.0, 104, 128, 60, null), null,
        List.of(span("extensionOverhead", "2024-06-01T10:00:00.100Z", 3.0))));

    assertThat(h.invocationSpans()).hasSize(1);
    assertThat(h.named("extensionOverhead")).singleElement()
        .satisfies(child -> assertThat(child).hasParentSpanId(released.getSpanId()).hasTraceId(released.getTraceId()));
    assertThat(h.counter("faas.invocations")).contains(1L);
    assertThat(h.histogram("faas.invoke_duration").orElseThrow().getCount()).isEqualTo(1);
    assertThat(h.histogram("faas.mem_usage").orElseThrow().getSum()).isEqualTo(60 * 1_048_576d);
  }

  @Test
  void report_neverArriving_isReleasedAtNextRuntimeDoneAndLastOneAtDrain() {
    ConverterHarness h = new ConverterHarness();
    h.accept(start(T0, "a"), runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", 100.0),
        start("2024-06-01T10:00:01.000Z", "b"), runtimeDone("2024-06-01T10:00:01.100Z", "b", "error", 100.0));
    assertThat(h.invocationSpans()).extracting(s -> s.getAttributes().get(FAAS_INVOCATION_ID)).containsExactly("a");

    h.converter.drain();
    h.converter.drain();

    assertThat(h.invocationSpan("b")).hasStatus(StatusData.create(StatusCode.ERROR, "error"));
    assertThat(h.invocationSpans()).hasSize(2);
    assertThat(h.counter("faas.invocations")).contains(1L);
    assertThat(h.counter("faas.errors")).contains(1L);
  }

  @Test
  void duplicatedEvents_neverProduceASecondSpanOrCount() {
    ConverterHarness h = new ConverterHarness();
    TelemetryEvent[] events = {
        start(T0, "a"), runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", 100.0),
        report("2024-06-01T10:00:00.105Z", "a", "success", metrics(101.0, 102, 128, 60, null))};
    h.accept(events).accept(events);
    h.converter.drain();

    assertThat(h.invocationSpans()).hasSize(1);
    assertThat(h.counter("faas.invocations")).contains(1L);
    assertThat(h.histogram("faas.mem_usage").orElseThrow().getCount()).isEqualTo(1);
  }

  @Test
  void startOnly_atDrain_isEmittedUnsetAndNotCountedUntilAStatusArrives() {
    ConverterHarness h = new ConverterHarness();
    h.accept(start(T0, "a"), functionLog("2024-06-01T10:00:02.000Z", "working"));
    h.converter.drain();

    assertThat(h.invocationSpan("a")).hasStatus(StatusData.unset()).endsAt(at("2024-06-01T10:00:02.000Z"));
    assertThat(h.metric("faas.invocations")).isEmpty();

    h.accept(report("2024-06-01T10:00:03.000Z", "a", "timeout", "Sandbox.Timedout", durationOnly(3000.0), null, null));
    assertThat(h.invocationSpans()).hasSize(1);
    assertThat(h.counter("faas.timeouts")).contains(1L);
  }

  @Test
  void heldInvocations_beyondTheBound_evictOldestWithWhatIsKnown() {
    ConverterHarness h = new ConverterHarness(new ConverterOptions(false, 2, INIT_TYPE_MANAGED_INSTANCES, false));
    h.accept(lmiStart(T0, "a", null), lmiStart("2024-06-01T10:00:00.010Z", "b", null),
        lmiStart("2024-06-01T10:00:00.020Z", "c", null));

    assertThat(h.converter.evictedInvocations()).isEqualTo(1);
    assertThat(h.invocationSpans()).extracting(s -> s.getAttributes().get(FAAS_INVOCATION_ID)).containsExactly("a");

    h.accept(report("2024-06-01T10:00:01.000Z", "a", "success", durationOnly(1000.0)));
    assertThat(h.invocationSpans()).hasSize(1);
  }

  @Test
  void managedInstances_interleavedRequests_correlateByRequestIdOnly() {
    ConverterHarness h = new ConverterHarness(new ConverterOptions(false, 64, INIT_TYPE_MANAGED_INSTANCES, false));
    String fnArn = "arn:aws:lambda:us-east-1:123456789012:function:lmi-fn";
    h.accept(
        initStart("2025-12-01T08:00:00.000Z", INIT_TYPE_MANAGED_INSTANCES, "init", "i-1"),
        initReport("2025-12-01T08:00:00.500Z", INIT_TYPE_MANAGED_INSTANCES, "init", "success", 500.0),
        lmiStart("2025-12-01T08:00:01.000Z", "r1", fnArn),
        lmiStart("2025-12-01T08:00:01.010Z", "r2", fnArn),
        functionLog("2025-12-01T08:00:01.020Z", "text line\tr2\tINFO\thello"),
        report("2025-12-01T08:00:01.100Z", "r2", "success", null, durationOnly(90.123), null,
            List.of(span("responseLatency", "2025-12-01T08:00:01.010Z", 80.0))),
        report("2025-12-01T08:00:01.200Z", "r1", "timeout", "Sandbox.Timedout", durationOnly(200.0), null, List.of()));

    assertThat(h.invocationSpan("r1")).startsAt(at("2025-12-01T08:00:01.000Z"))
        .endsAt(at("2025-12-01T08:00:01.200Z")).hasAttribute(FAAS_COLDSTART, false)
        .hasAttribute(CLOUD_RESOURCE_ID, fnArn).hasAttribute(ERROR_TYPE, "Sandbox.Timedout");
    assertThat(h.invocationSpan("r2")).endsAt(at("2025-12-01T08:00:01.010Z").plusNanos(90_123_000))
        .hasAttribute(FAAS_COLDSTART, false);
    assertThat(h.childrenOf(h.invocationSpan("r2"))).hasSize(1);
    assertThat(h.logCalls.get(0).open()).isNull();
    assertThat(h.logCalls.get(0).byId().requestId()).isEqualTo("r2");
    assertThat(h.counter("faas.invocations")).contains(1L);
    assertThat(h.counter("faas.timeouts")).contains(1L);
    assertThat(h.histogram("faas.invoke_duration").orElseThrow().getCount()).isEqualTo(2);
    assertThat(h.metric("faas.mem_usage")).isEmpty();
  }

  @Test
  void onInvoke_beforeOrAfterStart_setsArnAttributesAndAccountOnce() {
    ConverterHarness h = new ConverterHarness();
    h.converter.onInvoke("a", ARN, 0);
    h.accept(start(T0, "a"), runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", 100.0),
        start("2024-06-01T10:00:01.000Z", "b"));
    h.converter.onInvoke("b", ARN.replace("123456789012", "999999999999"), 0);
    h.converter.drain();

    for (String id : List.of("a", "b")) {
      assertThat(h.invocationSpan(id)).hasAttribute(AttributeKey.stringKey("aws.lambda.invoked_arn"),
          h.invocationSpan(id).getAttributes().get(CLOUD_RESOURCE_ID));
    }
    assertThat(h.invocationSpan("a")).hasAttribute(INVOKED_ARN, ARN);
    assertThat(h.converter.resource().getAttribute(CLOUD_ACCOUNT_ID)).isEqualTo("123456789012");
    assertThat(h.spans).allSatisfy(s -> assertThat(s.getResource()).isSameAs(h.converter.resource()));
  }

  @Test
  void tracing_onlyOnRuntimeDone_isUsedForTheInvocation() {
    ConverterHarness h = new ConverterHarness();
    Tracing tracing = xray("1111222233334444", "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c;Parent=3b2a1f0e9d8c7b6a;Sampled=1");
    h.accept(start(T0, "a"),
        runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", null, 100.0, null, tracing, List.of()));
    h.converter.drain();

    assertThat(h.invocationSpan("a")).hasTraceId("664b7a795c1f4e2a9d3b8c7e6f0a1b2c").hasSpanId("1111222233334444");
  }

  @Test
  void missingStart_startIsDerivedFromRuntimeDoneElseReport() {
    ConverterHarness h = new ConverterHarness();
    h.accept(runtimeDone("2024-06-01T10:00:00.250Z", "a", "success", 250.0),
        report("2024-06-01T10:00:01.500Z", "b", "success", durationOnly(500.0)));
    h.converter.drain();

    assertThat(h.invocationSpan("a")).startsAt(at(T0)).endsAt(at("2024-06-01T10:00:00.250Z"));
    assertThat(h.invocationSpan("b")).startsAt(at("2024-06-01T10:00:01.000Z")).endsAt(at("2024-06-01T10:00:01.500Z"));
  }

  static Stream<Arguments> unusableTracing() {
    return Stream.of(
        argumentSet("no tracing", (Object) null),
        argumentSet("malformed root", xray("73f19b2c4d5e6a70", "Root=1-zz;Parent=3b2a1f0e9d8c7b6a;Sampled=1")),
        argumentSet("no header value", xray("73f19b2c4d5e6a70", null)),
        argumentSet("all-zero trace", xray("73f19b2c4d5e6a70", "Root=1-00000000-000000000000000000000000;Sampled=1")));
  }

  @ParameterizedTest
  @MethodSource("unusableTracing")
  void invocation_withUnusableXRayHeader_getsRandomTraceAndNoParent(Tracing tracing) {
    ConverterHarness h = new ConverterHarness();
    h.accept(start(T0, "a", "$LATEST", tracing), runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", 100.0));
    h.converter.drain();

    SpanData span = h.invocationSpan("a");
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(span.getTraceId()).matches("0{25}abc[0-9a-f]{4}"); // from the id source
    assertThat(span.getSpanId()).isNotEqualTo("73f19b2c4d5e6a70");
  }

  @Test
  void validHeaderWithInvalidSpanId_keepsTraceButUsesRandomSpanId() {
    ConverterHarness h = new ConverterHarness();
    h.accept(start(T0, "a", "$LATEST", xray("0000000000000000",
        "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c;Parent=3b2a1f0e9d8c7b6a;Sampled=1")));
    h.converter.drain();

    assertThat(h.invocationSpan("a")).hasTraceId("664b7a795c1f4e2a9d3b8c7e6f0a1b2c")
        .hasParentSpanId("3b2a1f0e9d8c7b6a");
    assertThat(h.invocationSpan("a").getSpanId()).isNotEqualTo("0000000000000000");
  }

  @Test
  void childSpans_withMissingNameStartOrBadDuration_areSkippedButParentKept() {
    ConverterHarness h = new ConverterHarness();
    List<SpanRecord> children = new ArrayList<>();
    children.add(new SpanRecord(null, at(T0), 1.0));
    children.add(new SpanRecord("", at(T0), 1.0));
    children.add(new SpanRecord("noStart", null, 1.0));
    children.add(new SpanRecord("negative", at(T0), -1.0));
    children.add(new SpanRecord("nan", at(T0), Double.NaN));
    children.add(new SpanRecord("infinite", at(T0), Double.POSITIVE_INFINITY));
    children.add(null);
    children.add(new SpanRecord("customOverhead", at("2024-06-01T10:00:00.001Z"), 0.001));
    h.accept(start(T0, "a"),
        runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", null, 100.0, null, null, children));
    h.converter.drain();

    assertThat(h.childrenOf(h.invocationSpan("a"))).singleElement().satisfies(child -> assertThat(child)
        .hasName("customOverhead").startsAt(at("2024-06-01T10:00:00.001Z")).endsAt(at("2024-06-01T10:00:00.001001Z")));
  }

  @Test
  void logsDropped_becomesWarnRecordAndDropCounters() {
    ConverterHarness h = new ConverterHarness();
    h.accept(logsDropped(T0, 12, 4096, "Some logs were dropped"),
        logsDropped("2024-06-01T10:00:01.000Z", 3, 100, "could not send events: EOF"));

    assertThat(h.logs).hasSize(2);
    assertThat(h.logs.get(0))
        .hasSeverity(Severity.WARN)
        .hasBody("Some logs were dropped (droppedRecords=12, droppedBytes=4096)")
        .hasAttributesSatisfying(OpenTelemetryAssertions.equalTo(LOG_SOURCE, "platform"))
        .hasTimestamp(SpanTranslator.nanos(at(T0)));
    assertThat(h.counter("aws.lambda.telemetry.dropped_records")).contains(15L);
    assertThat(h.counter("aws.lambda.telemetry.dropped_bytes")).contains(4196L);
  }

  @Test
  void logLine_afterRuntimeDone_findsItsFinishedInvocationButNoOpenOne() {
    ConverterHarness h = new ConverterHarness();
    h.accept(start(T0, "a"),
        runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", 100.0),
        report("2024-06-01T10:00:00.105Z", "a", "success", durationOnly(101.0)),
        functionLog("2024-06-01T10:00:00.106Z", "ts\ta\tINFO\tlate line"));

    assertThat(h.logCalls.get(0).open()).isNull();
    assertThat(h.logCalls.get(0).byId().spanContext()).isEqualTo(h.invocationSpan("a").getSpanContext());
  }

  @Test
  void badEvent_isCountedAndConversionGoesOn() {
    ConverterHarness h = new ConverterHarness();
    h.accept(new TelemetryEvent(null, "platform.start", null),
        new TelemetryEvent(at(T0), "platform.start", null),
        runtimeDone(T0, null, "success", 1.0),
        start(T0, "a"));
    h.converter.accept(null);
    h.converter.drain();

    assertThat(h.converter.failedEvents()).isEqualTo(4);
    assertThat(h.invocationSpans()).hasSize(1);
  }

  @Test
  void collectMetrics_beforeAnyRecording_isEmpty() {
    ConverterHarness h = new ConverterHarness();
    assertThat(h.converter.collectMetrics()).isEmpty();
    h.accept(start(T0, "a"));
    assertThat(h.converter.collectMetrics()).isEmpty();
  }

  @Test
  void metricPoints_useFirstEventTimeAsStartAndLastChangeAsTime() {
    ConverterHarness h = new ConverterHarness();
    h.accept(start(T0, "a"),
        runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", 100.0),
        report("2024-06-01T10:00:00.105Z", "a", "success", metrics(101.0, 102, 128, 60, null)),
        functionLog("2024-06-01T10:00:09.000Z", "later"));

    var point = h.metric("faas.invocations").orElseThrow().getLongSumData().getPoints().iterator().next();
    assertThat(point.getStartEpochNanos()).isEqualTo(SpanTranslator.nanos(at(T0)));
    assertThat(point.getEpochNanos()).isEqualTo(SpanTranslator.nanos(at("2024-06-01T10:00:00.105Z")));
    assertThat(h.metric("faas.invocations").orElseThrow().getLongSumData().isMonotonic()).isTrue();
    assertThat(h.metric("faas.invocations").orElseThrow().getInstrumentationScopeInfo().getName())
        .isEqualTo("lambda-telemetry-otel");
  }
}
