package dev.lambdatelemetry.otel.export;

import static dev.lambdatelemetry.otel.export.ScriptedAnswers.Answer.noTimeToStart;
import static dev.lambdatelemetry.otel.export.ScriptedAnswers.Answer.ok;
import static dev.lambdatelemetry.otel.export.ScriptedAnswers.Answer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.export.ScriptedAnswers.Answer;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How flushes feed the circuit breaker: closed, open after the threshold of failed flushes, a probe
 * when the open period is over (half-open), open longer after a failed probe, closed by a probe that
 * gets through. A test clock and a scripted collector: no socket, no real wait.
 */
class ExportPipelineBreakerTest {

  private static final Duration BUDGET = Duration.ofSeconds(1);
  private static final Duration INITIAL_WAIT = Duration.ofSeconds(4);

  private final ManualClock clock = new ManualClock();
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private ScriptedAnswers collector;
  private ExportPipeline pipeline;
  private int spanSeq;

  @AfterEach
  void shutDown() {
    if (pipeline != null) {
      pipeline.shutdown(clock.instant());
    }
  }

  @Test
  void failedFlushesBelowTheThreshold_keepTheBreakerClosed() {
    pipeline = pipeline(status(503, null));
    pipeline.span(span());

    assertThat(flush()).isEqualTo(FlushResult.Status.FAILED);
    assertThat(flush()).as("one below the threshold: tried again").isEqualTo(FlushResult.Status.FAILED);
    assertThat(collector.requests()).hasSize(2);
    assertThat(pipeline.breaker().tripped()).isFalse();
  }

  @Test
  void thresholdOfFailedFlushes_opensTheBreaker_flushesThenCostNoRequestAndKeepTheItems() {
    pipeline = pipeline(status(503, null));
    pipeline.span(span());
    flush();
    flush();
    flush();

    assertThat(pipeline.breaker().tripped()).isTrue();
    assertThat(flush()).isEqualTo(FlushResult.Status.BREAKER_OPEN);
    assertThat(collector.requests()).as("no request while open").hasSize(3);
    assertThat(pipeline.pendingItems()).isEqualTo(1);
  }

  @Test
  void openPeriodOver_oneProbe_aFailedProbeOpensItLonger() {
    pipeline = pipeline(status(503, null));
    pipeline.span(span());
    tripBreaker();
    Duration firstWait = pipeline.breaker().lastWait();

    clock.advance(firstWait);
    FlushResult.Status probe = flush();

    assertThat(probe).isEqualTo(FlushResult.Status.FAILED);
    assertThat(collector.requests()).as("the probe reached the collector").hasSize(4);
    assertThat(flush()).isEqualTo(FlushResult.Status.BREAKER_OPEN);
    assertThat(pipeline.breaker().lastWait()).isGreaterThan(firstWait);
  }

  @Test
  void probeGetsThrough_closesTheBreaker_theItemsKeptDuringTheOutageDeliveredOnce() {
    pipeline = pipeline(status(503, null), status(503, null), status(503, null), ok());
    SpanData kept = span();
    pipeline.span(kept);
    tripBreaker();

    clock.advance(pipeline.breaker().lastWait());
    FlushResult.Status probe = flush();

    assertThat(probe).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(pipeline.breaker().tripped()).isFalse();
    assertThat(delivered).containsExactly(kept.getSpanId());
    assertThat(pipeline.count(Signal.TRACES, Outcome.EXPORTED)).isEqualTo(1);
  }

