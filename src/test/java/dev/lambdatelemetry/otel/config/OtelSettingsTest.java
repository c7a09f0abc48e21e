package dev.lambdatelemetry.otel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.config.OtelSettings.Protocol;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OtelSettingsTest {

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        argumentSet("unknown protocol", Map.of("otel.exporter.otlp.protocol", "x"),
            "otel.exporter.otlp.protocol: expected grpc or http/protobuf, got 'x'"),
        argumentSet("unknown per-signal protocol", Map.of("otel.exporter.otlp.logs.protocol", "http/json"),
            "otel.exporter.otlp.logs.protocol: expected grpc or http/protobuf, got 'http/json'"),
        argumentSet("unknown compression", Map.of("otel.exporter.otlp.compression", "zstd"),
            "otel.exporter.otlp.compression: expected gzip or none, got 'zstd'"),
        argumentSet("non-numeric timeout", Map.of("otel.exporter.otlp.timeout", "soon"),
            "otel.exporter.otlp.timeout: expected milliseconds or a duration such as 10s, got 'soon'"),
        argumentSet("zero timeout", Map.of("otel.exporter.otlp.traces.timeout", "0"),
            "otel.exporter.otlp.traces.timeout: must be positive, got '0'"),
        argumentSet("endpoint without scheme", Map.of("otel.exporter.otlp.endpoint", "collector:4318"),
            "otel.exporter.otlp.endpoint: expected an http:// or https:// URL, got 'collector:4318'"),
        argumentSet("unknown exporter", Map.of("otel.metrics.exporter", "prometheus"),
            "otel.metrics.exporter: expected otlp, console or none, got 'prometheus'"),
        argumentSet("header without '='", Map.of("otel.exporter.otlp.headers", "api-key"),
            "otel.exporter.otlp.headers: expected comma-separated key=value pairs"),
        argumentSet("missing certificate file", Map.of("otel.exporter.otlp.certificate", "/nonexistent/ca.pem"),
            "otel.exporter.otlp.certificate: file not readable: '/nonexistent/ca.pem'"),
        argumentSet("client key without certificate", Map.of("otel.exporter.otlp.client.key", "/etc/hostname"),
            "client.key / client.certificate: both or neither must be set"));
  }

  @ParameterizedTest
  @MethodSource("invalidSettings")
  void validate_invalidValue_failsNamingTheProperty(Map<String, String> properties, String message) {
    OtelConfig config = TestConfigs.otel(properties);

    assertThatThrownBy(() -> OtelSettings.validate(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void from_nothingSet_usesSpecDefaults() {
    OtelSettings s = OtelSettings.from(TestConfigs.otel(Map.of()));

    assertThat(s.sdkDisabled()).isFalse();
    assertThat(s.traces().endpoint()).hasToString("http://localhost:4318/v1/traces");
    assertThat(s.logs().endpoint()).hasToString("http://localhost:4318/v1/logs");
    assertThat(s.metrics().endpoint()).hasToString("http://localhost:4318/v1/metrics");
    assertThat(s.traces().protocol()).isEqualTo(Protocol.HTTP_PROTOBUF);
    assertThat(s.traces().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.traces().kind()).isEqualTo(OtelSettings.ExporterKind.OTLP);
  }

  static Stream<Arguments> endpoints() {
    return Stream.of(
        argumentSet("general endpoint gets the signal path",
            Map.of("otel.exporter.otlp.endpoint", "http://c:4318"), "http://c:4318/v1/traces"),
        argumentSet("general endpoint with a trailing slash and a base path",
            Map.of("otel.exporter.otlp.endpoint", "https://c/otlp/"), "https://c/otlp/v1/traces"),
        argumentSet("per-signal endpoint is used as-is",
            Map.of("otel.exporter.otlp.endpoint", "http://c:4318",
                "otel.exporter.otlp.traces.endpoint", "http://t:9999/custom"), "http://t:9999/custom"),
        argumentSet("grpc endpoint gets no path",
            Map.of("otel.exporter.otlp.endpoint", "http://c:4317", "otel.exporter.otlp.protocol", "grpc"),
            "http://c:4317"),
        argumentSet("grpc default port",
            Map.of("otel.exporter.otlp.protocol", "grpc"), "http://localhost:4317"));
  }

  @ParameterizedTest
  @MethodSource("endpoints")
  void from_endpointSettings_resolveTracesEndpointPerSpec(Map<String, String> properties, String expected) {
    assertThat(OtelSettings.from(TestConfigs.otel(properties)).traces().endpoint()).hasToString(expected);
  }

  @Test
  void from_perSignalGrpc_onlyThatSignalIsGrpcAndItsEndpointGetsNoPath() {
    OtelSettings s =
        OtelSettings.from(
            TestConfigs.otel(
                Map.of(
                    "otel.exporter.otlp.endpoint", "http://c:4318",
                    "otel.exporter.otlp.traces.protocol", "grpc")));

    assertThat(s.traces().protocol()).isEqualTo(Protocol.GRPC);
    assertThat(s.traces().endpoint()).hasToString("http://c:4318");
    assertThat(s.logs().protocol()).isEqualTo(Protocol.HTTP_PROTOBUF);
    assertThat(s.logs().endpoint()).hasToString("http://c:4318/v1/logs");
  }

  @Test
  void from_headers_mergesPerSignalOverGeneralAndUrlDecodes() {
    OtelSettings s =
        OtelSettings.from(
            TestConfigs.otel(
                Map.of(
                    "otel.exporter.otlp.headers", "api-key=s%3Dcret,tenant=a",
                    "otel.exporter.otlp.logs.headers", "tenant=b")));

    assertThat(s.traces().headers()).containsExactly(Map.entry("api-key", "s=cret"), Map.entry("tenant", "a"));
    assertThat(s.logs().headers()).containsEntry("tenant", "b").containsEntry("api-key", "s=cret");
  }

  @Test
  void toString_headers_printsNamesButNeverValues() {
    OtelSettings s =
        OtelSettings.from(TestConfigs.otel(Map.of("otel.exporter.otlp.headers", "authorization=Bearer%20topsecret")));

    assertThat(s.toString()).contains("authorization=OBFUSCATED").doesNotContain("topsecret");
  }

  @Test
  void from_timeoutForms_acceptSpecMillisAndDurations() {
    OtelSettings s =
        OtelSettings.from(
            TestConfigs.otel(
                Map.of("otel.exporter.otlp.timeout", "2500", "otel.exporter.otlp.logs.timeout", "3s")));

    assertThat(s.traces().timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.logs().timeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void from_exporterChoices_areReadPerSignal() {
    OtelSettings s =
        OtelSettings.from(
            TestConfigs.otel(Map.of("otel.traces.exporter", "console", "otel.logs.exporter", "none", "otel.sdk.disabled", "true")));

    assertThat(s.traces().kind()).isEqualTo(OtelSettings.ExporterKind.CONSOLE);
    assertThat(s.logs().kind()).isEqualTo(OtelSettings.ExporterKind.NONE);
    assertThat(s.metrics().kind()).isEqualTo(OtelSettings.ExporterKind.OTLP);
    assertThat(s.sdkDisabled()).isTrue();
  }
}
