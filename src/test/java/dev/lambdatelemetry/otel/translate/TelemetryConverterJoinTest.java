package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.Events.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.telemetry.model.Tracing;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One trace per invocation ({@code lambda-telemetry.join}): the platform invocation span and the
 * function's entry span, as decided at {@link TelemetryConverter#settleJoin} (just before the
 * invocation's flush) or, at the latest, when the invocation span is emitted.
 */
class TelemetryConverterJoinTest {

  private static final String T0 = "2024-06-01T10:00:00.000Z";
  private static final String XRAY_TRACE = "664b7a795c1f2e3d4c5b6a7980a1b2c3";
  private static final String XRAY_PARENT = "3b2a1f0e9d8c7b6a";
  private static final String PLATFORM_SPAN = "53995c3f42cd8ad8";
  private static final Tracing XRAY =
      xray(PLATFORM_SPAN, "Root=1-664b7a79-5c1f2e3d4c5b6a7980a1b2c3;Parent=" + XRAY_PARENT + ";Sampled=1");
  private static final String FUNCTION_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String UPSTREAM_SPAN = "b7ad6b7169203331";
  private static final String ENTRY_SPAN = "00f067aa0ba902b7";

  private final FakeFunctionTraces function = new FakeFunctionTraces();

  /** The ids of a span as a trace viewer links them. */
  record Ids(String traceId, String spanId, String parentSpanId) {
    static Ids of(SpanData span) {
      return new Ids(span.getTraceId(), span.getSpanId(),
          span.getParentSpanContext().isValid() ? span.getParentSpanId() : null);
    }
  }

  private static ConverterHarness joining(JoinMode mode, FunctionTraces traces) {
    return new ConverterHarness(ConverterOptions.defaults(null).withJoin(mode), traces);
  }

  private ConverterHarness rewrite() {
    return joining(JoinMode.REWRITE, function);
  }

  /** Invocation "a" up to its runtimeDone, with a child span in runtimeDone's spans[]. */
  private static TelemetryEvent[] untilRuntimeDone(Tracing tracing, String status) {
    return new TelemetryEvent[] {
        start(T0, "a", "$LATEST", tracing),
        runtimeDone("2024-06-01T10:00:00.200Z", "a", status, "success".equals(status) ? null : "Runtime.Error",
            200.0, 12L, tracing, List.of(span("responseLatency", "2024-06-01T10:00:00.190Z", 5.0)))};
  }

  /** Invocation "a"'s report (normally during the next invocation), with a child span in spans[]. */
  private static TelemetryEvent reportOf(Tracing tracing, String status) {
    return report("2024-06-01T10:00:00.260Z", "a", status, "success".equals(status) ? null : "Runtime.Error",
        metrics(250.0, 251, 128, 70, null), tracing,
        List.of(span("extensionOverhead", "2024-06-01T10:00:00.200Z", 50.0)));
  }

  /** The whole invocation with the decision point where the lifecycle calls it. */
  private static ConverterHarness runInvocation(ConverterHarness h, Tracing tracing, String status) {
    h.accept(untilRuntimeDone(tracing, status));
    h.converter.settleJoin("a");
    h.accept(reportOf(tracing, status));
    return h;
  }

  /** What the same events make without any join: today's output. */
  private static ConverterHarness unjoined(Tracing tracing, String status) {
    return runInvocation(new ConverterHarness(), tracing, status);
  }

  private static void assertWholeInvocationIn(ConverterHarness h, String traceId) {
    SpanData invocation = h.invocationSpan("a");
    assertThat(invocation.getTraceId()).isEqualTo(traceId);
    assertThat(h.childrenOf(invocation)).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("responseLatency", "extensionOverhead");
  }

  // --- active tracing: both in the X-Ray trace

  @ParameterizedTest(name = "entry parent {0}")
  @NullSource
  @ValueSource(strings = XRAY_PARENT)
  void xray_entryUnderXRayParentOrRoot_becomesChildOfPlatformSpan_andNothingElseChanges(String entryParent) {
    FunctionSpan entry = new FunctionSpan(XRAY_TRACE, ENTRY_SPAN, entryParent, "a");
    function.receive(entry);

    ConverterHarness h = runInvocation(rewrite(), XRAY, "success");

    assertThat(function.lookups).containsExactly(new FakeFunctionTraces.Lookup("a", XRAY_TRACE));
    assertThat(function.reparents).containsExactly(new FakeFunctionTraces.Reparent(entry, PLATFORM_SPAN));
    ConverterHarness today = unjoined(XRAY, "success");
    assertThat(h.spans).map(Ids::of).containsExactlyElementsOf(today.spans.stream().map(Ids::of).toList());
    assertThat(Ids.of(h.invocationSpan("a"))).isEqualTo(new Ids(XRAY_TRACE, PLATFORM_SPAN, XRAY_PARENT));
    assertThat(h.converter.joinedInvocations()).isEqualTo(1);
  }

