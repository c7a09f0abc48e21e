package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.Events.*;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.*;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.telemetry.model.ReportMetrics;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.StatusData;
import org.junit.jupiter.api.Test;

/** Init and restore spans, and how they decide cold starts. */
class TelemetryConverterPhaseTest {

  @Test
  void suppressedInit_afterTimeout_isItsOwnInitSpanAndMakesNextInvocationCold() {
    ConverterHarness h = new ConverterHarness();
    h.accept(
        start("2024-06-01T10:00:00.000Z", "a"),
        runtimeDone("2024-06-01T10:00:03.000Z", "a", "timeout", "Sandbox.Timedout", 3000.0, null, null, null),
        initStart("2024-06-01T10:01:00.000Z", "on-demand", "invoke", null),
        initRuntimeDone("2024-06-01T10:01:00.400Z", "on-demand", "invoke", "success", null),
        initReport("2024-06-01T10:01:00.450Z", "on-demand", "invoke", "success", 450.0),
        start("2024-06-01T10:01:00.451Z", "b"),
        runtimeDone("2024-06-01T10:01:00.500Z", "b", "success", 49.0),
        report("2024-06-01T10:01:00.510Z", "b", "success", metrics(500.0, 951, 128, 70, null)));
    h.converter.drain();

    assertThat(h.named("init")).singleElement().satisfies(init -> assertThat(init)
        .hasAttribute(INIT_PHASE, "invoke").startsAt(at("2024-06-01T10:01:00.000Z")));
    assertThat(h.invocationSpan("a")).hasAttribute(FAAS_COLDSTART, false);
    assertThat(h.invocationSpan("b")).hasAttribute(FAAS_COLDSTART, true);
    assertThat(h.counter("faas.timeouts")).contains(1L);
    assertThat(h.counter("faas.coldstarts")).contains(1L);
  }

  @Test
  void suppressedInit_arrivingInsideTheOpenInvocation_marksThatInvocationCold() {
    ConverterHarness h = new ConverterHarness();
    h.accept(
        start("2024-06-01T10:01:00.000Z", "b"),
        initStart("2024-06-01T10:01:00.001Z", "on-demand", "invoke", null),
        initReport("2024-06-01T10:01:00.450Z", "on-demand", "invoke", "success", 449.0),
        runtimeDone("2024-06-01T10:01:00.500Z", "b", "success", 49.0),
        start("2024-06-01T10:01:05.000Z", "c"),
        runtimeDone("2024-06-01T10:01:05.010Z", "c", "success", 10.0));
    h.converter.drain();

    assertThat(h.invocationSpan("b")).hasAttribute(FAAS_COLDSTART, true);
    assertThat(h.invocationSpan("c")).hasAttribute(FAAS_COLDSTART, false);
  }

  @Test
  void snapStart_restore_givesRestoreSpanColdInvocationFreshIdsAndOldInitSpan() {
    ConverterHarness h = new ConverterHarness();
    h.accept(
        initStart("2024-06-01T02:00:00.000Z", "snap-start", "init", "2024/06/01/orders-api[1]publish"),
        initRuntimeDone("2024-06-01T02:00:01.000Z", "snap-start", "init", "success", null));
    String instanceAtPublish = h.converter.resource().getAttribute(SERVICE_INSTANCE_ID);

    h.accept(
        restoreStart("2024-06-01T09:00:00.000Z", "2024/06/01/orders-api[1]restored"),
        restoreRuntimeDone("2024-06-01T09:00:00.300Z", "success", null),
        restoreReport("2024-06-01T09:00:00.310Z", "success", null, 310.5),
        initReport("2024-06-01T02:00:01.200Z", "snap-start", "init", "success", 1200.0),
        start("2024-06-01T09:00:00.400Z", "a"),
        runtimeDone("2024-06-01T09:00:00.500Z", "a", "success", 100.0),
        report("2024-06-01T09:00:00.510Z", "a", "success", null,
            new ReportMetrics(101.0, 412L, 512L, 200L, null, 310.5, 311L), null, null));

    assertThat(h.ids.reseeds).isEqualTo(1);
    assertThat(h.converter.resource().getAttribute(SERVICE_INSTANCE_ID)).isNotEqualTo(instanceAtPublish);
    assertThat(h.converter.resource().getAttribute(FAAS_INSTANCE)).isEqualTo("2024/06/01/orders-api[1]restored");
    assertThat(h.named("restore")).singleElement().satisfies(restore -> assertThat(restore)
        .hasStatus(StatusData.ok())
        .startsAt(at("2024-06-01T09:00:00.000Z"))
        .endsAt(at("2024-06-01T09:00:00.000Z").plusNanos(310_500_000)));
    assertThat(h.named("init")).singleElement().satisfies(init -> assertThat(init)
        .hasAttribute(INIT_TYPE, "snap-start")
        .startsAt(at("2024-06-01T02:00:00.000Z"))
        .endsAt(at("2024-06-01T02:00:01.200Z")));
    assertThat(h.invocationSpan("a")).hasAttribute(FAAS_COLDSTART, true).hasAttribute(RESTORE_DURATION_MS, 310.5);
    assertThat(h.counter("faas.coldstarts")).contains(1L);
    assertThat(h.histogram("aws.lambda.restore_duration").orElseThrow().getSum()).isEqualTo(0.3105);
    assertThat(h.histogram("faas.init_duration").orElseThrow().getSum()).isEqualTo(1.2);
  }

