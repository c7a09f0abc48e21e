package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.testing.OtlpGrpcReceiver;
import dev.lambdatelemetry.otel.testing.OtlpGrpcReceiver.Mode;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.PollingWait;
import io.grpc.Status;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pipeline with {@code protocol=grpc} against a real OTLP/gRPC receiver on loopback: the shared
 * cases of {@link ExportPipelineSuite}, and those of gRPC alone (status codes, cancelled calls, a
 * protocol per signal).
 */
class ExportPipelineGrpcTest extends ExportPipelineSuite {

  private OtlpGrpcReceiver receiver;

  @Override
  Collector startCollector() {
    receiver = OtlpGrpcReceiver.start();
    return new GrpcCollector(receiver);
  }

  @Test
  void flush_perSignalProtocol_sendsOnlyThatSignalOverGrpc() {
    try (OtlpReceiver http = OtlpReceiver.start()) {
      pipeline = pipeline(Map.of(
          "otel.exporter.otlp.protocol", "http/protobuf",
          "otel.exporter.otlp.endpoint", http.endpoint(),
          "otel.exporter.otlp.traces.protocol", "grpc",
          "otel.exporter.otlp.traces.endpoint", receiver.endpoint(),
          "otel.metrics.exporter", "none"));
      pipeline.span(span());
      pipeline.log(log("over http"));

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
    assertThat(collector.spanIds()).containsExactly(s.getSpanId());
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
      assertThat(collector.spanIds()).as("delivered once after recovery").containsExactly(s.getSpanId());
    }
  }

  @Test
  void flush_receiverHangs_theCallCutAtTheDeadlineIsCancelledAtTheReceiver() {
    pipeline = pipeline(Map.of("otel.metrics.exporter", "none"));
    receiver.setMode(Mode.HANG);
    pipeline.span(span());

    pipeline.flush(Instant.now().plus(BUDGET));

    PollingWait.await(
        WAIT, () -> receiver.cancelledCount() == 1, () -> "the receiver should see the call cancelled");
  }

  @Test
  void warmUp_grpc_opensTheConnectionWithOneEmptyTraceCall() {
    pipeline = pipeline(Map.of());

    pipeline.warmUp(Instant.now().plus(WAIT));

    assertThat(receiver.methods()).containsExactly(OtlpGrpcReceiver.TRACES_METHOD);
    assertThat(receiver.spans()).isEmpty();
    assertThat(pipeline.requestsInFlight()).isZero();
  }

  /** The gRPC receiver as the shared cases see it. */
  private record GrpcCollector(OtlpGrpcReceiver receiver) implements Collector {
    @Override
    public Map<String, String> props() {
      return Map.of("otel.exporter.otlp.protocol", "grpc", "otel.exporter.otlp.endpoint", receiver.endpoint());
    }

    @Override
    public void up() {
      receiver.setMode(Mode.UP);
    }

    @Override
    public void down() {
      receiver.setMode(Mode.DOWN);
    }

    @Override
    public void hang() {
      receiver.setMode(Mode.HANG);
    }

    @Override
    public void slow(Duration delay) {
      receiver.setMode(Mode.SLOW(delay));
    }

    @Override
    public void retryable() {
      receiver.setMode(Mode.STATUS(Status.Code.UNAVAILABLE));
    }

    @Override
    public void rejecting() {
      receiver.setMode(Mode.STATUS(Status.Code.INVALID_ARGUMENT));
    }

    @Override
    public List<String> requestSignals() {
      return receiver.methods().stream()
          .map(m -> m.equals(OtlpGrpcReceiver.TRACES_METHOD) ? "traces"
              : m.equals(OtlpGrpcReceiver.LOGS_METHOD) ? "logs"
              : m.equals(OtlpGrpcReceiver.METRICS_METHOD) ? "metrics" : m)
          .toList();
    }

    @Override
    public Map.Entry<String, String> gzipHeader() {
      return Map.entry("grpc-encoding", "gzip");
    }

    @Override
    public void awaitCutCallEnded() {
      PollingWait.await(WAIT, () -> receiver.cancelledCount() >= 1,
          () -> "the receiver should see the cut call cancelled");
    }

    @Override
    public int requestCount() {
      return receiver.requestCount();
    }

    @Override
    public boolean sawGzip() {
      return receiver.sawGzip();
    }

    @Override
    public List<Map<String, String>> requestHeaders() {
      return receiver.requestHeaders();
    }

    @Override
    public List<ResourceSpans> resourceSpans() {
      return receiver.resourceSpans();
    }

    @Override
    public List<String> spanIds() {
      return receiver.spans().stream()
          .map(s -> HexFormat.of().formatHex(s.getSpanId().toByteArray()))
          .toList();
    }

    @Override
    public List<String> logBodies() {
      return receiver.logRecords().stream().map(l -> l.getBody().getStringValue()).toList();
    }

    @Override
    public List<ResourceMetrics> resourceMetrics() {
      return receiver.resourceMetrics();
    }

    @Override
    public void awaitSpans(int n, Duration timeout) {
      receiver.awaitSpans(n, timeout);
    }

    @Override
    public void close() {
      receiver.close();
    }
  }
}
