package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.config.OtelConfig;
import dev.lambdatelemetry.otel.export.FlushPolicy;
import dev.lambdatelemetry.otel.telemetry.InvocationBarrier;
import dev.lambdatelemetry.otel.telemetry.TelemetryInbox;
import dev.lambdatelemetry.otel.telemetry.TelemetryReceiver;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The telemetry side's assembly, without CDI: what it builds for each kind of environment. */
class TelemetryStartupTest {

  /** No exporter: nothing leaves the test. */
  private static final Map<String, String> NO_EXPORT = Map.of(
      "otel.traces.exporter", "none", "otel.logs.exporter", "none",
      "otel.metrics.exporter", "none");

  @Test
  void onDemand_byDefault_flushesAdaptively_withNoPeriodicBackgroundExport() {
    TelemetrySide side = build(List.of("INVOKE", "SHUTDOWN"), Map.of());
    try {
      assertThat(side.policy().strategy()).isEqualTo(new FlushPolicy.Adaptive(10, Duration.ofSeconds(60),
          Duration.ofSeconds(10), Duration.ofSeconds(10)));
      assertThat(side.policy().backgroundInterval()).isEmpty();
    } finally {
      side.shutdown(Instant.now().plusMillis(100));
    }
  }

  @Test
  void onDemand_theConfiguredStrategyDecides() {
    TelemetrySide side = build(List.of("INVOKE", "SHUTDOWN"),
        Map.of("lambda-telemetry.export.flush-strategy", "end"));
    try {
      assertThat(side.policy().strategy()).isEqualTo(new FlushPolicy.End());
    } finally {
      side.shutdown(Instant.now().plusMillis(100));
    }
  }

  @Test
  void onManagedInstances_withoutAContinuousStrategy_exportsInTheBackground() {
    TelemetrySide side = build(List.of("SHUTDOWN"), Map.of());
    try {
      assertThat(side.policy().backgroundInterval())
          .isEqualTo(Optional.of(TelemetryStartup.CONTINUOUS_INTERVAL));
    } finally {
      side.shutdown(Instant.now().plusMillis(100));
    }
  }

  @Test
  void aConfiguredContinuousStrategy_keepsItsInterval() {
    TelemetrySide side = build(List.of("SHUTDOWN"),
        Map.of("lambda-telemetry.export.flush-strategy", "continuous,5s"));
    try {
      assertThat(side.policy().backgroundInterval()).isEqualTo(Optional.of(Duration.ofSeconds(5)));
    } finally {
      side.shutdown(Instant.now().plusMillis(100));
    }
  }

  @Test
  void theProcessingThreadRuns_aDrainIsDoneWellBeforeItsDeadline() {
    TelemetrySide side = build(List.of("INVOKE", "SHUTDOWN"), Map.of());
    try {
      assertThat(side.catchUp(Instant.now().plusSeconds(10))).isTrue();
      assertThat(side.drain(Instant.now().plusSeconds(10))).isTrue();
    } finally {
      side.shutdown(Instant.now().plusMillis(100));
    }
  }

  private static TelemetrySide build(List<String> events, Map<String, String> extra) {
    Map<String, String> props = new HashMap<>(NO_EXPORT);
    props.putAll(extra);
    ExtensionConfig config = TestConfigs.extension(props);
    OtelConfig otel = TestConfigs.otel(props);
    TelemetryInbox inbox = new TelemetryInbox(4, 1 << 20);
    InvocationBarrier barrier = new InvocationBarrier();
    TelemetryReceiver receiver = new TelemetryReceiver(inbox, "/telemetry", 1 << 20, barrier::arrived);
    return new TelemetryStartup(config, otel, Map.of("AWS_REGION", "us-east-1"), inbox, receiver,
        barrier, LifecycleClock.SYSTEM)
        .build(new Registration("id-1", null, events, System.nanoTime()));
  }
}