  @Test
  void shutdownFlush_triesEvenWhileTheBreakerIsOpen() {
    pipeline = pipeline(status(503, null), status(503, null), status(503, null), ok());
    SpanData kept = span();
    pipeline.span(kept);
    tripBreaker();

    FlushResult result =
        pipeline.flushAtShutdown(clock.instant().plus(BUDGET), ExportPipeline.ShutdownRound.FINAL);

    assertThat(result.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(delivered).containsExactly(kept.getSpanId());
  }

  @Test
  void rejections_areAnswers_notAnOutage_theBreakerStaysClosed() {
    pipeline = pipeline(status(400, null));
    for (int i = 0; i < 5; i++) {
      pipeline.span(span());
      flush();
    }

    assertThat(pipeline.breaker().tripped()).isFalse();
    assertThat(pipeline.count(Signal.TRACES, Outcome.FAILED)).isEqualTo(5);
  }

  @Test
  void retryAfter_holdsTheSignalBackAcrossFlushes_withoutFailingThem() {
    pipeline = pipeline(status(429, "30"), ok());
    pipeline.span(span());
    flush();

    clock.advance(Duration.ofSeconds(29));
    assertThat(flush()).isEqualTo(FlushResult.Status.HELD_BACK);
    assertThat(collector.requests()).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(flush()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(collector.requests().get(1)).isEqualTo(ManualClock.T0.plusSeconds(30));
  }

  @Test
  void retryableAnswerThenNoTimeLeftForTheRetry_aFailedFlushForTheBreaker() {
    // Nothing was acknowledged: the stop for lack of time must not pass for a collector that answers.
    pipeline = pipeline(Map.of("lambda-telemetry.export.retry.max-attempts", "3",
        "lambda-telemetry.export.breaker.failure-threshold", "1"), status(503, null), noTimeToStart());
    pipeline.span(span());

    FlushResult.Status status = flush();

    assertThat(collector.requests()).hasSize(2);
    assertThat(pipeline.pendingItems()).as("kept").isEqualTo(1);
    assertThat(status).isEqualTo(FlushResult.Status.FAILED);
    assertThat(pipeline.breaker().tripped()).as("one failed flush, threshold 1").isTrue();
  }

  @Test
  void probeWhoseOnlyRequestWasNeverStarted_doesNotCloseTheBreaker() {
    pipeline = pipeline(Map.of("lambda-telemetry.export.breaker.failure-threshold", "1"),
        status(503, null), noTimeToStart());
    pipeline.span(span());
    flush();
    assertThat(pipeline.breaker().tripped()).isTrue();

    clock.advance(pipeline.breaker().lastWait());
    flush();

    assertThat(collector.requests()).as("the probe was tried").hasSize(2);
    assertThat(pipeline.breaker().tripped()).as("still tripped: the probe heard nothing").isTrue();
  }

  private void tripBreaker() {
    for (int i = 0; i < 3; i++) {
      assertThat(flush()).isEqualTo(FlushResult.Status.FAILED);
    }
    assertThat(flush()).isEqualTo(FlushResult.Status.BREAKER_OPEN);
  }

  private FlushResult.Status flush() {
    return pipeline.flush(clock.instant().plus(BUDGET)).status();
  }

  private ExportPipeline pipeline(Answer... answers) {
    return pipeline(Map.of(), answers);
  }

  private ExportPipeline pipeline(Map<String, String> extra, Answer... answers) {
    collector = new ScriptedAnswers(clock, answers);
    Map<String, String> props = new HashMap<>();
    props.put("otel.exporter.otlp.endpoint", "http://127.0.0.1:4318");
    props.put("otel.metrics.exporter", "none");
    props.put("otel.logs.exporter", "none");
    props.put("lambda-telemetry.export.retry.max-attempts", "1");
    props.put("lambda-telemetry.export.breaker.failure-threshold", "3");
    props.put("lambda-telemetry.export.breaker.initial-wait", INITIAL_WAIT.toString());
    props.putAll(extra);
    SpanExporter spans = new ScriptedSpanExporter();
    return new ExportPipeline(TestConfigs.export(props), OtelSettings.from(TestConfigs.otel(props)),
        Resource::empty, List::of, clock, clock.pause(), new SplittableRandom(7),
        (inFlight, executor) -> new ExporterFactory.Exporters(spans, null, null));
  }

  private SpanData span() {
    String spanId = String.format("%016x", ++spanSeq);
    return TestSpanData.builder()
        .setName("invoke")
        .setKind(SpanKind.SERVER)
        .setSpanContext(SpanContext.create("0123456789abcdef0123456789abcdef", spanId,
            TraceFlags.getSampled(), TraceState.getDefault()))
        .setStartEpochNanos(1)
        .setEndEpochNanos(2)
        .setHasEnded(true)
        .setStatus(StatusData.ok())
        .setTotalRecordedEvents(0)
        .setTotalRecordedLinks(0)
        .setTotalAttributeCount(0)
        .build();
  }

  /** Hands each request to the scripted collector; records what an answered request delivered. */
  private final class ScriptedSpanExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      CompletableResultCode code = collector.get();
      if (code.isSuccess()) {
        batch.forEach(s -> delivered.add(s.getSpanId()));
      }
      return code;
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
