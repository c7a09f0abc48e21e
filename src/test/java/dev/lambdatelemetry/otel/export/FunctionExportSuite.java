package dev.lambdatelemetry.otel.export;

import static dev.lambdatelemetry.otel.export.FunctionBatches.batch;
import static dev.lambdatelemetry.otel.export.FunctionBatches.functionDeltaSum;
import static dev.lambdatelemetry.otel.export.FunctionBatches.functionLogs;
import static dev.lambdatelemetry.otel.export.FunctionBatches.functionSpans;
import static dev.lambdatelemetry.otel.export.FunctionBatches.parse;
import static dev.lambdatelemetry.otel.export.FunctionBatches.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.export.ExportCounters.Source;
import dev.lambdatelemetry.otel.export.ExportPipeline.ShutdownRound;
import dev.lambdatelemetry.otel.otlp.OtlpSink;
import dev.lambdatelemetry.otel.testing.PollingWait;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The function's own telemetry (as the local OTLP endpoint hands it over) through the pipeline to a
 * real OTLP receiver on loopback: the cases that hold whatever the protocol, run once per protocol by
 * {@link FunctionExportHttpTest} and {@link FunctionExportGrpcTest}. The batches are real protobuf
 * bytes (the generated classes' encoding), and what the collector receives is decoded and compared
 * with what the function sent.
 */
abstract class FunctionExportSuite {

  static final Duration BUDGET = Duration.ofMillis(300);
  static final Duration WAIT = Duration.ofSeconds(10);
  static final long QUEUE_BYTES = 1024 * 1024;

  /** A loopback collector of one protocol. */
  interface Collector extends AutoCloseable {
    /** The properties that send every signal to it. */
    Map<String, String> props();

    void up();

    /** Refuses connections. */
    void down();

    /** Takes requests and never answers. */
    void hang();

    /** See {@link ExportPipelineSuite.Collector#awaitCutCallEnded()}. */
    default void awaitCutCallEnded() {}

    /** Answers with a retryable failure. */
    void retryable();

    /** The signals ({@code traces}, {@code logs}, {@code metrics}) of every request, in order. */
    List<String> requestSignals();

    boolean sawGzip();

    List<ResourceSpans> resourceSpans();

    List<ResourceLogs> resourceLogs();

    List<ResourceMetrics> resourceMetrics();

    @Override
    void close();
  }

  Collector collector;
  ExportPipeline pipeline;
  OtlpSink sink;

  abstract Collector startCollector();

  @BeforeEach
  void startTheCollector() {
    collector = startCollector();
  }

  @AfterEach
  void stopTheCollector() {
    if (pipeline != null) {
      pipeline.shutdown(Instant.now().plusMillis(50));
    }
    collector.close();
  }

  @Test
  void functionData_arrivesAsTheFunctionSentIt_inTheSameFlushAsThePlatformSpans() {
    pipeline(Map.of());
    ResourceSpans spans = functionSpans(2);
    ResourceLogs logs = functionLogs("started", "done", "bye");
    ResourceMetrics metrics = functionDeltaSum(4, 5);
    assertThat(sink.offer(batch(spans))).isTrue();
    assertThat(sink.offer(batch(logs))).isTrue();
    assertThat(sink.offer(batch(metrics))).isTrue();
    pipeline.span(ExportPipelineSuite.span());

    FlushResult result = pipeline.flush(Instant.now().plus(WAIT));

    assertThat(result.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(functionResourceSpans()).containsExactly(spans);
    assertThat(platformResourceSpans()).as("the platform's span in the same flush").hasSize(1);
    assertThat(collector.resourceLogs()).contains(logs);
    assertThat(collector.resourceMetrics()).contains(metrics);
    assertThat(collector.resourceMetrics()).filteredOn(metrics::equals).singleElement()
        .extracting(rm -> rm.getScopeMetrics(0).getMetrics(0).getSum().getAggregationTemporality())
        .as("passed through with its own temporality, not merged into our cumulative ones")
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    assertThat(pipeline.count(Source.FUNCTION, Signal.TRACES, Outcome.EXPORTED)).isEqualTo(2);
    assertThat(pipeline.count(Source.FUNCTION, Signal.LOGS, Outcome.EXPORTED)).isEqualTo(3);
    assertThat(pipeline.count(Source.FUNCTION, Signal.METRICS, Outcome.EXPORTED))
        .as("data points").isEqualTo(2);
    assertThat(pipeline.count(Signal.TRACES, Outcome.EXPORTED)).as("the platform's, apart").isEqualTo(1);
    assertThat(result.exported()).isEqualTo(1 + 2 + 3 + 2);
    assertThat(pipeline.pendingItems()).isZero();
    assertThat(pipeline.requestsInFlight()).isZero();
  }

  @Test
  void gzip_theFunctionsBytesAreCompressedLikeThePlatformsAndArriveUnchanged() {
    pipeline(Map.of("otel.exporter.otlp.compression", "gzip"));
    ResourceSpans spans = functionSpans(3);
    ResourceLogs logs = functionLogs("zipped");
    sink.offer(batch(spans));
    sink.offer(batch(logs));

    FlushResult result = pipeline.flush(Instant.now().plus(WAIT));

    assertThat(result.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(collector.sawGzip()).isTrue();
    assertThat(functionResourceSpans()).containsExactly(spans);
    assertThat(collector.resourceLogs()).containsExactly(logs);
  }

  @Test
  void manyBatches_goInRequestsOfUpToMaxBatchItems_inTheOrderTheyCame() {
    pipeline(Map.of("lambda-telemetry.export.max-batch-items", "3", "otel.metrics.exporter", "none"));
    List<ResourceSpans> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ResourceSpans one = functionSpans(1);
      sent.add(one);
      sink.offer(batch(one));
    }

    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(collector.requestSignals()).containsExactly("traces", "traces");
    assertThat(functionResourceSpans()).containsExactlyElementsOf(sent);
  }

  @Test
  void collectorRetryable_retriedWithinTheFlushThenKept_sentOnceAtALaterFlush() {
    pipeline(Map.of("lambda-telemetry.export.retry.max-attempts", "3", "otel.metrics.exporter", "none"));
    collector.retryable();
    ResourceSpans spans = functionSpans(2);
    sink.offer(batch(spans));

    FlushResult failed = pipeline.flush(Instant.now().plus(WAIT));

    assertThat(failed.status()).isEqualTo(FlushResult.Status.FAILED);
    assertThat(collector.requestSignals()).containsExactly("traces", "traces", "traces");
    assertThat(pipeline.count(Source.FUNCTION, Signal.TRACES, Outcome.RETRIED)).isEqualTo(2 * 2);
    assertThat(pipeline.pendingItems()).as("kept for a later flush").isEqualTo(2);

    collector.up();
    assertThat(pipeline.flush(Instant.now().plus(WAIT)).status()).isEqualTo(FlushResult.Status.COMPLETE);
    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(functionResourceSpans()).as("sent once").containsExactly(spans);
    assertThat(pipeline.count(Source.FUNCTION, Signal.TRACES, Outcome.EXPORTED)).isEqualTo(2);
    assertThat(pipeline.pendingItems()).isZero();
  }

  @Test
  void collectorDown_breakerOpens_theFunctionsBatchesAreKeptAndDeliveredOnceAfterRecovery() {
    pipeline(Map.of("lambda-telemetry.export.breaker.failure-threshold", "1",
        "lambda-telemetry.export.breaker.initial-wait", "PT0.2S", "otel.metrics.exporter", "none"));
    collector.down();
    ResourceSpans first = functionSpans(1);
    sink.offer(batch(first));
    assertThat(pipeline.flush(Instant.now().plus(BUDGET)).status()).isEqualTo(FlushResult.Status.FAILED);
    ResourceSpans second = functionSpans(2);
    sink.offer(batch(second));

    FlushResult skipped = pipeline.flush(Instant.now().plus(BUDGET));

    assertThat(skipped.status()).isEqualTo(FlushResult.Status.BREAKER_OPEN);
    assertThat(skipped.pending()).isEqualTo(3);
    assertThat(pipeline.requestsInFlight()).isZero();

    collector.up();
    PollingWait.await(WAIT,
        () -> pipeline.flush(Instant.now().plus(BUDGET)).status() == FlushResult.Status.COMPLETE,
        "a probe after the open period should succeed");
    assertThat(functionResourceSpans()).containsExactly(first, second);
    assertThat(pipeline.count(Source.FUNCTION, Signal.TRACES, Outcome.DROPPED)).isZero();
  }

  @Test
  void collectorHangs_theRequestCutAtTheDeadlineIsCountedAbandoned_nothingInFlight_neverSentAgain() {
    pipeline(Map.of("otel.metrics.exporter", "none"));
    collector.hang();
    sink.offer(batch(functionSpans(2)));

    Instant deadline = Instant.now().plus(BUDGET);
    FlushResult cut = pipeline.flush(deadline);

    assertThat(pipeline.requestsInFlight()).as("nothing in flight once the flush returns").isZero();
    assertThat(cut.status()).isEqualTo(FlushResult.Status.FAILED);
    assertThat(cut.abandoned()).isEqualTo(2);
    assertThat(pipeline.count(Source.FUNCTION, Signal.TRACES, Outcome.ABANDONED)).isEqualTo(2);
    assertThat(Duration.between(deadline, Instant.now())).isLessThan(Duration.ofSeconds(2));
    collector.awaitCutCallEnded();

    collector.up();
    ResourceSpans later = functionSpans(1);
    sink.offer(batch(later));
    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(functionResourceSpans()).containsExactly(later);
    assertThat(collector.requestSignals()).as("the cut request was not sent again")
        .containsExactly("traces", "traces");
  }

  @Test
  void queueFull_refusesTheNewestBatch_countedDroppedUnderSourceFunction() {
    pipeline(Map.of());
    ResourceSpans kept = functionSpans(2);
    sink = pipeline.functionSink(batch(kept).bytes() + 10);

    assertThat(sink.offer(batch(kept))).isTrue();
    assertThat(sink.offer(batch(functionSpans(3)))).as("refused: the endpoint answers partial_success")
        .isFalse();
    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(pipeline.count(Source.FUNCTION, Signal.TRACES, Outcome.DROPPED)).isEqualTo(3);
    assertThat(pipeline.count(Signal.TRACES, Outcome.DROPPED)).as("the platform's, apart").isZero();
    assertThat(functionResourceSpans()).containsExactly(kept);
    assertThat(selfMetricPoint("function", "traces", "dropped")).isEqualTo(3);
  }

  @Test
  void queueFullInItems_refusesTheBatchThatWouldPassTheSignalsItemBound() {
    pipeline(Map.of("lambda-telemetry.export.queue.max-spans", "3"));

    assertThat(sink.offer(batch(functionSpans(2)))).isTrue();
    assertThat(sink.offer(batch(functionSpans(2)))).isFalse();
    assertThat(sink.offer(batch(functionLogs("logs have their own bound")))).isTrue();
    assertThat(pipeline.pendingItems()).isEqualTo(3);
  }

  @Test
  void signalNone_dropsTheFunctionsDataOfThatKind_countedNotQueued_otherSignalsStillGo() {
    pipeline(Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none"));
    ResourceLogs logs = functionLogs("still exported");

    assertThat(sink.offer(batch(functionSpans(2)))).as("taken: nothing for the SDK to warn about").isTrue();
    assertThat(sink.offer(batch(functionDeltaSum(1, 2, 3)))).isTrue();
    sink.offer(batch(logs));
    assertThat(pipeline.pendingItems()).isEqualTo(1);
    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(pipeline.count(Source.FUNCTION, Signal.TRACES, Outcome.DROPPED)).isEqualTo(2);
    assertThat(pipeline.count(Source.FUNCTION, Signal.METRICS, Outcome.DROPPED)).isEqualTo(3);
    assertThat(collector.requestSignals()).containsExactly("logs");
    assertThat(collector.resourceLogs()).containsExactly(logs);
  }

  @Test
  void batchEditor_isAppliedToTracesOnly_justBeforeTheyAreSent() {
    pipeline(Map.of("otel.metrics.exporter", "none"));
    List<dev.lambdatelemetry.otel.otlp.Signal> edited = new ArrayList<>();
    pipeline.setBatchEditor(b -> {
      edited.add(b.signal());
      ResourceSpans original = parse(b.resources().get(0));
      return batch(original.toBuilder().setResource(resource("edited")).build());
    });
    ResourceSpans spans = functionSpans(2);
    ResourceLogs logs = functionLogs("not edited");
    sink.offer(batch(spans));
    sink.offer(batch(logs));

    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(edited).containsExactly(dev.lambdatelemetry.otel.otlp.Signal.TRACES);
    assertThat(collector.resourceSpans()).containsExactly(spans.toBuilder().setResource(resource("edited")).build());
    assertThat(collector.resourceLogs()).containsExactly(logs);
  }

  @Test
  void batchEditorFails_theSpansGoAsTheyCame() {
    pipeline(Map.of("otel.metrics.exporter", "none"));
    pipeline.setBatchEditor(b -> {
      throw new IllegalStateException("a bug in the join");
    });
    ResourceSpans spans = functionSpans(1);
    sink.offer(batch(spans));

    assertThat(pipeline.flush(Instant.now().plus(WAIT)).status()).isEqualTo(FlushResult.Status.COMPLETE);

    assertThat(functionResourceSpans()).containsExactly(spans);
  }

  @Test
  void shutdownFinal_exportsEverythingPending_thenTheSinkRefusesAndCounts() {
    pipeline(Map.of());
    ResourceSpans spans = functionSpans(2);
    ResourceLogs logs = functionLogs("last words");
    ResourceMetrics metrics = functionDeltaSum(7);
    sink.offer(batch(spans));
    sink.offer(batch(logs));
    sink.offer(batch(metrics));

    pipeline.flushAtShutdown(Instant.now().plus(WAIT), ShutdownRound.FINAL);
    pipeline.shutdown(Instant.now().plus(WAIT));

    assertThat(functionResourceSpans()).containsExactly(spans);
    assertThat(collector.resourceLogs()).containsExactly(logs);
    assertThat(collector.resourceMetrics()).contains(metrics);
    assertThat(pipeline.pendingItems()).isZero();
    assertThat(sink.offer(batch(functionSpans(4)))).as("after shutdown").isFalse();
    assertThat(pipeline.count(Source.FUNCTION, Signal.TRACES, Outcome.DROPPED)).isEqualTo(4);
    pipeline = null;
  }

  @Test
  void shutdown_collectorDown_theFunctionsQueuedItemsAreCountedDropped() {
    pipeline(Map.of("otel.metrics.exporter", "none"));
    collector.down();
    sink.offer(batch(functionSpans(2)));
    sink.offer(batch(functionLogs("a", "b", "c")));

    Instant deadline = Instant.now().plus(BUDGET);
    pipeline.shutdown(deadline);

    assertThat(Instant.now()).isBefore(deadline.plusSeconds(1));
    assertThat(pipeline.count(Source.FUNCTION, Signal.TRACES, Outcome.DROPPED)).isEqualTo(2);
    assertThat(pipeline.count(Source.FUNCTION, Signal.LOGS, Outcome.DROPPED)).isEqualTo(3);
    assertThat(pipeline.statsLine()).contains("function traces").contains("function logs");
    pipeline = null;
  }

  @Test
  void selfMetric_everyCounterCarriesItsSource() {
    pipeline(Map.of());
    sink.offer(batch(functionSpans(2)));
    pipeline.span(ExportPipelineSuite.span());

    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(selfMetricPoint("function", "traces", "exported")).isEqualTo(2);
    assertThat(selfMetricPoint("platform", "traces", "exported")).isEqualTo(1);
  }

  @Test
  void continuousBackground_exportsTheFunctionsDataWithoutAnExplicitFlush() {
    pipeline(Map.of());
    ResourceLogs logs = functionLogs("in the background");
    pipeline.startBackground(Duration.ofMillis(20));
    sink.offer(batch(logs));

    PollingWait.await(WAIT, () -> collector.resourceLogs().contains(logs), "the logs should arrive");
    pipeline.stopBackground(Instant.now().plusSeconds(5));

    assertThat(collector.resourceLogs()).containsExactly(logs);
  }

  /** A pipeline exporting to the collector, with {@code extra} properties over the defaults. */
  void pipeline(Map<String, String> extra) {
    Map<String, String> props = new HashMap<>(collector.props());
    props.put("lambda-telemetry.export.retry.initial-backoff", "PT0.005S");
    props.putAll(extra);
    pipeline = new ExportPipeline(TestConfigs.export(props), OtelSettings.from(TestConfigs.otel(props)),
        ExportPipelineSuite.RESOURCE, List::of);
    sink = pipeline.functionSink(QUEUE_BYTES);
  }

  /** The value of our own counter's point with these attributes, in the last metrics received. */
  long selfMetricPoint(String source, String signal, String outcome) {
    List<Long> values = new ArrayList<>();
    collector.resourceMetrics().forEach(rm -> rm.getScopeMetricsList().forEach(sm -> sm.getMetricsList()
        .stream().filter(m -> m.getName().equals(ExportCounters.METRIC_NAME))
        .forEach(m -> m.getSum().getDataPointsList().stream()
            .filter(p -> attr(p.getAttributesList(), "source").equals(source)
                && attr(p.getAttributesList(), "signal").equals(signal)
                && attr(p.getAttributesList(), "outcome").equals(outcome))
            .forEach(p -> values.add(p.getAsInt())))));
    assertThat(values).as("points %s/%s/%s", source, signal, outcome).isNotEmpty();
    return values.get(values.size() - 1);
  }

  List<ResourceSpans> functionResourceSpans() {
    return collector.resourceSpans().stream().filter(rs -> !isPlatform(rs.getResource())).toList();
  }

  List<ResourceSpans> platformResourceSpans() {
    return collector.resourceSpans().stream().filter(rs -> isPlatform(rs.getResource())).toList();
  }

  private static boolean isPlatform(Resource r) {
    return attr(r.getAttributesList(), "service.name").equals("fn");
  }

  private static String attr(List<KeyValue> attributes, String key) {
    return attributes.stream().filter(a -> a.getKey().equals(key)).map(a -> a.getValue().getStringValue())
        .findFirst().orElse("");
  }
}
