package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one place that decides what telemetry the lifecycle waits for. */
class TelemetryModeTest {

  private static final SubscribeOutcome SUBSCRIBED = new SubscribeOutcome.Subscribed();

  @Test
  void onDemand_withPlatformEvents_waitsForThem() {
    TelemetryMode mode = TelemetryMode.of(SUBSCRIBED, false, subscription("platform,function"));
    assertThat(mode).isEqualTo(TelemetryMode.PLATFORM_EVENTS);
    assertThat(mode.awaitsPlatformEvents()).isTrue();
    assertThat(mode.expectsTelemetry()).isTrue();
  }

  @Test
  void managedInstances_orNoPlatformType_expectTelemetryButWaitForNoPlatformEvent() {
    assertThat(TelemetryMode.of(SUBSCRIBED, true, subscription("platform,function")))
        .isEqualTo(TelemetryMode.TELEMETRY_WITHOUT_PLATFORM_EVENTS);
    TelemetryMode mode = TelemetryMode.of(SUBSCRIBED, false, subscription("function"));
    assertThat(mode).isEqualTo(TelemetryMode.TELEMETRY_WITHOUT_PLATFORM_EVENTS);
    assertThat(mode.awaitsPlatformEvents()).isFalse();
    assertThat(mode.expectsTelemetry()).isTrue();
  }

  @Test
  void anEmulatorWithoutTelemetryApi_isLocalMode() {
    TelemetryMode mode = TelemetryMode.of(
        new SubscribeOutcome.NotSupported("Telemetry API not supported"), false,
        subscription("platform"));
    assertThat(mode).isEqualTo(TelemetryMode.NO_TELEMETRY);
    assertThat(mode.awaitsPlatformEvents()).isFalse();
    assertThat(mode.expectsTelemetry()).isFalse();
  }

  private static ExtensionConfig.Subscription subscription(String types) {
    return TestConfigs.extension(Map.of("lambda-telemetry.subscription.types", types))
        .subscription();
  }
}