  @Test
  void xray_entryWithAParentOfItsOwnInTheTrace_isLeftAlone() {
    function.receive(new FunctionSpan(XRAY_TRACE, ENTRY_SPAN, "1111222233334444", "a"));

    ConverterHarness h = runInvocation(rewrite(), XRAY, "success");

    assertThat(function.reparents).isEmpty();
    assertThat(Ids.of(h.invocationSpan("a"))).isEqualTo(new Ids(XRAY_TRACE, PLATFORM_SPAN, XRAY_PARENT));
  }

  @Test
  void xray_entryFoundByTraceWhenItNamesNoInvocation_isJoined() {
    FunctionSpan entry = new FunctionSpan(XRAY_TRACE, ENTRY_SPAN, XRAY_PARENT, null);
    function.receive(entry, new FunctionSpan(XRAY_TRACE, "2222333344445555", ENTRY_SPAN, null));

    runInvocation(rewrite(), XRAY, "success");

    assertThat(function.reparents).containsExactly(new FakeFunctionTraces.Reparent(entry, PLATFORM_SPAN));
  }

  @Test
  void xray_entryInAnotherTrace_movesThePlatformSpansIntoTheFunctionsTrace() {
    FunctionSpan entry = new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, UPSTREAM_SPAN, "a");
    function.receive(entry);

    ConverterHarness h = runInvocation(rewrite(), XRAY, "success");

