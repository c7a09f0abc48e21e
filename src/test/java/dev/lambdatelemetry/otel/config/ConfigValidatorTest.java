package dev.lambdatelemetry.otel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.testing.TestConfigs;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigValidatorTest {

  static ExtensionConfig config(Map<String, String> values) {
    return TestConfigs.extension(values);
  }

  @Test
  void defaults_areValid() {
    assertThat(ConfigValidator.problems(config(Map.of()), false)).isEmpty();
    assertThat(ConfigValidator.problems(config(Map.of()), true)).isEmpty();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        argumentSet("maxItems below the platform minimum",
            "lambda-telemetry.subscription.buffering.max-items", "999",
            "lambda-telemetry.subscription.buffering.max-items"),
        argumentSet("maxItems above the maximum",
            "lambda-telemetry.subscription.buffering.max-items", "10001",
            "lambda-telemetry.subscription.buffering.max-items"),
        argumentSet("maxBytes below the minimum",
            "lambda-telemetry.subscription.buffering.max-bytes", "262143",
            "lambda-telemetry.subscription.buffering.max-bytes"),
        argumentSet("maxBytes above the maximum",
            "lambda-telemetry.subscription.buffering.max-bytes", "1048577",
            "lambda-telemetry.subscription.buffering.max-bytes"),
        argumentSet("timeoutMs below 25",
            "lambda-telemetry.subscription.buffering.timeout-ms", "24",
            "lambda-telemetry.subscription.buffering.timeout-ms"),
        argumentSet("timeoutMs above 30000",
            "lambda-telemetry.subscription.buffering.timeout-ms", "30001",
            "lambda-telemetry.subscription.buffering.timeout-ms"),
        argumentSet("the Runtime API port", "lambda-telemetry.listener.port", "9001",
            "lambda-telemetry.listener.port"),
        argumentSet("the OTLP port", "lambda-telemetry.listener.port", "4318",
            "lambda-telemetry.listener.port"),
        argumentSet("an unknown stream", "lambda-telemetry.subscription.types", "platform,metrics",
            "lambda-telemetry.subscription.types"),
        argumentSet("an unknown schema", "lambda-telemetry.subscription.schema-version",
            "2023-01-01", "lambda-telemetry.subscription.schema-version"),
        argumentSet("a relative path", "lambda-telemetry.listener.path", "telemetry",
            "lambda-telemetry.listener.path"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidValue_isReportedNamingTheProperty(String key, String value, String named) {
    assertThat(ConfigValidator.problems(config(Map.of(key, value)), false))
        .singleElement().asString().contains(named).contains(value);
  }

  @Test
  void managedInstances_requireSchema20250129() {
    ExtensionConfig c = config(Map.of("lambda-telemetry.subscription.schema-version", "2022-12-13"));
    assertThat(ConfigValidator.problems(c, false)).isEmpty();
    assertThat(ConfigValidator.problems(c, true)).singleElement().asString().contains("2025-01-29");
  }
}
