package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.export.ExportPipeline;
import dev.lambdatelemetry.otel.export.FlushPolicy;
import dev.lambdatelemetry.otel.telemetry.TelemetryInbox;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.OtlpReceiver.Mode;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event loop's flush hooks against a collector that hangs: the budget holds from hand-over. */
class PipelineHooksTest {

  private static final Duration BUDGET = Duration.ofMillis(100);
  private static final Duration FIRST_BUDGET = Duration.ofMillis(250);
  /** A functional bound for a loaded 2-core machine, far below a second budget. */
  private static final Duration SLACK = Duration.ofMillis(60);
  private static final Resource RESOURCE =
      Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "fn"));

  private OtlpReceiver receiver;
  private ExportPipeline pipeline;

  @BeforeEach
  void start() {
    receiver = OtlpReceiver.start();
    receiver.setMode(Mode.HANG);
    Map<String, String> props = Map.of("otel.exporter.otlp.endpoint", receiver.endpoint());
    pipeline = new ExportPipeline(TestConfigs.export(props), OtelSettings.from(TestConfigs.otel(props)),
        RESOURCE, List::of);
  }

  @AfterEach
  void stop() {
    pipeline.shutdown(Instant.now().plusMillis(50));
    receiver.close();
  }

  @Test
  void invokeFinished_telemetrySideReadyLate_theWaitIsPartOfTheFirstFlushBudget() {
    // The converter is not used by an invocation's end: only the pipeline and the policy are.
    PipelineHooks hooks = new PipelineHooks(new TelemetryInbox(4, 1 << 20), null, pipeline,
        new FlushPolicy(new FlushPolicy.End()), BUDGET, FIRST_BUDGET);
    CompletableFuture<PipelineHooks> ready = CompletableFuture.supplyAsync(() -> hooks,
        CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS));
    pipeline.log(TestLogRecordData.builder().setBody("line").setResource(RESOURCE).build());
    Instant handedOver = Instant.now();

    new DeferredHooks(ready).invokeFinished(invoke(), handedOver.plusSeconds(10));

    assertThat(receiver.requestCount()).as("the flush was made").isPositive();
    assertThat(Instant.now()).isBefore(handedOver.plus(FIRST_BUDGET).plus(SLACK));
  }

  @Test
  void invokeFinished_collectorHangs_secondAndLaterFlushesKeepTheSmallBudget() {
    PipelineHooks hooks = new PipelineHooks(new TelemetryInbox(4, 1 << 20), null, pipeline,
        new FlushPolicy(new FlushPolicy.End()), BUDGET, FIRST_BUDGET);
    pipeline.log(TestLogRecordData.builder().setBody("first").setResource(RESOURCE).build());
    hooks.invokeFinished(invoke(), Instant.now().plusSeconds(10));
    pipeline.log(TestLogRecordData.builder().setBody("second").setResource(RESOURCE).build());
    Instant handedOver = Instant.now();

    hooks.invokeFinished(invoke(), handedOver.plusSeconds(10));

    assertThat(Instant.now()).isBefore(handedOver.plus(BUDGET).plus(SLACK));
  }

  private static NextEvent.Invoke invoke() {
    return new NextEvent.Invoke("req-1", System.currentTimeMillis() + 60_000,
        "arn:aws:lambda:us-east-1:123456789012:function:fn", null);
  }
}