    assertThat(function.reparents).containsExactly(new FakeFunctionTraces.Reparent(entry, PLATFORM_SPAN));
    assertThat(Ids.of(h.invocationSpan("a"))).isEqualTo(new Ids(FUNCTION_TRACE, PLATFORM_SPAN, UPSTREAM_SPAN));
    assertWholeInvocationIn(h, FUNCTION_TRACE);
  }

  // --- no active tracing: the platform span goes to the function's trace

  @Test
  void noXRay_platformSpanTakesTheEntrysTraceAndUpstreamParent_andTheEntryBecomesItsChild() {
    FunctionSpan entry = new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, UPSTREAM_SPAN, "a");
    function.receive(entry);

    ConverterHarness h = runInvocation(rewrite(), null, "success");

    SpanData invocation = h.invocationSpan("a");
    String ownSpanId = unjoined(null, "success").invocationSpan("a").getSpanId();
    assertThat(function.lookups).containsExactly(new FakeFunctionTraces.Lookup("a", null));
    assertThat(Ids.of(invocation)).isEqualTo(new Ids(FUNCTION_TRACE, ownSpanId, UPSTREAM_SPAN));
    assertThat(invocation.getParentSpanContext().isRemote()).isTrue();
    assertThat(function.reparents).containsExactly(new FakeFunctionTraces.Reparent(entry, ownSpanId));
    assertWholeInvocationIn(h, FUNCTION_TRACE);
    assertThat(h.spans).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(FUNCTION_TRACE));
  }

  @Test
  void noXRay_rootEntry_makesThePlatformSpanTheRootOfTheFunctionsTrace() {
    function.receive(new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, null, "a"));

    ConverterHarness h = runInvocation(rewrite(), null, "success");

    assertThat(Ids.of(h.invocationSpan("a")).parentSpanId()).isNull();
    assertWholeInvocationIn(h, FUNCTION_TRACE);
  }

  @Test
  void entryAlreadyAChildOfThePlatformSpan_isNotTouched() {
    function.receive(new FunctionSpan(XRAY_TRACE, ENTRY_SPAN, PLATFORM_SPAN, "a"));

    ConverterHarness h = runInvocation(rewrite(), XRAY, "success");

    assertThat(function.reparents).isEmpty();
    assertThat(Ids.of(h.invocationSpan("a"))).isEqualTo(new Ids(XRAY_TRACE, PLATFORM_SPAN, XRAY_PARENT));
    assertThat(h.converter.joinedInvocations()).isEqualTo(1);
  }

  @ParameterizedTest(name = "tracing {0}")
  @ValueSource(booleans = {true, false})
  void reparentRefused_bothSidesAreExportedAsTheyCame(boolean activeTracing) {
    Tracing tracing = activeTracing ? XRAY : null;
    FunctionSpan entry = new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, UPSTREAM_SPAN, "a");
    function.receive(entry);
    function.export(entry); // still found by a racing lookup below, but its bytes are gone
    FunctionTraces racing = new FunctionTraces() {
      @Override
      public java.util.Optional<FunctionSpan> entrySpan(String requestId, String platformTraceId) {
        return java.util.Optional.of(entry);
      }

      @Override
      public boolean reparent(FunctionSpan e, String parentSpanId) {
        return function.reparent(e, parentSpanId);
      }

      @Override
      public boolean link(FunctionSpan e, String traceId, String spanId) {
        return function.link(e, traceId, spanId);
      }
    };

    ConverterHarness h = runInvocation(joining(JoinMode.REWRITE, racing), tracing, "success");

    assertThat(function.reparents).hasSize(1);
    ConverterHarness today = unjoined(tracing, "success");
    assertThat(h.spans).map(Ids::of).containsExactlyElementsOf(today.spans.stream().map(Ids::of).toList());
    assertThat(h.converter.unjoinedInvocations()).isEqualTo(1);
    assertThat(h.converter.joinedInvocations()).isZero();
  }

  // --- link mode

  @ParameterizedTest(name = "tracing {0}")
  @ValueSource(booleans = {true, false})
  void link_addsALinkEachWay_andRewritesNoId(boolean activeTracing) {
    Tracing tracing = activeTracing ? XRAY : null;
    FunctionSpan entry = new FunctionSpan(activeTracing ? XRAY_TRACE : FUNCTION_TRACE, ENTRY_SPAN, null, "a");
    function.receive(entry);

    ConverterHarness h = runInvocation(joining(JoinMode.LINK, function), tracing, "success");

    ConverterHarness today = unjoined(tracing, "success");
    assertThat(h.spans).map(Ids::of).containsExactlyElementsOf(today.spans.stream().map(Ids::of).toList());
    SpanData invocation = h.invocationSpan("a");
    assertThat(invocation.getLinks()).extracting(LinkData::getSpanContext)
        .singleElement()
        .satisfies(c -> {
          assertThat(c.getTraceId()).isEqualTo(entry.traceId());
          assertThat(c.getSpanId()).isEqualTo(ENTRY_SPAN);
        });
    assertThat(invocation.getTotalRecordedLinks()).isEqualTo(1);
    assertThat(function.links).containsExactly(
        new FakeFunctionTraces.Link(entry, invocation.getTraceId(), invocation.getSpanId()));
    assertThat(function.reparents).isEmpty();
  }

  // --- off: exactly today's output

  @Test
  void off_asksTheFunctionSideNothing_andChangesNothing() {
    function.receive(new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, UPSTREAM_SPAN, "a"));
    ConverterHarness h = joining(JoinMode.OFF, function);
    TelemetryEvent[] before = {
        initStart("2024-06-01T09:59:59.000Z", "on-demand", "init", null),
        initReport("2024-06-01T09:59:59.500Z", "on-demand", "init", "success", 500.0),
        start(T0, "a"),
        functionLog("2024-06-01T10:00:00.050Z", "processing order 42")};
    h.accept(before);
    runInvocation(h, null, "success");

    ConverterHarness today = new ConverterHarness();
    today.accept(before);
    runInvocation(today, null, "success");
    assertThat(function.calls()).isZero();
    assertThat(h.logs).hasSize(1);
    assertThat(h.spans).isEqualTo(today.spans);
    assertThat(h.logs).isEqualTo(today.logs);
  }

  @Test
  void noFunctionTraces_rewriteIsTodaysOutput() {
    ConverterHarness h = joining(JoinMode.REWRITE, FunctionTraces.NONE);
    h.accept(start(T0, "a", "$LATEST", XRAY), functionLog("2024-06-01T10:00:00.050Z", "processing order 42"));
    runInvocation(h, XRAY, "success");

    ConverterHarness today = new ConverterHarness();
    today.accept(start(T0, "a", "$LATEST", XRAY), functionLog("2024-06-01T10:00:00.050Z", "processing order 42"));
    runInvocation(today, XRAY, "success");
    assertThat(h.spans).isEqualTo(today.spans);
    assertThat(h.logs).hasSize(1).isEqualTo(today.logs);
    assertThat(h.converter.joinedInvocations() + h.converter.unjoinedInvocations()).isZero();
  }

  // --- init and restore spans

  @Test
  void init_isHeldUntilTheFirstInvocationsDecision_thenJoinsItsTraceAsAChildOfItsSpan() {
    function.receive(new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, UPSTREAM_SPAN, "a"));
    ConverterHarness h = rewrite();
    h.accept(initStart("2024-06-01T09:59:59.000Z", "on-demand", "init", null),
        initRuntimeDone("2024-06-01T09:59:59.490Z", "on-demand", "init", "success", null),
        initReport("2024-06-01T09:59:59.500Z", "on-demand", "init", "success", 500.0));
    assertThat(h.named("init")).isEmpty();

    h.accept(untilRuntimeDone(null, "success"));
    assertThat(h.named("init")).isEmpty();
    h.converter.settleJoin("a");

    SpanData init = h.named("init").get(0);
    h.accept(reportOf(null, "success"));
    SpanData invocation = h.invocationSpan("a");
    assertThat(Ids.of(init)).isEqualTo(new Ids(FUNCTION_TRACE, init.getSpanId(), invocation.getSpanId()));
    assertThat(h.childrenOf(invocation)).contains(init);
  }

  @Test
  void init_firstInvocationWithoutFunctionSpans_isReleasedAtItsDecisionAsItsOwnTrace() {
    ConverterHarness h = rewrite();
    h.accept(initStart("2024-06-01T09:59:59.000Z", "on-demand", "init", null),
        initReport("2024-06-01T09:59:59.500Z", "on-demand", "init", "success", 500.0));
    h.accept(untilRuntimeDone(null, "success"));
    h.converter.settleJoin("a");

    assertThat(h.named("init")).hasSize(1);
    h.accept(reportOf(null, "success"));
    SpanData init = h.named("init").get(0);
    assertThat(init.getParentSpanContext().isValid()).isFalse();
    assertThat(init.getTraceId()).isNotEqualTo(h.invocationSpan("a").getTraceId());
    assertThat(h.converter.unjoinedInvocations()).isEqualTo(1);
  }

  @Test
  void init_withNoInvocationAtAll_isEmittedAtDrain() {
    ConverterHarness h = rewrite();
    h.accept(initStart("2024-06-01T09:59:59.000Z", "on-demand", "init", null),
        initReport("2024-06-01T09:59:59.500Z", "on-demand", "init", "success", 500.0));
    assertThat(h.named("init")).isEmpty();

    h.converter.drain();

    assertThat(h.named("init")).singleElement()
        .satisfies(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
  }

  @Test
  void init_inXRayTrace_joinsTheRequestsXRayTrace() {
    function.receive(new FunctionSpan(XRAY_TRACE, ENTRY_SPAN, XRAY_PARENT, "a"));
    ConverterHarness h = rewrite();
    h.accept(initStart("2024-06-01T09:59:59.000Z", "on-demand", "init", null),
        initReport("2024-06-01T09:59:59.500Z", "on-demand", "init", "success", 500.0));
    runInvocation(h, XRAY, "success");

    assertThat(Ids.of(h.named("init").get(0)).traceId()).isEqualTo(XRAY_TRACE);
    assertThat(Ids.of(h.named("init").get(0)).parentSpanId()).isEqualTo(PLATFORM_SPAN);
  }

  @Test
  void restore_joinsTheFirstInvocationAfterIt() {
    function.receive(new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, null, "a"));
    ConverterHarness h = new ConverterHarness(ConverterOptions.defaults("snap-start"), function);
    h.accept(restoreStart("2024-06-01T09:59:59.000Z", null),
        restoreRuntimeDone("2024-06-01T09:59:59.300Z", "success", null),
        restoreReport("2024-06-01T09:59:59.310Z", "success", null, 310.0));
    assertThat(h.named("restore")).isEmpty();
    runInvocation(h, null, "success");

    SpanData restore = h.named("restore").get(0);
    assertThat(Ids.of(restore)).isEqualTo(
        new Ids(FUNCTION_TRACE, restore.getSpanId(), h.invocationSpan("a").getSpanId()));
  }

  @Test
  void init_inLinkMode_linksToTheFirstInvocationsSpan() {
    function.receive(new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, null, "a"));
    ConverterHarness h = joining(JoinMode.LINK, function);
    h.accept(initStart("2024-06-01T09:59:59.000Z", "on-demand", "init", null),
        initReport("2024-06-01T09:59:59.500Z", "on-demand", "init", "success", 500.0));
    runInvocation(h, null, "success");

    SpanData init = h.named("init").get(0);
    assertThat(init.getParentSpanContext().isValid()).isFalse();
    assertThat(init.getLinks()).extracting(l -> l.getSpanContext().getSpanId())
        .containsExactly(h.invocationSpan("a").getSpanId());
  }

  // --- timeouts and crashes

  @ParameterizedTest(name = "tracing {0}")
  @ValueSource(booleans = {true, false})
  void crashedInvocation_platformSpanKeepsItsErrorStatus_andIsTheParentOfTheEntrySpan(boolean activeTracing) {
    Tracing tracing = activeTracing ? XRAY : null;
    // The instrumentation ends the handler's span with the exception and flushes it before the crash.
    FunctionSpan entry = new FunctionSpan(activeTracing ? XRAY_TRACE : FUNCTION_TRACE, ENTRY_SPAN,
        activeTracing ? XRAY_PARENT : null, "a");
    function.receive(entry);

    ConverterHarness h = runInvocation(rewrite(), tracing, "error");

    SpanData invocation = h.invocationSpan("a");
    assertThat(invocation.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(function.reparents)
        .containsExactly(new FakeFunctionTraces.Reparent(entry, invocation.getSpanId()));
    assertWholeInvocationIn(h, entry.traceId());
  }

  @Test
  void timedOutInvocation_inXRay_platformSpanWithItsErrorIsTheParentOfWhatTheFunctionSent() {
    // The handler never ended its span; a child that did end was sent, under the missing span.
    FunctionSpan child = new FunctionSpan(XRAY_TRACE, "2222333344445555", ENTRY_SPAN, null);
    function.receive(child);
    ConverterHarness h = rewrite();
    h.accept(start(T0, "a", "$LATEST", XRAY));
    h.converter.settleJoin("a"); // the wait for runtimeDone ended at the deadline
    h.accept(runtimeDone("2024-06-01T10:00:03.000Z", "a", "timeout", "Sandbox.Timedout", 3000.0, null, XRAY,
            List.of()),
        report("2024-06-01T10:00:03.010Z", "a", "timeout", "Sandbox.Timedout", metrics(3000.0, 3000, 128, 90, null),
            XRAY, List.of()));

    SpanData invocation = h.invocationSpan("a");
    assertThat(invocation.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(Ids.of(invocation)).isEqualTo(new Ids(XRAY_TRACE, PLATFORM_SPAN, XRAY_PARENT));
    assertThat(function.reparents).containsExactly(new FakeFunctionTraces.Reparent(child, PLATFORM_SPAN));
  }

  @Test
  void timedOutInvocation_withoutXRay_andNothingNamingIt_isLeftAsItCame() {
    FunctionSpan child = new FunctionSpan(FUNCTION_TRACE, "2222333344445555", ENTRY_SPAN, null);
    function.receive(child);
    ConverterHarness h = rewrite();
    h.accept(start(T0, "a"));
    h.converter.settleJoin("a");
    h.accept(runtimeDone("2024-06-01T10:00:03.000Z", "a", "timeout", 3000.0));

    h.converter.drain();

    assertThat(h.invocationSpan("a").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(h.invocationSpan("a").getTraceId()).isNotEqualTo(FUNCTION_TRACE);
    assertThat(function.reparents).isEmpty();
  }

  // --- timing

  @Test
  void entryArrivingAfterRuntimeDone_butBeforeTheDecision_isJoined() {
    ConverterHarness h = rewrite();
    h.accept(untilRuntimeDone(null, "success"));
    function.receive(new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, null, "a"));
    assertThat(function.calls()).isZero(); // nothing is decided at runtimeDone

    h.converter.settleJoin("a");
    assertThat(function.reparents).hasSize(1); // before the flush exports the entry span
    h.accept(reportOf(null, "success"));

    assertWholeInvocationIn(h, FUNCTION_TRACE);
  }

  @Test
  void entryArrivingAfterTheDecision_andStillUnexportedAtTheReport_isJoinedThen() {
    ConverterHarness h = rewrite();
    h.accept(untilRuntimeDone(null, "success"));
    h.converter.settleJoin("a");
    function.receive(new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, null, "a"));
    h.accept(reportOf(null, "success"));

    assertThat(function.lookups).hasSize(2);
    assertWholeInvocationIn(h, FUNCTION_TRACE);
  }

  @Test
  void entryExportedUnjoinedAfterTheDecision_leavesThePlatformSpanAsItCame() {
    ConverterHarness h = rewrite();
    h.accept(untilRuntimeDone(null, "success"));
    h.converter.settleJoin("a");
    FunctionSpan late = new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, null, "a");
    function.receive(late).export(late);
    h.accept(reportOf(null, "success"));

    assertThat(h.spans).map(Ids::of)
        .containsExactlyElementsOf(unjoined(null, "success").spans.stream().map(Ids::of).toList());
    assertThat(h.converter.unjoinedInvocations()).isEqualTo(1);
  }

  @Test
  void aDecisionIsMadeOnce_aSecondSettleAsksNothing() {
    function.receive(new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, null, "a"));
    ConverterHarness h = rewrite();
    h.accept(untilRuntimeDone(null, "success"));
    h.converter.settleJoin("a");
    h.converter.settleJoin("a");
    h.accept(reportOf(null, "success"));

    assertThat(function.lookups).hasSize(1);
    assertThat(function.reparents).hasSize(1);
  }

  @Test
  void invocationNeverSettled_isJoinedWhenDrained() {
    function.receive(new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, null, "a"));
    ConverterHarness h = rewrite();
    h.accept(untilRuntimeDone(null, "success"));

    h.converter.drain();

    SpanData invocation = h.invocationSpan("a");
    assertThat(invocation.getTraceId()).isEqualTo(FUNCTION_TRACE);
    assertThat(h.childrenOf(invocation)).extracting(SpanData::getName).containsExactly("responseLatency");
  }

  @Test
  void settleJoin_ofAnUnknownInvocation_doesNothing() {
    ConverterHarness h = rewrite();
    h.converter.settleJoin("never-started");
    h.converter.settleJoin(null);

    assertThat(function.calls()).isZero();
    assertThat(h.converter.failedOperations()).isZero();
  }

  // --- log records follow the joined trace

  @Test
  void logRecordsMadeBeforeTheDecision_carryTheJoinedTraceWhenExported() {
    function.receive(new FunctionSpan(FUNCTION_TRACE, ENTRY_SPAN, UPSTREAM_SPAN, "a"));
    ConverterHarness h = new ConverterHarness(
        new ConverterOptions(true, 8, null, false, JoinMode.REWRITE), function);
    h.accept(start(T0, "a"), functionLog("2024-06-01T10:00:00.050Z", "processing order 42"));
    h.accept(runtimeDone("2024-06-01T10:00:00.200Z", "a", "success", 200.0));
    assertThat(h.logs).hasSize(3); // START, the line, END
    assertThat(h.logs).allSatisfy(l -> assertThat(l.getSpanContext().getTraceId()).isNotEqualTo(FUNCTION_TRACE));

    h.converter.settleJoin("a");

    String span = h.logs.get(0).getSpanContext().getSpanId();
    assertThat(h.logs).allSatisfy(l -> {
      assertThat(l.getSpanContext().getTraceId()).isEqualTo(FUNCTION_TRACE);
      assertThat(l.getSpanContext().getSpanId()).isEqualTo(span);
    });
  }

  // --- the configuration's names

  @Test
  void joinMode_parsesItsConfigNames_ignoringCaseAndBlanks() {
    assertThat(JoinMode.parse("rewrite")).contains(JoinMode.REWRITE);
    assertThat(JoinMode.parse(" LINK ")).contains(JoinMode.LINK);
    assertThat(JoinMode.parse("Off")).contains(JoinMode.OFF);
    assertThat(JoinMode.parse("merge")).isEmpty();
    assertThat(JoinMode.parse(null)).isEmpty();
    assertThat(JoinMode.configNames()).isEqualTo("rewrite|link|off");
    assertThat(JoinMode.DEFAULT).isEqualTo(JoinMode.REWRITE);
    assertThat(ConverterOptions.defaults(null).join()).isEqualTo(JoinMode.REWRITE);
  }
}