  @Test
  void snapStart_initWithoutRestore_doesNotMakeAnInvocationCold() {
    ConverterHarness h = new ConverterHarness();
    h.accept(
        initStart("2024-06-01T02:00:00.000Z", "snap-start", "init", null),
        initReport("2024-06-01T02:00:01.200Z", "snap-start", "init", "success", 1200.0),
        start("2024-06-01T09:00:00.400Z", "a"),
        runtimeDone("2024-06-01T09:00:00.500Z", "a", "success", 100.0));
    h.converter.drain();

    assertThat(h.invocationSpan("a")).hasAttribute(FAAS_COLDSTART, false);
  }

  @Test
  void snapStart_afterRestoreHookFailure_restoreSpanIsError() {
    ConverterHarness h = new ConverterHarness();
    h.accept(
        restoreStart("2024-06-01T09:00:00.000Z", null),
        restoreRuntimeDone("2024-06-01T09:00:00.300Z", "error", "Runtime.AfterRestoreError"),
        restoreReport("2024-06-01T09:00:00.310Z", "error", "Runtime.AfterRestoreError", 310.0));

    assertThat(h.named("restore")).singleElement().satisfies(restore -> assertThat(restore)
        .hasStatus(StatusData.create(StatusCode.ERROR, "Runtime.AfterRestoreError"))
        .hasAttribute(ERROR_TYPE, "Runtime.AfterRestoreError"));
  }

  @Test
  void restore_withUserServiceInstanceId_keepsIt() {
    ConverterHarness h = new ConverterHarness(new ConverterOptions(false, 8, "snap-start", true));
    h.accept(restoreStart("2024-06-01T09:00:00.000Z", null));
    assertThat(h.converter.resource().getAttribute(SERVICE_INSTANCE_ID)).isEqualTo("initial-instance");
    assertThat(h.ids.reseeds).isEqualTo(1);
  }

  @Test
  void provisionedConcurrency_lateInitReport_givesOneInitSpanAndNoColdStart() {
    ConverterHarness h = new ConverterHarness(ConverterOptions.defaults("provisioned-concurrency"));
    h.accept(
        initStart("2024-06-01T08:00:00.000Z", "provisioned-concurrency", "init", null),
        initRuntimeDone("2024-06-01T08:00:02.000Z", "provisioned-concurrency", "init", "success", null),
        start("2024-06-01T10:00:00.000Z", "a"),
        initReport("2024-06-01T08:00:02.010Z", "provisioned-concurrency", "init", "success", 2010.0),
        runtimeDone("2024-06-01T10:00:00.100Z", "a", "success", 100.0),
        report("2024-06-01T10:00:00.110Z", "a", "success", metrics(101.0, 102, 128, 60, null)));
    h.converter.drain();

    assertThat(h.named("init")).singleElement().satisfies(init -> assertThat(init)
        .endsAt(at("2024-06-01T08:00:00.000Z").plusNanos(2_010_000_000L)));
    assertThat(h.invocationSpan("a")).hasAttribute(FAAS_COLDSTART, false);
    assertThat(h.counter("faas.coldstarts")).isEmpty();
  }

  @Test
  void initWithoutReport_isReleasedWithFirstInvocationUsingRuntimeDoneTime_andLateReportAddsNoSpan() {
    ConverterHarness h = new ConverterHarness(ConverterOptions.defaults("provisioned-concurrency"));
    h.accept(
        initStart("2024-06-01T08:00:00.000Z", "provisioned-concurrency", "init", null),
        initRuntimeDone("2024-06-01T08:00:02.000Z", "provisioned-concurrency", "init", "error", "Runtime.Unknown"),
        start("2024-06-01T10:00:00.000Z", "a"),
        report("2024-06-01T10:00:00.110Z", "a", "success", durationOnly(110.0)));

    assertThat(h.named("init")).singleElement().satisfies(init -> assertThat(init)
        .hasStatus(StatusData.create(StatusCode.ERROR, "Runtime.Unknown"))
        .endsAt(at("2024-06-01T08:00:02.000Z")));

    h.accept(initReport("2024-06-01T08:00:02.010Z", "provisioned-concurrency", "init", "error", 2010.0));
    h.converter.drain();
    assertThat(h.named("init")).hasSize(1);
    assertThat(h.histogram("faas.init_duration").orElseThrow().getCount()).isEqualTo(1);
  }

  @Test
  void initStartOnly_isReleasedAtDrainExactlyOnce() {
    ConverterHarness h = new ConverterHarness();
    h.accept(initStart("2024-06-01T08:00:00.000Z", "on-demand", "init", "stream-1"),
        extensionLog("2024-06-01T08:00:00.500Z", "starting"));
    h.converter.drain();
    h.converter.drain();

    assertThat(h.named("init")).singleElement().satisfies(init -> assertThat(init)
        .startsAt(at("2024-06-01T08:00:00.000Z")).endsAt(at("2024-06-01T08:00:00.500Z")));
    assertThat(h.converter.resource().getAttribute(FAAS_INSTANCE)).isEqualTo("stream-1");
  }
}
