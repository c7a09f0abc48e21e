package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code console}: one readable line per item, bodies kept on one line. */
class ConsoleExporterTest {

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
}
