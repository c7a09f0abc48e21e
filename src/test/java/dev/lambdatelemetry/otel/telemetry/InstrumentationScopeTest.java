package dev.lambdatelemetry.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.Instrumentation;
import dev.lambdatelemetry.otel.translate.ConverterOptions;
import dev.lambdatelemetry.otel.translate.IdSource;
import dev.lambdatelemetry.otel.translate.LogTranslator;
import dev.lambdatelemetry.otel.translate.SignalSink;
import dev.lambdatelemetry.otel.translate.TelemetryConverter;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Everything the extension produces carries one instrumentation scope, {@link
 * Instrumentation#SCOPE}: a backend groups them together and one query on the scope finds all of
 * them. Checked on every kind of output of the converter (invocation, child, init and restore
 * spans; function, extension and platform log records; FaaS metrics) and on the listener's own
 * {@code lambda_telemetry.listener.*} and {@code lambda_telemetry.conversion.*} counters. (The
 * export counters are checked with the export pipeline.)
 */
class InstrumentationScopeTest {

  private static final List<String> FIXTURES = List.of(
      "01-cold-start.json", // init, invocation and child spans; function and extension lines
      "nodejs-text-invoke-error.json",
      "snapstart-restore.json", // restore span
      "logs-dropped-float-numbers.json"); // the logsDropped record and counters

  private final List<SpanData> spans = new ArrayList<>();
  private final List<LogRecordData> logs = new ArrayList<>();
  private final TelemetryConverter converter = new TelemetryConverter(Resource.empty(),
      new SignalSink() {
        @Override
        public void span(SpanData span) {
          spans.add(span);
        }

        @Override
        public void log(LogRecordData log) {
          logs.add(log);
        }
      },
      new ConverterOptions(true, 512, null, false), new LogTranslator()::translate,
      IdSource.secureRandom());

  @Test
  void convertedSpansLogsAndMetrics_haveTheOneScope() throws IOException {
    BatchParser parser = new BatchParser();
    for (String fixture : FIXTURES) {
      parser.parse(fixture(fixture), Instant.EPOCH).events().forEach(converter::accept);
    }
    converter.drain();
    List<MetricData> metrics = List.copyOf(converter.collectMetrics());

    assertThat(spans).extracting(SpanData::getName)
        .contains("init", "restore", "responseLatency");
    assertThat(logs).extracting(l -> l.getBodyValue().asString())
        .anyMatch(body -> body.startsWith("START RequestId"));
    assertThat(metrics).extracting(MetricData::getName)
        .contains("faas.invocations", "aws.lambda.telemetry.dropped_records");
    assertThat(spans).allSatisfy(
        s -> assertThat(s.getInstrumentationScopeInfo()).isEqualTo(Instrumentation.SCOPE));
    assertThat(logs).allSatisfy(
        l -> assertThat(l.getInstrumentationScopeInfo()).isEqualTo(Instrumentation.SCOPE));
    assertThat(metrics).allSatisfy(
        m -> assertThat(m.getInstrumentationScopeInfo()).isEqualTo(Instrumentation.SCOPE));
  }

  @Test
  void theListenersOwnCounters_haveTheOneScope() {
    TelemetryInbox inbox = new TelemetryInbox(4, 1 << 20);
    TelemetryProcessor processor =
        new TelemetryProcessor(inbox, new BatchParser(), e -> {}, new InvocationBarrier());
    ListenerMetrics listener = new ListenerMetrics(inbox,
        new TelemetryReceiver(inbox, "/telemetry", 1 << 20, () -> {}), processor,
        new ListenerMetrics.ConverterCounts(() -> 0, () -> 0, () -> 1, () -> 0), 0);

    List<MetricData> counters = listener.collect(Resource.empty(), 1);

    assertThat(counters).extracting(MetricData::getName).containsExactly(
        "lambda_telemetry.listener.batches", "lambda_telemetry.listener.events",
        "lambda_telemetry.conversion.invocations");
    assertThat(counters).allSatisfy(
        m -> assertThat(m.getInstrumentationScopeInfo()).isEqualTo(Instrumentation.SCOPE));
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = InstrumentationScopeTest.class.getResourceAsStream("/telemetry/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
