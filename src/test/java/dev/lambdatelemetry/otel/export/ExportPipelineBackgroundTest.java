package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.OtlpReceiver.Mode;
import dev.lambdatelemetry.otel.testing.PollingWait;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The adaptive strategy's background flush against a real OTLP/HTTP receiver on loopback: it runs
 * while the invocation does, and whatever the collector does, nothing of it is in flight once it is
 * settled (before {@code next}), and each of its items is exported, kept, or counted abandoned.
 */
class ExportPipelineBackgroundTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final OtlpReceiver receiver = OtlpReceiver.start();
  private ExportPipeline pipeline;

  @AfterEach
  void close() {
    if (pipeline != null) {
      pipeline.shutdown(Instant.now().plusMillis(50));
    }
    receiver.close();
  }

  @Test
  void aBackgroundFlushThatEndsInTime_exportsAndSettlingItCutsNothing() {
    pipeline = pipeline();
    receiver.setMode(Mode.SLOW(Duration.ofMillis(50)));
    pipeline.span(ExportPipelineSuite.span());

    assertThat(pipeline.flushInBackground(Instant.now().plus(WAIT))).isTrue();
    boolean cut = pipeline.settleBackground(Instant.now().plus(WAIT));

    assertThat(cut).isFalse();
    assertThat(receiver.spans()).hasSize(1);
    assertThat(pipeline.count(Signal.TRACES, Outcome.EXPORTED)).isEqualTo(1);
    assertThat(pipeline.requestsInFlight()).isZero();
  }

  @Test
  void aBackgroundFlushStillWaitingOnTheCollectorAtTheInvocationsEnd_isCutAndItsItemsCountedAbandoned() {
    pipeline = pipeline();
    receiver.setMode(Mode.HANG);
    pipeline.span(ExportPipelineSuite.span());
    pipeline.flushInBackground(Instant.now().plus(WAIT));
    PollingWait.await(WAIT, () -> receiver.offeredSpans().size() == 1, "the request reached the collector");

    Instant settle = Instant.now();
    boolean cut = pipeline.settleBackground(settle.plusMillis(50));

    assertThat(cut).isTrue();
    assertThat(pipeline.requestsInFlight()).as("nothing in flight at next").isZero();
    assertThat(pipeline.count(Signal.TRACES, Outcome.ABANDONED)).isEqualTo(1);
    assertThat(pipeline.pendingItems()).as("never sent again: a thaw cannot duplicate it").isZero();
    assertThat(Duration.between(settle, Instant.now())).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void afterACut_theNextInvocationsFlushesExportWhatCameMeanwhile() {
    pipeline = pipeline();
    receiver.setMode(Mode.HANG);
    pipeline.span(ExportPipelineSuite.span());
    pipeline.flushInBackground(Instant.now().plus(WAIT));
    PollingWait.await(WAIT, () -> receiver.offeredSpans().size() == 1, "the request reached the collector");
    pipeline.settleBackground(Instant.now());
    receiver.setMode(Mode.UP);
    pipeline.span(ExportPipelineSuite.span());

    assertThat(pipeline.flushInBackground(Instant.now().plus(WAIT))).isTrue();
    pipeline.settleBackground(Instant.now().plus(WAIT));

    assertThat(pipeline.count(Signal.TRACES, Outcome.EXPORTED)).isEqualTo(1);
    assertThat(receiver.spans()).hasSize(1);
  }

  @Test
  void aSecondBackgroundFlushWhileOneRuns_startsNothing() {
    pipeline = pipeline();
    receiver.setMode(Mode.SLOW(Duration.ofMillis(300)));
    pipeline.span(ExportPipelineSuite.span());

    assertThat(pipeline.flushInBackground(Instant.now().plus(WAIT))).isTrue();
    PollingWait.await(WAIT, () -> receiver.offeredSpans().size() == 1, "the request reached the collector");
    assertThat(pipeline.flushInBackground(Instant.now().plus(WAIT))).isFalse();
    pipeline.settleBackground(Instant.now().plus(WAIT));

    assertThat(receiver.offeredSpans()).hasSize(1);
  }

  @Test
  void atShutdown_whatABackgroundFlushLeftQueuedIsExported() {
    pipeline = pipeline();
    receiver.setMode(Mode.HANG);
    pipeline.span(ExportPipelineSuite.span());
    pipeline.flushInBackground(Instant.now().plus(WAIT));
    PollingWait.await(WAIT, () -> receiver.offeredSpans().size() == 1, "the request reached the collector");
    pipeline.settleBackground(Instant.now());
    receiver.setMode(Mode.UP);
    pipeline.span(ExportPipelineSuite.span()); // came after the cut, never sent

    pipeline.flushAtShutdown(Instant.now().plus(WAIT), ExportPipeline.ShutdownRound.FINAL);

    assertThat(receiver.spans()).hasSize(1);
    assertThat(pipeline.count(Signal.TRACES, Outcome.ABANDONED)
        + pipeline.count(Signal.TRACES, Outcome.EXPORTED)).isEqualTo(2);
    assertThat(pipeline.flushInBackground(Instant.now().plus(WAIT))).as("stopped at SHUTDOWN").isFalse();
  }

  @Test
  void pendingShare_isHowFullTheFullerQueueIs_andEmptiesWithAFlush() {
    pipeline = pipeline(Map.of("lambda-telemetry.export.queue.max-spans", "8"));
    pipeline.span(ExportPipelineSuite.span());
    pipeline.span(ExportPipelineSuite.span());

    assertThat(pipeline.pendingShare()).isEqualTo(0.25);
    pipeline.flush(Instant.now().plus(WAIT));
    assertThat(pipeline.pendingShare()).isZero();
  }

  @Test
  void pendingShare_countsTheFunctionsBytesEarly_soItsBatchesDoNotWaitLongEnoughToFillTheHeap() {
    pipeline = pipeline();
    int quarter = (int) (ExportPipeline.FUNCTION_BYTES_AT_FULL_SHARE / 4);
    assertThat(pipeline.functionSink(4L * 1024 * 1024).offer(new dev.lambdatelemetry.otel.otlp.ReceivedBatch(
        dev.lambdatelemetry.otel.otlp.Signal.TRACES, List.of(new byte[quarter]), 1, quarter, Instant.now())))
        .isTrue();

    assertThat(pipeline.pendingShare()).as("a quarter: the adaptive strategy's early flush").isEqualTo(0.25);
  }

  private ExportPipeline pipeline() {
    return pipeline(Map.of());
  }

  private ExportPipeline pipeline(Map<String, String> extra) {
    Map<String, String> props = new java.util.HashMap<>(extra);
    props.put("otel.exporter.otlp.endpoint", receiver.endpoint());
    props.put("otel.metrics.exporter", "none");
    return new ExportPipeline(TestConfigs.export(props), OtelSettings.from(TestConfigs.otel(props)),
        ExportPipelineSuite.RESOURCE, List::of);
  }
}
