package dev.lambdatelemetry.otel.export;

import static dev.lambdatelemetry.otel.export.FunctionBatches.batch;
import static dev.lambdatelemetry.otel.export.FunctionBatches.functionLogs;
import static dev.lambdatelemetry.otel.export.FunctionBatches.functionSpans;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.OtlpGrpcReceiver;
import dev.lambdatelemetry.otel.testing.OtlpGrpcReceiver.Mode;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.PollingWait;
import io.grpc.Status;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The function's telemetry over {@code grpc}: the shared cases of {@link FunctionExportSuite}, and
 * that each signal's data follows that signal's protocol.
 */
class FunctionExportGrpcTest extends FunctionExportSuite {

  private OtlpGrpcReceiver receiver;

  @Override
  Collector startCollector() {
    receiver = OtlpGrpcReceiver.start();
    return new GrpcCollector(receiver);
  }

  @Test
  void perSignalProtocol_theFunctionsDataFollowsItsSignal() {
    try (OtlpReceiver http = OtlpReceiver.start()) {
      pipeline(Map.of(
          "otel.exporter.otlp.protocol", "http/protobuf",
          "otel.exporter.otlp.endpoint", http.endpoint(),
          "otel.exporter.otlp.traces.protocol", "grpc",
          "otel.exporter.otlp.traces.endpoint", receiver.endpoint(),
          "otel.metrics.exporter", "none"));
      ResourceSpans spans = functionSpans(2);
      ResourceLogs logs = functionLogs("over http");
      sink.offer(batch(spans));
      sink.offer(batch(logs));

      pipeline.flush(Instant.now().plus(WAIT));

      assertThat(receiver.resourceSpans()).containsExactly(spans);
      assertThat(receiver.resourceLogs()).isEmpty();
      assertThat(http.resourceLogs()).containsExactly(logs);
      assertThat(http.resourceSpans()).isEmpty();
    }
  }

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
    public void awaitCutCallEnded() {
      PollingWait.await(WAIT, () -> receiver.cancelledCount() >= 1,
          () -> "the receiver should see the cut call cancelled");
    }

    @Override
    public void retryable() {
      receiver.setMode(Mode.STATUS(Status.Code.UNAVAILABLE));
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
    public boolean sawGzip() {
      return receiver.sawGzip();
    }

    @Override
    public List<ResourceSpans> resourceSpans() {
      return receiver.resourceSpans();
    }

    @Override
    public List<ResourceLogs> resourceLogs() {
      return receiver.resourceLogs();
    }

    @Override
    public List<ResourceMetrics> resourceMetrics() {
      return receiver.resourceMetrics();
    }

    @Override
    public void close() {
      receiver.close();
    }
  }
}
