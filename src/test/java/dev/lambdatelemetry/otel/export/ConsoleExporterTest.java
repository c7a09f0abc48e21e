package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** {@code console}: one readable line per item, bodies kept on one line. */
class ConsoleExporterTest {

  private static final Resource RESOURCE =
      Resource.create(Attributes.of(ResourceFactory.SERVICE_NAME, "fn"));
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void spansAndLogs_printOneLineEach_andSucceed() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    assertThat(new ConsoleExporter.Spans(out).export(List.of(TestSpanData.builder()
        .setName("orders-api").setKind(SpanKind.SERVER).setStatus(StatusData.ok())
        .setStartEpochNanos(1).setEndEpochNanos(11).setHasEnded(true).build())).isSuccess()).isTrue();
    assertThat(new ConsoleExporter.Logs(out).export(List.of(TestLogRecordData.builder()
        .setSeverity(Severity.WARN).setBody("line 1\nline 2").setAttributes(Attributes.empty())
        .build())).isSuccess()).isTrue();
    assertThat(new ConsoleExporter.Logs(out).shutdown().isSuccess()).isTrue();

    assertThat(bytes.toString(StandardCharsets.UTF_8).split("\n"))
        .hasSize(2)
        .satisfies(lines -> {
          assertThat(lines[0]).startsWith("span orders-api").contains("kind=SERVER", "durationNs=10");
          assertThat(lines[1]).startsWith("log ").contains("WARN", "line 1\\nline 2");
        });
  }

  /**
   * {@code otlp,console} (the specification's list form): every item goes to the collector and is
   * printed; a failed collector still fails the export, so it is retried and counted.
   */
  @Test
  void otlpAndConsole_bothReceiveEveryItem_andACollectorFailureStillFails() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      Map<String, String> props = Map.of(
          "otel.exporter.otlp.endpoint", receiver.endpoint(),
          "otel.traces.exporter", "otlp,console",
          "otel.logs.exporter", "console,otlp",
          "otel.metrics.exporter", "otlp,console",
          "lambda-telemetry.export.retry.max-attempts", "1");
      OtelSettings settings = OtelSettings.from(TestConfigs.otel(props));
      ExportPipeline pipeline = new ExportPipeline(
          TestConfigs.export(props), settings, () -> RESOURCE,
          () -> List.of(counter()), Clock.systemUTC(), RandomGenerator.getDefault(),
          (inFlight, executor) -> ExporterFactory.create(settings, inFlight, executor, out));
      try {
        pipeline.span(span("a"));
        pipeline.log(TestLogRecordData.builder().setBody("hello").setResource(RESOURCE).build());

        FlushResult ok = pipeline.flush(Instant.now().plus(WAIT));

        assertThat(ok.status()).isEqualTo(FlushResult.Status.COMPLETE);
        assertThat(receiver.spans()).extracting(io.opentelemetry.proto.trace.v1.Span::getName)
            .containsExactly("a");
        assertThat(receiver.logRecords()).hasSize(1);
        assertThat(receiver.paths()).contains("/v1/metrics");
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("span a ", "log ", "hello", "faas.invocations");

        receiver.setMode(OtlpReceiver.Mode.STATUS(503, null));
        pipeline.span(span("b"));
        FlushResult failed = pipeline.flush(Instant.now().plus(WAIT));

        assertThat(failed.status()).isNotEqualTo(FlushResult.Status.COMPLETE);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("span b ");
      } finally {
        pipeline.shutdown(Instant.now().plus(WAIT));
      }
    }
  }

  private static SpanData span(String name) {
    long now = System.currentTimeMillis() * 1_000_000L;
    return TestSpanData.builder()
        .setName(name)
        .setKind(SpanKind.SERVER)
        .setSpanContext(SpanContext.create("0123456789abcdef0123456789abcdef", "0123456789abcdef",
            TraceFlags.getSampled(), TraceState.getDefault()))
        .setStartEpochNanos(now)
        .setEndEpochNanos(now + 1_000_000)
        .setHasEnded(true)
        .setStatus(StatusData.ok())
        .setResource(RESOURCE)
        .build();
  }

  private static MetricData counter() {
    long now = System.currentTimeMillis() * 1_000_000L;
    return ImmutableMetricData.createLongSum(RESOURCE, InstrumentationScopeInfo.create("test"),
        "faas.invocations", "", "{invocation}",
        ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE,
            List.of(ImmutableLongPointData.create(now - 1000, now, Attributes.empty(), 1))));
  }
}
