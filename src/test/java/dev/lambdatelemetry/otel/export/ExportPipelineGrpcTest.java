package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.testing.OtlpGrpcReceiver;
import dev.lambdatelemetry.otel.testing.OtlpGrpcReceiver.Mode;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.PollingWait;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.grpc.Status;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pipeline with {@code protocol=grpc} against a real OTLP/gRPC receiver on loopback. */
class ExportPipelineGrpcTest {

  private static final Duration BUDGET = Duration.ofMillis(300);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Resource RESOURCE =
      Resource.create(Attributes.of(ResourceFactory.SERVICE_NAME, "fn"));
  private static final AtomicLong SPAN_SEQ = new AtomicLong(1);

  private OtlpGrpcReceiver receiver;
  private ExportPipeline pipeline;
  private final AtomicReference<Collection<MetricData>> metrics = new AtomicReference<>(List.of());

  @BeforeEach
  void startReceiver() {
    receiver = OtlpGrpcReceiver.start();
  }

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.shutdown(Instant.now().plusMillis(50));
    }
    receiver.close();
  }

  @Test
  void flush_grpcReceiverUp_deliversSpansLogsAndMetricsDecodedWithHeaders() {
    pipeline = pipeline(Map.of("otel.exporter.otlp.headers", "x-api-key=k%201"));
    metrics.set(List.of(counter("faas.invocations", 1)));
    pipeline.span(span());
    pipeline.span(span());
    pipeline.log(TestLogRecordData.builder().setBody("hello").setResource(RESOURCE).build());

    FlushResult result = pipeline.flush(Instant.now().plus(WAIT));

    assertThat(result.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(receiver.spans()).extracting(s -> s.getName()).containsExactly("invoke", "invoke");
    assertThat(receiver.logRecords()).extracting(l -> l.getBody().getStringValue()).containsExactly("hello");
    assertThat(metricNames()).contains("faas.invocations", ExportCounters.METRIC_NAME);
    assertThat(receiver.resourceSpans().get(0).getResource().getAttributesList())
        .anySatisfy(a -> assertThat(a.getValue().getStringValue()).isEqualTo("fn"));
    assertThat(receiver.methods())
        .containsExactlyInAnyOrder(
            OtlpGrpcReceiver.TRACES_METHOD, OtlpGrpcReceiver.LOGS_METHOD, OtlpGrpcReceiver.METRICS_METHOD);
    assertThat(receiver.requestHeaders()).allSatisfy(h -> assertThat(h).containsEntry("x-api-key", "k 1"));
    assertThat(receiver.sawGzip()).isFalse();
    assertThat(pipeline.count(Signal.TRACES, Outcome.EXPORTED)).isEqualTo(2);
    assertThat(pipeline.requestsInFlight()).isZero();
  }

  @Test
  void flush_gzip_sendsGrpcEncodingGzipTheReceiverDecodes() {
    pipeline = pipeline(Map.of("otel.exporter.otlp.compression", "gzip"));
    SpanData s = span();
    pipeline.span(s);

    FlushResult result = pipeline.flush(Instant.now().plus(WAIT));

    assertThat(result.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(receiver.sawGzip()).isTrue();
    assertThat(receiver.requestHeaders()).allSatisfy(h -> assertThat(h).containsEntry("grpc-encoding", "gzip"));
    assertThat(spanIds()).containsExactly(s.getSpanId());
  }

  @Test
  void flush_perSignalProtocol_sendsOnlyThatSignalOverGrpc() {
    try (OtlpReceiver http = OtlpReceiver.start()) {
      Map<String, String> props = new HashMap<>();
      props.put("otel.exporter.otlp.endpoint", http.endpoint());
      props.put("otel.exporter.otlp.traces.protocol", "grpc");
      props.put("otel.exporter.otlp.traces.endpoint", receiver.endpoint());
      props.put("otel.metrics.exporter", "none");
      pipeline = build(props);
      pipeline.span(span());
      pipeline.log(TestLogRecordData.builder().setBody("over http").setResource(RESOURCE).build());

      FlushResult result = pipeline.flush(Instant.now().plus(WAIT));

      assertThat(result.status()).isEqualTo(FlushResult.Status.COMPLETE);
      assertThat(receiver.spans()).hasSize(1);
      assertThat(receiver.logRecords()).isEmpty();
      assertThat(http.logRecords()).extracting(l -> l.getBody().getStringValue()).containsExactly("over http");
      assertThat(http.spans()).isEmpty();
    }
  }

  @Test
  void flush_unavailableTwiceThenOk_retriesWithinDeadlineAndDeliversOnce() {
    pipeline = pipeline(Map.of("otel.metrics.exporter", "none"));
    receiver.failNext(2, Status.Code.UNAVAILABLE);
    SpanData s = span();
    pipeline.span(s);

    FlushResult result = pipeline.flush(Instant.now().plus(WAIT));

    assertThat(result.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(receiver.requestCount()).isEqualTo(3);
    assertThat(pipeline.count(Signal.TRACES, Outcome.RETRIED)).isEqualTo(2);
    assertThat(spanIds()).containsExactly(s.getSpanId());
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        argumentSet("UNAVAILABLE is retried, then kept", Status.Code.UNAVAILABLE, 3, 1, 0L),
        argumentSet("RESOURCE_EXHAUSTED is retried, then kept", Status.Code.RESOURCE_EXHAUSTED, 3, 1, 0L),
        argumentSet("INVALID_ARGUMENT is rejected at once", Status.Code.INVALID_ARGUMENT, 1, 0, 1L),
        argumentSet("UNAUTHENTICATED is rejected at once", Status.Code.UNAUTHENTICATED, 1, 0, 1L));
  }

  @ParameterizedTest
  @MethodSource("statuses")
  void flush_grpcStatus_retriesOnlyRetryableCodes(
      Status.Code code, int expectedCalls, int expectedPending, long expectedFailed) {
    pipeline =
        pipeline(Map.of("otel.metrics.exporter", "none", "lambda-telemetry.export.retry.max-attempts", "3"));
    receiver.setMode(Mode.STATUS(code));
    SpanData s = span();
    pipeline.span(s);

    FlushResult result = pipeline.flush(Instant.now().plus(WAIT));

    assertThat(receiver.requestCount()).isEqualTo(expectedCalls);
    assertThat(pipeline.pendingItems()).isEqualTo(expectedPending);
    assertThat(pipeline.count(Signal.TRACES, Outcome.FAILED)).isEqualTo(expectedFailed);
    assertThat(pipeline.requestsInFlight()).isZero();
    if (expectedPending > 0) {
      assertThat(result.status()).isEqualTo(FlushResult.Status.FAILED);
      receiver.setMode(Mode.UP);
      pipeline.flush(Instant.now().plus(WAIT));
      assertThat(spanIds()).as("delivered once after recovery").containsExactly(s.getSpanId());
    }
  }

  @Test
  void flush_receiverHangs_returnsByDeadlineCancelsTheCallAndNeverResends() {
    pipeline = pipeline(Map.of("otel.metrics.exporter", "none"));
    receiver.setMode(Mode.HANG);
    pipeline.span(span());

    Instant deadline = Instant.now().plus(BUDGET);
    FlushResult result = pipeline.flush(deadline);

    assertThat(Duration.between(deadline, Instant.now())).as("returned about the deadline")
        .isLessThan(Duration.ofSeconds(2));
    assertThat(result.abandoned()).isEqualTo(1);
    assertThat(pipeline.requestsInFlight()).as("nothing in flight after flush").isZero();
    assertThat(pipeline.count(Signal.TRACES, Outcome.ABANDONED)).isEqualTo(1);
    PollingWait.await(
        WAIT, () -> receiver.cancelledCount() == 1, () -> "the receiver should see the call cancelled");

    receiver.setMode(Mode.UP);
    SpanData later = span();
    pipeline.span(later);
    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(spanIds()).containsExactly(later.getSpanId());
    assertThat(receiver.requestCount()).as("the abandoned call was not sent again").isEqualTo(2);
  }

  @Test
  void flush_receiverSlowerThanBudget_abandonsAndDeliversNoDuplicateLater() {
    pipeline = pipeline(Map.of("otel.metrics.exporter", "none"));
    receiver.setMode(Mode.SLOW(Duration.ofSeconds(2)));
    pipeline.span(span());

    FlushResult result = pipeline.flush(Instant.now().plus(BUDGET));
    receiver.setMode(Mode.UP);
    pipeline.span(span());
    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(result.status()).isEqualTo(FlushResult.Status.FAILED);
    assertThat(pipeline.requestsInFlight()).isZero();
    assertThat(spanIds()).doesNotHaveDuplicates().hasSize(2);
    assertThat(pipeline.count(Signal.TRACES, Outcome.ABANDONED)).isEqualTo(1);
  }

  @Test
  void flush_receiverDown_opensBreakerAndDeliversOnceAfterRecovery() {
    pipeline =
        pipeline(
            Map.of(
                "otel.metrics.exporter", "none",
                "lambda-telemetry.export.breaker.failure-threshold", "2",
                "lambda-telemetry.export.breaker.initial-wait", "PT0.2S"));
    receiver.setMode(Mode.DOWN);
    List<SpanData> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SpanData s = span();
      sent.add(s);
      pipeline.span(s);
      Instant deadline = Instant.now().plus(BUDGET);
      FlushResult r = pipeline.flush(deadline);
      assertThat(Instant.now()).isBefore(deadline.plusSeconds(1));
      assertThat(pipeline.requestsInFlight()).isZero();
      assertThat(r.status()).isIn(FlushResult.Status.FAILED, FlushResult.Status.BREAKER_OPEN);
    }
    assertThat(pipeline.breaker().tripped()).as("breaker opened").isTrue();
    assertThat(pipeline.flush(Instant.now().plus(BUDGET)).status())
        .as("open breaker skips the attempt")
        .isEqualTo(FlushResult.Status.BREAKER_OPEN);
    assertThat(pipeline.pendingItems()).isEqualTo(3);

    receiver.setMode(Mode.UP);
    PollingWait.await(
        WAIT,
        () -> pipeline.flush(Instant.now().plus(BUDGET)).status() == FlushResult.Status.COMPLETE,
        "a probe after the open period should succeed");

    assertThat(spanIds()).containsExactlyInAnyOrderElementsOf(sent.stream().map(SpanData::getSpanId).toList());
    assertThat(pipeline.breaker().tripped()).isFalse();
  }

  @Test
  void flush_receiverHangsWhileTheWarmUpHangs_breakerOpensAfterThresholdFlushes() throws Exception {
    pipeline = pipeline(Map.of("otel.metrics.exporter", "none")); // failure-threshold 3, the default
    receiver.setMode(Mode.HANG);
    Thread warm = new Thread(() -> pipeline.warmUp(Instant.now().plusSeconds(2)), "test-warm-up");
    warm.start();
    PollingWait.await(WAIT, () -> receiver.requestCount() == 1, "the warm-up call should be made");

    List<FlushResult.Status> statuses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pipeline.span(span());
      pipeline.log(TestLogRecordData.builder().setBody("line " + i).setResource(RESOURCE).build());
      Instant deadline = Instant.now().plusMillis(100);
      FlushResult r = pipeline.flush(deadline);
      statuses.add(r.status());
      assertThat(Instant.now()).isBefore(deadline.plusSeconds(1));
      assertThat(pipeline.requestsInFlight()).isZero();
      if (r.status() == FlushResult.Status.BREAKER_OPEN) {
        break;
      }
    }
    warm.join(WAIT.toMillis());

    assertThat(statuses).as("three cut flushes, then the breaker").containsExactly(
        FlushResult.Status.FAILED, FlushResult.Status.FAILED, FlushResult.Status.FAILED,
        FlushResult.Status.BREAKER_OPEN);
  }

  @Test
  void warmUp_grpc_opensTheConnectionWithOneEmptyTraceCall() {
    pipeline = pipeline(Map.of());

    pipeline.warmUp(Instant.now().plus(WAIT));

    assertThat(receiver.methods()).containsExactly(OtlpGrpcReceiver.TRACES_METHOD);
    assertThat(receiver.spans()).isEmpty();
    assertThat(pipeline.requestsInFlight()).isZero();
  }

  @Test
  void shutdown_receiverDown_returnsByDeadlineAndCountsQueuedAsDropped() {
    pipeline = pipeline(Map.of());
    receiver.setMode(Mode.DOWN);
    pipeline.span(span());

    Instant deadline = Instant.now().plus(BUDGET);
    pipeline.shutdown(deadline);

    assertThat(Instant.now()).isBefore(deadline.plusSeconds(1));
    assertThat(pipeline.count(Signal.TRACES, Outcome.DROPPED)).isEqualTo(1);
    assertThat(pipeline.requestsInFlight()).isZero();
    pipeline = null;
  }

  private ExportPipeline pipeline(Map<String, String> extra) {
    Map<String, String> props = new HashMap<>();
    props.put("otel.exporter.otlp.protocol", "grpc");
    props.put("otel.exporter.otlp.endpoint", receiver.endpoint());
    props.putAll(extra);
    return build(props);
  }

  private ExportPipeline build(Map<String, String> props) {
    Map<String, String> all = new HashMap<>(props);
    all.putIfAbsent("lambda-telemetry.export.retry.initial-backoff", "PT0.005S");
    return new ExportPipeline(
        TestConfigs.export(all), OtelSettings.from(TestConfigs.otel(all)), RESOURCE, metrics::get);
  }

  private List<String> spanIds() {
    return receiver.spans().stream()
        .map(s -> HexFormat.of().formatHex(s.getSpanId().toByteArray()))
        .toList();
  }

  private List<String> metricNames() {
    List<String> names = new ArrayList<>();
    receiver.resourceMetrics()
        .forEach(rm -> rm.getScopeMetricsList()
            .forEach(sm -> sm.getMetricsList().forEach(m -> names.add(m.getName()))));
    return names;
  }

  private static SpanData span() {
    String spanId = String.format("%016x", SPAN_SEQ.getAndIncrement());
    long now = System.currentTimeMillis() * 1_000_000L;
    return TestSpanData.builder()
        .setName("invoke")
        .setKind(SpanKind.SERVER)
        .setSpanContext(
            SpanContext.create(
                "0123456789abcdef0123456789abcdef", spanId, TraceFlags.getSampled(), TraceState.getDefault()))
        .setStartEpochNanos(now)
        .setEndEpochNanos(now + 1_000_000)
        .setHasEnded(true)
        .setStatus(StatusData.ok())
        .setResource(RESOURCE)
        .setTotalRecordedEvents(0)
        .setTotalRecordedLinks(0)
        .setTotalAttributeCount(0)
        .setInstrumentationScopeInfo(InstrumentationScopeInfo.create("test"))
        .build();
  }

  private static MetricData counter(String name, long value) {
    long now = System.currentTimeMillis() * 1_000_000L;
    return ImmutableMetricData.createLongSum(
        RESOURCE,
        InstrumentationScopeInfo.create("test"),
        name,
        "",
        "{invocation}",
        ImmutableSumData.create(
            true,
            AggregationTemporality.CUMULATIVE,
            List.of(ImmutableLongPointData.create(now - 1000, now, Attributes.empty(), value))));
  }
}
