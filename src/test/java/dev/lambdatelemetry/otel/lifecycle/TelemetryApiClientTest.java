package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.TestConfigs;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryApiClientTest {

  @Test
  void functionLogsOverOtlpOnly_leavesTheFunctionStreamOutOfTheSubscription() {
    assertThat(TelemetryApiClient.types(TestConfigs.extension(Map.of(
        "lambda-telemetry.function-logs", "otlp"))))
        .containsExactly("platform", "extension");
  }

  @Test
  void bothOrTelemetryApi_subscribeToTheConfiguredStreams() {
    assertThat(TelemetryApiClient.types(TestConfigs.extension(Map.of())))
        .containsExactly("platform", "function", "extension");
    assertThat(TelemetryApiClient.types(TestConfigs.extension(Map.of(
        "lambda-telemetry.function-logs", "telemetry-api"))))
        .containsExactly("platform", "function", "extension");
  }

  @Test
  void theSubscriptionBody_carriesTheTypes() {
    String body = new TelemetryApiClient("127.0.0.1:9001").subscriptionBody(
        TestConfigs.extension(Map.of("lambda-telemetry.function-logs", "otlp")), false).toString();
    assertThat(body).contains("\"types\":[\"platform\",\"extension\"]");
  }
}
