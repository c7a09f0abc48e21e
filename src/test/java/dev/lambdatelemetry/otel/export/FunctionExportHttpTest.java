package dev.lambdatelemetry.otel.export;

import static dev.lambdatelemetry.otel.export.FunctionBatches.batch;
import static dev.lambdatelemetry.otel.export.FunctionBatches.functionLogs;
import static dev.lambdatelemetry.otel.export.FunctionBatches.functionSpans;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.OtlpReceiver.Mode;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The function's telemetry over {@code http/protobuf}: the shared cases of {@link FunctionExportSuite},
 * and that it goes where the platform's signal goes (per-signal endpoint, headers), and to the console.
 */
class FunctionExportHttpTest extends FunctionExportSuite {

  private OtlpReceiver receiver;

  @Override
  Collector startCollector() {
    receiver = OtlpReceiver.start();
    return new HttpCollector(receiver);
  }

  @Test
  void theFunctionsRequestsGoToTheSignalsOwnEndpointWithItsHeaders() {
    pipeline(Map.of("otel.exporter.otlp.traces.endpoint", receiver.endpoint() + "/custom/v1/traces",
        "otel.exporter.otlp.headers", "x-api-key=k1", "otel.metrics.exporter", "none"));
    ResourceSpans spans = functionSpans(1);
    sink.offer(batch(spans));
    sink.offer(batch(functionLogs("where logs go")));
    pipeline.span(ExportPipelineSuite.span());

    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(receiver.paths()).containsExactlyInAnyOrder(
        "/custom/v1/traces", "/custom/v1/traces", "/v1/logs");
    assertThat(receiver.requestHeaders()).allSatisfy(h -> assertThat(h)
        .containsEntry("x-api-key", "k1").containsEntry("content-type", "application/x-protobuf"));
    assertThat(functionResourceSpans()).containsExactly(spans);
  }

  @Test
  void otlpAndConsole_sendsTheBatchAndPrintsOneShortLinePerBatch() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
    Map<String, String> props = new HashMap<>(collector.props());
    props.put("otel.traces.exporter", "otlp,console");
    props.put("otel.logs.exporter", "console");
    props.put("otel.metrics.exporter", "none");
    OtelSettings otel = OtelSettings.from(TestConfigs.otel(props));
    pipeline = new ExportPipeline(TestConfigs.export(props), otel, () -> ExportPipelineSuite.RESOURCE,
        List::of, Clock.systemUTC(), RandomGenerator.getDefault(),
        (inFlight, executor) -> ExporterFactory.create(otel, inFlight, executor, console));
    sink = pipeline.functionSink(QUEUE_BYTES);
    ResourceSpans spans = functionSpans(2);
    ResourceLogs logs = functionLogs("one", "two", "three");
    sink.offer(batch(spans));
    sink.offer(batch(logs));

    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(functionResourceSpans()).containsExactly(spans);
    assertThat(receiver.resourceLogs()).as("logs: console only").isEmpty();
    assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList()).containsExactlyInAnyOrder(
        "function traces: 2 spans in 1 resource", "function logs: 3 log records in 1 resource");
  }

  private record HttpCollector(OtlpReceiver receiver) implements Collector {
    @Override
    public Map<String, String> props() {
      return Map.of("otel.exporter.otlp.endpoint", receiver.endpoint());
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
    public void retryable() {
      receiver.setMode(Mode.STATUS(503, "0"));
    }

    @Override
    public List<String> requestSignals() {
      return receiver.paths().stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).toList();
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
