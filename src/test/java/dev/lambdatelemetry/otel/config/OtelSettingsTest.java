package dev.lambdatelemetry.otel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.config.OtelSettings.Compression;
import dev.lambdatelemetry.otel.config.OtelSettings.ExporterKind;
import dev.lambdatelemetry.otel.config.OtelSettings.Protocol;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OtelSettingsTest {

  /**
   * Invalid or unsupported {@code OTEL_*} values: the function's SDK may accept them (they are the
   * function's settings too), so they never fail; each gives one warning naming the variable, and
   * the default (or the general setting) is used.
   */
  static Stream<Arguments> ignoredSettings() {
    return Stream.of(
        argumentSet("unknown protocol", Map.of("otel.exporter.otlp.protocol", "x"),
            "OTEL_EXPORTER_OTLP_PROTOCOL (otel.exporter.otlp.protocol)='x'",
            (Consumer<OtelSettings>) s -> {
              assertThat(s.traces().protocol()).isEqualTo(Protocol.HTTP_PROTOBUF);
              assertThat(s.traces().endpoint()).hasToString("http://localhost:4318/v1/traces");
            }),
        argumentSet("http/json: http/protobuf to the same endpoint",
            Map.of("otel.exporter.otlp.protocol", "http/json",
                "otel.exporter.otlp.endpoint", "https://c.example:4318"),
            "OTEL_EXPORTER_OTLP_PROTOCOL (otel.exporter.otlp.protocol)='http/json'",
            (Consumer<OtelSettings>) s -> {
              assertThat(s.logs().protocol()).isEqualTo(Protocol.HTTP_PROTOBUF);
              assertThat(s.logs().endpoint()).hasToString("https://c.example:4318/v1/logs");
            }),
        argumentSet("unknown per-signal protocol: the general one",
            Map.of("otel.exporter.otlp.protocol", "grpc", "otel.exporter.otlp.logs.protocol", "spdy"),
            "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL (otel.exporter.otlp.logs.protocol)='spdy'",
            (Consumer<OtelSettings>) s -> assertThat(s.logs().protocol()).isEqualTo(Protocol.GRPC)),
        argumentSet("unknown compression", Map.of("otel.exporter.otlp.compression", "zstd"),
            "OTEL_EXPORTER_OTLP_COMPRESSION (otel.exporter.otlp.compression)='zstd'",
            (Consumer<OtelSettings>) s ->
                assertThat(s.metrics().compression()).isEqualTo(Compression.NONE)),
        argumentSet("unknown per-signal compression: the general one",
            Map.of("otel.exporter.otlp.compression", "gzip",
                "otel.exporter.otlp.traces.compression", "br"),
            "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION (otel.exporter.otlp.traces.compression)='br'",
            (Consumer<OtelSettings>) s ->
                assertThat(s.traces().compression()).isEqualTo(Compression.GZIP)),
        argumentSet("non-numeric timeout", Map.of("otel.exporter.otlp.timeout", "soon"),
            "OTEL_EXPORTER_OTLP_TIMEOUT (otel.exporter.otlp.timeout)='soon'",
            (Consumer<OtelSettings>) s -> assertThat(s.logs().timeout()).isEqualTo(Duration.ofSeconds(10))),
        argumentSet("timeout beyond what nanoseconds hold",
            Map.of("otel.exporter.otlp.timeout", "9223372036854775807"),
            "OTEL_EXPORTER_OTLP_TIMEOUT (otel.exporter.otlp.timeout)='9223372036854775807'",
            (Consumer<OtelSettings>) s -> assertThat(s.logs().timeout()).isEqualTo(Duration.ofSeconds(10))),
        argumentSet("metric interval beyond what nanoseconds hold",
            Map.of("otel.metric.export.interval", "PT2562047788015215H"),
            "OTEL_METRIC_EXPORT_INTERVAL (otel.metric.export.interval)='PT2562047788015215H'",
            (Consumer<OtelSettings>) s ->
                assertThat(s.metricExportInterval()).isEqualTo(Duration.ofSeconds(60))),
        argumentSet("zero per-signal timeout: the general one",
            Map.of("otel.exporter.otlp.timeout", "3000", "otel.exporter.otlp.traces.timeout", "0"),
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT (otel.exporter.otlp.traces.timeout)='0'",
            (Consumer<OtelSettings>) s ->
                assertThat(s.traces().timeout()).isEqualTo(Duration.ofSeconds(3))),
        argumentSet("endpoint without scheme: the default",
            Map.of("otel.exporter.otlp.endpoint", "collector:4318"),
            "OTEL_EXPORTER_OTLP_ENDPOINT (otel.exporter.otlp.endpoint)='collector:4318'",
            (Consumer<OtelSettings>) s ->
                assertThat(s.traces().endpoint()).hasToString("http://localhost:4318/v1/traces")),
        argumentSet("per-signal endpoint not a URL: the general one",
            Map.of("otel.exporter.otlp.endpoint", "http://c:4318",
                "otel.exporter.otlp.metrics.endpoint", "http://bad host/v1/metrics"),
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT (otel.exporter.otlp.metrics.endpoint)",
            (Consumer<OtelSettings>) s ->
                assertThat(s.metrics().endpoint()).hasToString("http://c:4318/v1/metrics")),
        argumentSet("prometheus: not ours, the default otlp",
            Map.of("otel.metrics.exporter", "prometheus"),
            "OTEL_METRICS_EXPORTER (otel.metrics.exporter)='prometheus'",
            (Consumer<OtelSettings>) s -> {
              assertThat(s.metrics().exporters()).containsExactly(ExporterKind.OTLP);
              assertThat(s.traces().exporters()).containsExactly(ExporterKind.OTLP);
            }),
        argumentSet("zipkin beside console: console only",
            Map.of("otel.traces.exporter", "zipkin,console"),
            "OTEL_TRACES_EXPORTER (otel.traces.exporter)='zipkin,console'",
            (Consumer<OtelSettings>) s ->
                assertThat(s.traces().exporters()).containsExactly(ExporterKind.CONSOLE)),
        argumentSet("none beside otlp: otlp",
            Map.of("otel.logs.exporter", "none,otlp"),
            "OTEL_LOGS_EXPORTER (otel.logs.exporter)='none,otlp'",
            (Consumer<OtelSettings>) s ->
                assertThat(s.logs().exporters()).containsExactly(ExporterKind.OTLP)),
        argumentSet("header without '=': skipped, the others kept",
            Map.of("otel.exporter.otlp.headers", "api-key,tenant=a"),
            "OTEL_EXPORTER_OTLP_HEADERS (otel.exporter.otlp.headers): entry 1",
            (Consumer<OtelSettings>) s ->
                assertThat(s.traces().headers()).containsExactly(Map.entry("tenant", "a"))),
        argumentSet("header value not URL-encoded: skipped",
            Map.of("otel.exporter.otlp.logs.headers", "api-key=%zz,tenant=b"),
            "OTEL_EXPORTER_OTLP_LOGS_HEADERS (otel.exporter.otlp.logs.headers): the value of 'api-key'",
            (Consumer<OtelSettings>) s ->
                assertThat(s.logs().headers()).containsExactly(Map.entry("tenant", "b"))),
        argumentSet("missing certificate file: the system's trust",
            Map.of("otel.exporter.otlp.certificate", "/nonexistent/ca.pem"),
            "OTEL_EXPORTER_OTLP_CERTIFICATE (otel.exporter.otlp.certificate)='/nonexistent/ca.pem'",
            (Consumer<OtelSettings>) s -> assertThat(s.traces().certificate()).isEmpty()),
        argumentSet("client key without certificate: no client certificate",
            Map.of("otel.exporter.otlp.client.key", "/etc/hostname"),
            "both or neither must be set",
            (Consumer<OtelSettings>) s -> assertThat(s.traces().clientKey()).isEmpty()),
        argumentSet("bad metric export interval: 60 s",
            Map.of("otel.metric.export.interval", "often"),
            "OTEL_METRIC_EXPORT_INTERVAL (otel.metric.export.interval)='often'",
            (Consumer<OtelSettings>) s ->
                assertThat(s.metricExportInterval()).isEqualTo(Duration.ofSeconds(60))),
        argumentSet("resource attribute without '='",
            Map.of("otel.resource.attributes", "team"),
            "OTEL_RESOURCE_ATTRIBUTES (otel.resource.attributes): entry 1",
            (Consumer<OtelSettings>) s -> { }));
  }

  @ParameterizedTest
  @MethodSource("ignoredSettings")
  void invalidOtelValue_warnsOnceNamingTheVariable_andFallsBack(
      Map<String, String> properties, String warning, Consumer<OtelSettings> fallback) {
    OtelConfig config = TestConfigs.otel(properties);

    List<String> warnings = OtelSettings.from(config).logWarnings().warnings();

    assertThat(warnings).singleElement().asString().contains(warning);
    fallback.accept(OtelSettings.from(config));
  }

  @Test
  void generalValue_readForEverySignal_warnsOnce() {
    OtelSettings s = OtelSettings.from(TestConfigs.otel(Map.of(
        "otel.exporter.otlp.protocol", "http/json", "otel.exporter.otlp.timeout", "soon")));

    assertThat(s.warnings()).hasSize(2);
  }

  @Test
  void validValues_warnNothing() {
    assertThat(OtelSettings.from(TestConfigs.otel(Map.of(
        "otel.exporter.otlp.protocol", "grpc", "otel.traces.exporter", "otlp,console",
        "otel.logs.exporter", "logging", "otel.metrics.exporter", "none",
        "otel.exporter.otlp.headers", "a=b", "otel.exporter.otlp.timeout", "5s"))).warnings())
        .isEmpty();
  }

  @Test
  void exporterLists_followTheSpec() {
    OtelSettings s = OtelSettings.from(TestConfigs.otel(Map.of(
        "otel.traces.exporter", "otlp, console", "otel.logs.exporter", "logging,otlp,console",
        "otel.metrics.exporter", "none")));

    assertThat(s.traces().exporters()).containsExactly(ExporterKind.OTLP, ExporterKind.CONSOLE);
    assertThat(s.logs().exporters()).containsExactly(ExporterKind.CONSOLE, ExporterKind.OTLP);
    assertThat(s.metrics().exporters()).isEmpty();
  }

  @Test
  void invalidEndpoint_warningHidesUserinfoAndQuery() {
    OtelSettings s = OtelSettings.from(TestConfigs.otel(Map.of(
        "otel.exporter.otlp.endpoint", "https://user:hunter2@collector example/otlp?api_key=k3y")));

    assertThat(s.warnings()).singleElement().asString()
        .contains("https://***@collector example/otlp?***")
        .doesNotContain("hunter2").doesNotContain("user").doesNotContain("k3y");
  }

  @Test
  void toString_endpoint_hidesUserinfoAndQuery() {
    OtelSettings s = OtelSettings.from(TestConfigs.otel(Map.of(
        "otel.exporter.otlp.traces.endpoint", "https://u:hunter2@c.example/v1/traces?key=k3y")));

    assertThat(s.traces().toString()).contains("https://***@c.example/v1/traces?***")
        .doesNotContain("hunter2").doesNotContain("k3y");
  }

  @Test
  void badHeaderEntry_warningNeverQuotesIt() {
    OtelSettings s = OtelSettings.from(TestConfigs.otel(Map.of(
        "otel.exporter.otlp.headers", "Bearer topsecret", "otel.exporter.otlp.traces.headers",
        "authorization=%zztopsecret2")));

    assertThat(s.warnings()).hasSize(2)
        .allSatisfy(w -> assertThat(w).doesNotContain("topsecret"));
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
    assertThat(s.traces().exporters()).containsExactly(ExporterKind.OTLP);
    assertThat(s.warnings()).isEmpty();
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

    assertThat(s.traces().exporters()).containsExactly(ExporterKind.CONSOLE);
    assertThat(s.logs().exporters()).isEmpty();
    assertThat(s.metrics().exporters()).containsExactly(ExporterKind.OTLP);
    assertThat(s.sdkDisabled()).isTrue();
  }

  // The extension-only destination: LAMBDA_TELEMETRY_OTLP_* win over OTEL_EXPORTER_OTLP_*, which the
  // function's SDK reads too (and which then points at our local endpoint).

  private static OtelSettings withOwn(Map<String, String> otel, String endpoint, String headers,
      String protocol) {
    return OtelSettings.from(TestConfigs.otel(otel), new OtelSettings.OwnDestination(
        java.util.Optional.ofNullable(endpoint), java.util.Optional.ofNullable(headers),
        java.util.Optional.ofNullable(protocol)));
  }

  @Test
  void ownEndpoint_winsOverTheGeneralAndPerSignalOtelEndpoints() {
    OtelSettings s = withOwn(Map.of(
        "otel.exporter.otlp.endpoint", "http://localhost:4318",
        "otel.exporter.otlp.traces.endpoint", "http://localhost:4318/v1/traces"),
        "https://collector.example:4318", null, null);
    assertThat(s.traces().endpoint()).hasToString("https://collector.example:4318/v1/traces");
    assertThat(s.logs().endpoint()).hasToString("https://collector.example:4318/v1/logs");
    assertThat(s.metrics().endpoint()).hasToString("https://collector.example:4318/v1/metrics");
  }

  @Test
  void ownHeaders_replaceTheOtelHeaders_andOwnProtocolWins() {
    OtelSettings s = withOwn(Map.of(
        "otel.exporter.otlp.headers", "authorization=local",
        "otel.exporter.otlp.logs.headers", "x-extra=1",
        "otel.exporter.otlp.protocol", "http/protobuf"),
        "http://collector:4317", "x-api-key=secret", "grpc");
    assertThat(s.logs().headers()).containsExactly(Map.entry("x-api-key", "secret"));
    assertThat(s.traces().protocol()).isEqualTo(Protocol.GRPC);
    assertThat(s.traces().endpoint()).hasToString("http://collector:4317");
  }

  @Test
  void withoutOwnSettings_theOtelOnesApplyAsBefore() {
    OtelSettings s = withOwn(Map.of("otel.exporter.otlp.endpoint", "http://collector:4318",
        "otel.exporter.otlp.headers", "a=b"), null, null, null);
    assertThat(s.traces().endpoint()).hasToString("http://collector:4318/v1/traces");
    assertThat(s.traces().headers()).containsExactly(Map.entry("a", "b"));
  }

  @Test
  void loopingBackTo_namesTheSignalsSentToALoopbackAddressAtOurPorts() {
    java.util.Set<Integer> ours = java.util.Set.of(4318, 4317);
    // The OTLP default is localhost:4318: with our endpoint there, we would send to ourselves.
    assertThat(OtelSettings.from(TestConfigs.otel(Map.of())).loopingBackTo(ours))
        .containsExactly(OtelSettings.Signal.TRACES, OtelSettings.Signal.LOGS, OtelSettings.Signal.METRICS);
    assertThat(OtelSettings.from(TestConfigs.otel(Map.of(
        "otel.exporter.otlp.endpoint", "http://127.0.0.1:4318",
        "otel.exporter.otlp.metrics.endpoint", "http://collector:4318/v1/metrics",
        "otel.logs.exporter", "none"))).loopingBackTo(ours))
        .containsExactly(OtelSettings.Signal.TRACES);
    assertThat(OtelSettings.from(TestConfigs.otel(Map.of(
        "otel.exporter.otlp.endpoint", "http://localhost:14318"))).loopingBackTo(ours)).isEmpty();
    assertThat(withOwn(Map.of(), "http://collector:4318", null, null).loopingBackTo(ours)).isEmpty();
  }
}
