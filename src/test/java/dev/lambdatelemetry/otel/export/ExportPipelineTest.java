package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.OtlpReceiver.Mode;
import dev.lambdatelemetry.otel.testing.PollingWait;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The pipeline with {@code http/protobuf} against a real OTLP/HTTP receiver on loopback: the shared
 * cases of {@link ExportPipelineSuite}, and those of HTTP alone or of the pipeline's own bookkeeping
 * (Retry-After, connection resets, the background thread's stop, metrics timing, our own lines).
 */
class ExportPipelineTest extends ExportPipelineSuite {

  private OtlpReceiver receiver;

  @Override
  Collector startCollector() {
    receiver = OtlpReceiver.start();
    return new HttpCollector(receiver);
  }

  /**
   * OTEL_* values never fail init: a timeout or metric interval too long for the SDK's nanosecond
   * arithmetic (the OTLP builders call {@code Duration.toNanos()}) must be warned about and ignored,
   * not thrown from the exporter's construction.
   */
  @Test
  void create_timeoutBeyondNanoseconds_buildsAndExportsWithTheDefault() {
    pipeline = pipeline(Map.of(
        "otel.exporter.otlp.timeout", "9223372036854775807",
        "otel.exporter.otlp.logs.timeout", "PT2562047788015215H",
        "otel.metric.export.interval", "PT2562047788015215H"));
    metrics.set(List.of(counter("faas.invocations", 1)));
    pipeline.span(span());

    FlushResult result = pipeline.flush(Instant.now().plus(WAIT));

    assertThat(result.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(receiver.spans()).hasSize(1);
  }

  @Test
  void flush_perSignalEndpoint_isUsedAsIs() {
    pipeline =
        pipeline(Map.of("otel.exporter.otlp.traces.endpoint", receiver.endpoint() + "/custom/v1/traces"));
    pipeline.span(span());

    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(receiver.paths()).contains("/custom/v1/traces");
    assertThat(receiver.spans()).hasSize(1);
  }

  @Test
  void flush_metricsChangedWithinTheExportInterval_waitForItOrForShutdown() {
    pipeline = pipeline(Map.of("otel.metric.export.interval", "60s"));
    metrics.set(List.of(counter("faas.invocations", 1)));
    pipeline.flush(Instant.now().plus(WAIT));
    int afterFirst = receiver.resourceMetrics().size();
    metrics.set(List.of(counter("faas.invocations", 2)));
    pipeline.flush(Instant.now().plus(WAIT));
    int withinInterval = receiver.resourceMetrics().size();
    pipeline.shutdown(Instant.now().plus(WAIT));

    assertThat(afterFirst).isPositive();
    assertThat(withinInterval).as("no metrics request within the interval").isEqualTo(afterFirst);
    assertThat(receiver.resourceMetrics().size()).as("SHUTDOWN exports them").isGreaterThan(afterFirst);
  }

  @Test
  void flush_retryAfterLongerThanDeadline_returnsWithoutWaiting() {
    pipeline = pipeline(Map.of());
    receiver.setMode(Mode.STATUS(429, "120"));
    pipeline.span(span());

    FlushResult result = pipeline.flush(Instant.now().plus(BUDGET));

    assertThat(result.status()).isEqualTo(FlushResult.Status.FAILED);
    assertThat(receiver.requestCount()).isEqualTo(1);
    assertThat(pipeline.pendingItems()).isEqualTo(1);
  }

  @Test
  void flush_connectionReset_deliversNothingTwiceAndCountsWhatIsMissing() {
    pipeline = pipeline(Map.of("lambda-telemetry.export.retry.max-attempts", "2"));
    receiver.setMode(Mode.RESET);
    SpanData s = span();
    pipeline.span(s);

    FlushResult result = pipeline.flush(Instant.now().plus(BUDGET));
    receiver.setMode(Mode.UP);
    pipeline.flush(Instant.now().plus(WAIT));

    // Read completely, then reset: whether the sender reports it as a lost answer (abandoned after
    // one retry) or as a connection error (kept), the span arrives at most once and is never lost
    // uncounted.
    assertThat(result.status()).isEqualTo(FlushResult.Status.FAILED);
    assertThat(spanIds()).doesNotHaveDuplicates();
    assertThat(spanIds().size() + pipeline.count(Signal.TRACES, Outcome.ABANDONED)).isEqualTo(1);
  }

  @Test
  void flush_answersLostOverARealSocket_eachItemIsOfferedAtMostTwice() {
    pipeline = pipeline(Map.of("lambda-telemetry.export.breaker.failure-threshold", "100",
        "otel.metrics.exporter", "none"));
    receiver.setMode(Mode.RESET);
    pipeline.span(span());
    pipeline.log(TestLogRecordData.builder().setBody("once").setResource(RESOURCE).build());

    for (int i = 0; i < 5; i++) {
      pipeline.flush(Instant.now().plus(BUDGET));
    }

    assertThat(receiver.offeredSpans()).hasSizeBetween(1, 2);
    assertThat(receiver.paths()).filteredOn("/v1/logs"::equals).hasSizeBetween(1, 2);
    assertThat(pipeline.count(Signal.TRACES, Outcome.ABANDONED)).isEqualTo(1);
    assertThat(pipeline.count(Signal.LOGS, Outcome.ABANDONED)).isEqualTo(1);
    assertThat(pipeline.pendingItems()).isZero();
  }

  @Test
  void span_queueFull_dropsOldestAndCounts() {
    pipeline = pipeline(Map.of("lambda-telemetry.export.queue.max-spans", "3"));
    List<SpanData> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      SpanData s = span();
      all.add(s);
      pipeline.span(s);
    }

    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(pipeline.count(Signal.TRACES, Outcome.DROPPED)).isEqualTo(2);
    assertThat(spanIds()).containsExactlyInAnyOrderElementsOf(ids(all.subList(2, 5)));
  }

  @Test
  void continuousBackground_stoppedAtShutdown_cutsAFlushThatHangsPastTheStopDeadline() {
    // one failure would trip the breaker: a cut by our own stop must not count as one
    pipeline = pipeline(Map.of("lambda-telemetry.export.breaker.failure-threshold", "1"));
    receiver.setMode(Mode.HANG);
    pipeline.startBackground(Duration.ofMillis(20)); // its flushes may take 1 s
    pipeline.span(span());
    long until = System.nanoTime() + WAIT.toNanos();
    while (receiver.offeredSpans().isEmpty() && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertThat(receiver.offeredSpans()).as("the background flush is waiting on the collector").hasSize(1);

    Instant stop = Instant.now();
    pipeline.stopBackground(stop.plusMillis(50));

    // cut then, not when its own 1 s window ends: SHUTDOWN's flush can start, nothing in flight
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (pipeline.count(Signal.TRACES, Outcome.ABANDONED) == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(pipeline.count(Signal.TRACES, Outcome.ABANDONED)).isEqualTo(1);
    assertThat(Duration.between(stop, Instant.now())).isLessThan(Duration.ofMillis(900));
    assertThat(pipeline.requestsInFlight()).isZero();
    assertThat(pipeline.breaker().tripped()).as("our own stop is not the collector failing").isFalse();
  }

  @Test
  void continuousBackground_stopped_aFlushWaitingInARetryBackoffRetriesNoMore() {
    pipeline = pipeline(Map.of("lambda-telemetry.export.retry.initial-backoff", "PT0.6S"));
    receiver.setMode(Mode.STATUS(503, null));
    pipeline.startBackground(Duration.ofMillis(20)); // its flushes may take 1 s: room for retries
    pipeline.span(span());
    long until = System.nanoTime() + WAIT.toNanos();
    while (pipeline.count(Signal.TRACES, Outcome.RETRIED) == 0 && System.nanoTime() < until) {
      Thread.onSpinWait();
    }

    pipeline.stopBackground(Instant.now().plus(WAIT));
    receiver.setMode(Mode.UP);
    FlushResult atShutdown = pipeline.flushAtShutdown(Instant.now().plus(WAIT), ExportPipeline.ShutdownRound.FINAL);

    // one refused attempt and its backoff, then nothing more from the stopped background flush;
    // the span stayed queued and SHUTDOWN's flush delivered it
    assertThat(pipeline.count(Signal.TRACES, Outcome.RETRIED)).isEqualTo(1);
    assertThat(atShutdown.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(receiver.spans()).hasSize(1);
  }

  @Test
  void continuousBackground_stopped_aLogsRetryAsleepOnTheExecutorLetsShutdownFlushAtOnce() {
    pipeline = pipeline(Map.of("lambda-telemetry.export.retry.initial-backoff", "PT0.6S"));
    receiver.setMode(Mode.STATUS(503, null));
    pipeline.startBackground(Duration.ofMillis(20));
    pipeline.log(TestLogRecordData.builder().setBody("late line").setResource(RESOURCE).build());
    long until = System.nanoTime() + WAIT.toNanos();
    while (pipeline.count(Signal.LOGS, Outcome.RETRIED) == 0 && System.nanoTime() < until) {
      Thread.onSpinWait();
    }

    pipeline.stopBackground(Instant.now());
    receiver.setMode(Mode.UP);
    Instant start = Instant.now();
    FlushResult atShutdown = pipeline.flushAtShutdown(start.plus(WAIT), ExportPipeline.ShutdownRound.FINAL);

    // the logs half slept its backoff (at least 300 ms) on another thread; the stop ends that
    // sleep, so SHUTDOWN's flush takes the lock and delivers at once instead of after it
    assertThat(atShutdown.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(receiver.logRecords()).hasSize(1);
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofMillis(250));
    assertThat(pipeline.count(Signal.LOGS, Outcome.RETRIED)).isEqualTo(1);
  }

  // ---- issue 9 ----

  @Test
  void flush_metricsWithoutDataPoints_areNotSent() {
    pipeline = pipeline(Map.of());
    metrics.set(List.of(ImmutableMetricData.createLongSum(RESOURCE, InstrumentationScopeInfo.create("test"),
        "faas.invocations", "", "{invocation}",
        ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, List.of()))));

    pipeline.flush(Instant.now().plus(WAIT));

    assertThat(receiver.requestCount()).isZero();
  }

  @Test
  void flush_receiverHangsWhileTheWarmUpHolds_theFirstFlushSendsAndReturnsByItsDeadline() {
    pipeline = pipeline(Map.of());
    receiver.setMode(Mode.HANG);
    Thread warm = new Thread(() -> pipeline.warmUp(Instant.now().plusSeconds(2)), "test-warm-up");
    warm.start();
    PollingWait.await(WAIT, () -> receiver.requestCount() == 1, "the warm-up request should be sent");
    pipeline.span(span());
    pipeline.log(TestLogRecordData.builder().setBody("first").setResource(RESOURCE).build());

    Instant deadline = Instant.now().plusMillis(250);
    FlushResult result = pipeline.flush(deadline);
    Instant returned = Instant.now();

    // A functional bound, not a speed test: the flush does not wait for the warm-up's hanging
    // request (it cuts it: it carries nothing) and adds no grace of its own past its deadline.
    assertThat(result.status()).isEqualTo(FlushResult.Status.FAILED);
    assertThat(receiver.offeredSpans()).hasSize(1);
    assertThat(returned).isBefore(deadline.plusMillis(60));
    assertThat(pipeline.requestsInFlight()).isZero();
  }

  @Test
  void flush_metricsExportFailed_waitsForItsNextDueTimeButShutdownStillSendsThem() {
    pipeline = pipeline(Map.of("otel.metric.export.interval", "60s",
        "lambda-telemetry.export.retry.max-attempts", "1",
        "lambda-telemetry.export.breaker.failure-threshold", "100"));
    receiver.setMode(Mode.STATUS(503, null));
    metrics.set(List.of(counter("faas.invocations", 1)));
    pipeline.flush(Instant.now().plus(WAIT));
    long afterFirst = metricsRequests();
    metrics.set(List.of(counter("faas.invocations", 2)));

    pipeline.flush(Instant.now().plus(WAIT));
    pipeline.flush(Instant.now().plus(WAIT));
    long afterMore = metricsRequests();
    receiver.setMode(Mode.UP);
    pipeline.shutdown(Instant.now().plus(WAIT));

    assertThat(afterFirst).isEqualTo(1);
    assertThat(afterMore).as("not retried at every flush").isEqualTo(1);
    assertThat(metricNames()).as("SHUTDOWN exports them").contains("faas.invocations");
    pipeline = null;
  }

  @Test
  void flush_answerLostAfterTheRequestWasWritten_retriedOnceThenAbandoned() {
    List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
    SpanExporter answerLost = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> batch) {
        batch.forEach(s -> delivered.add(s.getSpanId()));
        CompletableResultCode code = new CompletableResultCode();
        code.failExceptionally(
            new FailureClass.AnswerLostException(new java.net.SocketException("Connection reset")));
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
    };
    pipeline = pipeline(Map.of("lambda-telemetry.export.breaker.failure-threshold", "100"),
        Clock.systemUTC(), new ExporterFactory.Exporters(answerLost, null, null));
    SpanData s = span();
    pipeline.span(s);

    for (int i = 0; i < 4; i++) {
      pipeline.flush(Instant.now().plus(WAIT));
    }

    assertThat(delivered).as("sent, then sent once more, never again").containsExactly(s.getSpanId(), s.getSpanId());
    assertThat(pipeline.count(Signal.TRACES, Outcome.RETRIED)).isEqualTo(1);
    assertThat(pipeline.count(Signal.TRACES, Outcome.ABANDONED)).isEqualTo(1);
    assertThat(pipeline.pendingItems()).isZero();
  }

  @Test
  void flush_429WithRetryAfter_noRequestToThatSignalBeforeTheTimeNamed_otherSignalsGo() {
    OffsetClock clock = new OffsetClock();
    pipeline = pipeline(Map.of("otel.metrics.exporter", "none"), clock, null);
    receiver.setMode(Mode.STATUS(429, "1"));
    SpanData s = span();
    pipeline.span(s);
    pipeline.flush(clock.instant().plus(BUDGET)); // 1 s does not fit the budget: kept
    receiver.setMode(Mode.UP);
    pipeline.span(span());
    pipeline.log(TestLogRecordData.builder().setBody("not held").setResource(RESOURCE).build());

    FlushResult held = pipeline.flush(clock.instant().plus(WAIT));
    long tracesWhileHeld = tracesRequests();
    clock.advance(Duration.ofMillis(1001));
    FlushResult after = pipeline.flush(clock.instant().plus(WAIT));

    assertThat(tracesWhileHeld).as("no traces request before the time named").isEqualTo(1);
    assertThat(held.status()).isEqualTo(FlushResult.Status.HELD_BACK);
    assertThat(receiver.logRecords()).hasSize(1);
    assertThat(after.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(spanIds()).hasSize(2).contains(s.getSpanId());
  }

  @Test
  void flush_retryAfterOfAnHour_isCappedAtAMinute() {
    OffsetClock clock = new OffsetClock();
    pipeline = pipeline(Map.of("otel.metrics.exporter", "none"), clock, null);
    receiver.setMode(Mode.STATUS(429, "3600"));
    pipeline.span(span());
    pipeline.flush(clock.instant().plus(BUDGET));
    receiver.setMode(Mode.UP);

    clock.advance(Duration.ofSeconds(30));
    pipeline.flush(clock.instant().plus(WAIT));
    long after30s = tracesRequests();
    clock.advance(Duration.ofSeconds(31));
    pipeline.flush(clock.instant().plus(WAIT));

    assertThat(after30s).isEqualTo(1);
    assertThat(receiver.spans()).hasSize(1);
  }

  @Test
  void flush_selfMetricGoesOutUnderTheResourceOfTheMoment() {
    AtomicReference<Resource> current = new AtomicReference<>(RESOURCE);
    Map<String, String> props = baseProps(Map.of("otel.metric.export.interval", "1"));
    pipeline = new ExportPipeline(TestConfigs.export(props), OtelSettings.from(TestConfigs.otel(props)),
        current::get, metrics::get);
    pipeline.span(span());
    pipeline.flush(Instant.now().plus(WAIT));
    Resource later = RESOURCE.merge(Resource.create(Attributes.of(
        io.opentelemetry.api.common.AttributeKey.stringKey("faas.instance"), "i-1")));
    current.set(later);
    pipeline.span(span());

    pipeline.flush(Instant.now().plus(WAIT));

    List<io.opentelemetry.proto.metrics.v1.ResourceMetrics> self = receiver.resourceMetrics().stream()
        .filter(rm -> rm.getScopeMetricsList().stream().anyMatch(sm -> sm.getMetricsList().stream()
            .anyMatch(m -> m.getName().equals(ExportCounters.METRIC_NAME))))
        .toList();
    assertThat(self).hasSize(2);
    assertThat(self.get(1).getResource().getAttributesList())
        .anySatisfy(a -> assertThat(a.getKey()).isEqualTo("faas.instance"));
  }

  @Test
  void debugLines_fedBackAsLogRecords_stopOnceTheirOwnExportIsDone() {
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.lambdatelemetry.otel.export");
    java.util.logging.Level level = jul.getLevel();
    java.util.logging.Handler feedBack = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (pipeline != null) { // as the Telemetry API would: every line of ours comes back
          pipeline.log(TestLogRecordData.builder().setBody(String.valueOf(r.getMessage()))
              .setResource(RESOURCE).build());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    feedBack.setLevel(java.util.logging.Level.ALL);
    jul.setLevel(java.util.logging.Level.FINE);
    jul.addHandler(feedBack);
    try {
      pipeline = pipeline(Map.of());
      assertThat(org.jboss.logging.Logger.getLogger("dev.lambdatelemetry.otel.export").isDebugEnabled())
          .as("DEBUG on for the test").isTrue();
      pipeline.span(span());
      pipeline.flush(Instant.now().plus(WAIT));

      List<Integer> exported = new ArrayList<>();
      for (int i = 0; i < 8; i++) { // idle flushes, as the background ones every second
        pipeline.flush(Instant.now().plus(WAIT));
        exported.add(receiver.logRecords().size());
      }

      assertThat(exported.get(exported.size() - 1)).as("stops growing: %s", exported)
          .isEqualTo(exported.get(3));
      assertThat(pipeline.pendingItems()).isZero();
    } finally {
      jul.removeHandler(feedBack);
      jul.setLevel(level);
    }
  }

  @Test
  void shutdown_signalStillHeldBackByRetryAfter_sendsNothingToItAndCountsItsItemsDropped() {
    OffsetClock clock = new OffsetClock();
    pipeline = pipeline(Map.of("otel.metrics.exporter", "none",
        "lambda-telemetry.export.queue.max-spans", "2"), clock, null);
    receiver.setMode(Mode.STATUS(429, "30"));
    pipeline.span(span());
    pipeline.flush(clock.instant().plus(BUDGET));
    receiver.setMode(Mode.UP);
    for (int i = 0; i < 3; i++) {
      pipeline.span(span()); // held back: still queued, within the queue's bound
    }

    pipeline.shutdown(clock.instant().plus(WAIT));

    assertThat(tracesRequests()).as("no request before the time named, even at SHUTDOWN").isEqualTo(1);
    assertThat(pipeline.count(Signal.TRACES, Outcome.DROPPED)).as("2 over the bound, 2 at shutdown")
        .isEqualTo(4);
    pipeline = null;
  }

  /** The wall clock moved by hand: time named by Retry-After passes without waiting for it. */
  private static final class OffsetClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void advance(Duration d) {
      offset = offset.plus(d);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private long metricsRequests() {
    return receiver.paths().stream().filter("/v1/metrics"::equals).count();
  }

  private long tracesRequests() {
    return receiver.paths().stream().filter("/v1/traces"::equals).count();
  }

  private Map<String, String> baseProps(Map<String, String> extra) {
    Map<String, String> props = new HashMap<>();
    props.put("otel.exporter.otlp.endpoint", receiver.endpoint());
    props.put("lambda-telemetry.export.retry.initial-backoff", "PT0.005S");
    props.putAll(extra);
    return props;
  }

  /** With {@code clock}, and {@code exporters} instead of those the settings name when not null. */
  private ExportPipeline pipeline(Map<String, String> extra, Clock clock, ExporterFactory.Exporters exporters) {
    Map<String, String> props = baseProps(extra);
    OtelSettings otel = OtelSettings.from(TestConfigs.otel(props));
    return new ExportPipeline(TestConfigs.export(props), otel, () -> RESOURCE, metrics::get, clock,
        new java.util.SplittableRandom(7),
        (inFlight, executor) -> exporters != null ? exporters
            : ExporterFactory.create(otel, inFlight, executor, System.out));
  }

  private List<String> spanIds() {
    return collector.spanIds();
  }

  private static List<String> ids(List<SpanData> spans) {
    return spans.stream().map(SpanData::getSpanId).collect(Collectors.toList());
  }

  private static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (byte x : bytes) {
      b.append(String.format("%02x", x));
    }
    return b.toString();
  }

  /** The HTTP receiver as the shared cases see it. */
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
    public void slow(Duration delay) {
      receiver.setMode(Mode.SLOW(delay));
    }

    @Override
    public void retryable() {
      receiver.setMode(Mode.STATUS(503, "0"));
    }

    @Override
    public void rejecting() {
      receiver.setMode(Mode.STATUS(400, null));
    }

    @Override
    public List<String> requestSignals() {
      return receiver.paths().stream()
          .map(p -> p.equals("/v1/traces") ? "traces"
              : p.equals("/v1/logs") ? "logs"
              : p.equals("/v1/metrics") ? "metrics" : p)
          .toList();
    }

    @Override
    public Map.Entry<String, String> gzipHeader() {
      return Map.entry("content-encoding", "gzip");
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
      return receiver.spans().stream().map(s -> hex(s.getSpanId().toByteArray())).toList();
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
