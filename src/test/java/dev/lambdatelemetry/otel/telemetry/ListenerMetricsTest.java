package dev.lambdatelemetry.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.translate.ConverterOptions;
import dev.lambdatelemetry.otel.translate.IdSource;
import dev.lambdatelemetry.otel.translate.LogTranslator;
import dev.lambdatelemetry.otel.translate.SignalSink;
import dev.lambdatelemetry.otel.translate.TelemetryConverter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listener's self-telemetry read through {@link ListenerMetrics#collect}, with the real parser,
 * processing thread and converter behind it: every way an event can be lost on our side must show
 * as an outcome, not only in a private counter.
 */
class ListenerMetricsTest {

  private static final String T = "2024-06-01T10:00:00.000Z";

  private final TelemetryInbox inbox = new TelemetryInbox(64, 1 << 20);
  private final TelemetryReceiver receiver =
      new TelemetryReceiver(inbox, "/telemetry", 1 << 20, () -> {});
  private final TelemetryConverter converter = new TelemetryConverter(Resource.empty(),
      new SignalSink() {
        @Override
        public void span(SpanData span) {}

        @Override
        public void log(LogRecordData log) {}
      },
      new ConverterOptions(false, 2, null, false), new LogTranslator()::translate,
      IdSource.secureRandom());
  /**
   * The converter behind the processor, as in production; a function line "unplaceable" stands for
   * an event the converter cannot place (no time, no record), which no well-formed delivery yields.
   */
  private final TelemetryProcessor processor = new TelemetryProcessor(inbox, new BatchParser(),
      e -> converter.accept(e.record() instanceof LogLine l && l.text().equals("unplaceable")
          ? new TelemetryEvent(null, e.type(), null) : e),
      new InvocationBarrier());
  private final ListenerMetrics.ConverterCounts counts = new ListenerMetrics.ConverterCounts(
      converter::failedEvents, converter::unknownEvents, converter::evictedInvocations,
      converter::failedOperations);

  @AfterEach
  void stop() {
    processor.stop();
  }

  @Test
  void converterFailures_unknownTypes_andEvictions_areExported() throws Exception {
    processor.start();
    deliver("["
        // converted
        + "{\"time\":\"" + T + "\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"a\"}},"
        + "{\"time\":\"" + T + "\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"b\"}},"
        // a third held invocation with at most two held: the oldest is evicted
        + "{\"time\":\"" + T + "\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"c\"}},"
        // a type the converter does not model
        + "{\"time\":\"" + T + "\",\"type\":\"platform.somethingNew\",\"record\":{}},"
        + line("hello") + "," + line("unplaceable")
        + "]");

    Map<String, Long> events = points(collect(processor), "lambda_telemetry.listener.events");
    assertThat(events).containsOnly(Map.entry("converted", 4L), Map.entry("unknown_type", 1L),
        Map.entry("failed", 1L));
    assertThat(points(collect(processor), "lambda_telemetry.conversion.invocations"))
        .containsExactly(Map.entry("evicted", 1L));
  }

  @Test
  void failedInvokeNoticesOrReleases_areCountedWithTheInvocations() {
    // The converter's INVOKE notice and SHUTDOWN release fail only on a bug: a stand-in count.
    List<MetricData> metrics = new ListenerMetrics(inbox, receiver, processor,
        new ListenerMetrics.ConverterCounts(() -> 0, () -> 0, () -> 0, () -> 2), 0)
        .collect(Resource.empty(), 1);
    assertThat(points(metrics, "lambda_telemetry.conversion.invocations"))
        .containsOnly(Map.entry("failed", 2L));
  }

  @Test
  void noEviction_noInvocationsCounter() throws Exception {
    processor.start();
    deliver("[{\"time\":\"" + T + "\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"a\"}}]");

    List<MetricData> metrics = collect(processor);
    assertThat(metrics).extracting(MetricData::getName)
        .containsExactly("lambda_telemetry.listener.batches", "lambda_telemetry.listener.events");
    assertThat(points(metrics, "lambda_telemetry.listener.events"))
        .containsOnly(Map.entry("converted", 1L));
  }

  @Test
  void anErrorInConversion_failsThatEventOnly_butOutOfMemory_failsTheRestOfItsBatch()
      throws Exception {
    TelemetryProcessor failing = new TelemetryProcessor(inbox, new BatchParser(), e -> {
      if (e.record() instanceof LogLine line && line.text().equals("deep")) {
        throw new StackOverflowError();
      }
      if (e.record() instanceof LogLine line && line.text().equals("heap")) {
        throw new OutOfMemoryError("Java heap space");
      }
      converter.accept(e);
    }, new InvocationBarrier());
    failing.start();
    try {
      deliver("[" + line("deep") + "," + line("fine") + "]");
      deliver("[" + line("heap") + "," + line("lost with it") + "]");
      deliver("[" + line("fine again") + "]");
    } finally {
      failing.stop();
    }
    List<MetricData> metrics = collect(failing);
    assertThat(points(metrics, "lambda_telemetry.listener.events"))
        .containsOnly(Map.entry("converted", 2L), Map.entry("failed", 1L));
    assertThat(points(metrics, "lambda_telemetry.listener.batches"))
        .containsOnly(Map.entry("accepted", 3L), Map.entry("failed", 1L));
  }

  private static String line(String text) {
    return "{\"time\":\"" + T + "\",\"type\":\"function\",\"record\":\"" + text + "\"}";
  }

  private List<MetricData> collect(TelemetryProcessor p) {
    return new ListenerMetrics(inbox, receiver, p, counts, 0)
        .collect(Resource.empty(), TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()));
  }

  /** Posts a body as the HTTP listener would, and waits until the processing thread is past it. */
  private void deliver(String body) throws Exception {
    receiver.receive(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), null);
    CompletableFuture<Void> processed = new CompletableFuture<>();
    inbox.submit(() -> processed.complete(null));
    processed.get(10, TimeUnit.SECONDS);
  }

  private static Map<String, Long> points(List<MetricData> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .collect(Collectors.toMap(
            p -> p.getAttributes().get(AttributeKey.stringKey("outcome")), LongPointData::getValue));
  }
}
