package dev.lambdatelemetry.otel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.smallrye.config.WithName;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
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
            "lambda-telemetry.listener.path"),
        argumentSet("port 0", "lambda-telemetry.listener.port", "0", "lambda-telemetry.listener.port"),
        argumentSet("an empty inbox", "lambda-telemetry.inbox.max-batches", "0",
            "lambda-telemetry.inbox.max-batches"),
        argumentSet("an inbox smaller than two batches", "lambda-telemetry.inbox.max-bytes", "1000",
            "lambda-telemetry.inbox.max-bytes"),
        argumentSet("a negative runtimeDone wait", "lambda-telemetry.invoke.max-wait", "PT-1S",
            "lambda-telemetry.invoke.max-wait"),
        argumentSet("a negative deadline margin", "lambda-telemetry.invoke.deadline-margin",
            "PT-0.1S", "lambda-telemetry.invoke.deadline-margin"),
        argumentSet("a negative shutdown grace", "lambda-telemetry.shutdown.grace", "PT-0.3S",
            "lambda-telemetry.shutdown.grace"),
        argumentSet("a negative shutdown margin", "lambda-telemetry.shutdown.safety-margin",
            "PT-0.5S", "lambda-telemetry.shutdown.safety-margin"),
        argumentSet("no open invocation", "lambda-telemetry.conversion.max-open-invocations", "0",
            "lambda-telemetry.conversion.max-open-invocations"),
        argumentSet("a zero flush budget", "lambda-telemetry.export.flush-budget", "PT0S",
            "lambda-telemetry.export.flush-budget"),
        argumentSet("a negative first flush budget", "lambda-telemetry.export.first-flush-budget",
            "PT-1S", "lambda-telemetry.export.first-flush-budget"),
        argumentSet("an unknown flush strategy", "lambda-telemetry.export.flush-strategy",
            "sometimes", "lambda-telemetry.export.flush-strategy"),
        argumentSet("periodic without its interval", "lambda-telemetry.export.flush-strategy",
            "periodic", "lambda-telemetry.export.flush-strategy"),
        argumentSet("empty batches", "lambda-telemetry.export.max-batch-items", "0",
            "lambda-telemetry.export.max-batch-items"),
        argumentSet("an empty span queue", "lambda-telemetry.export.queue.max-spans", "0",
            "lambda-telemetry.export.queue.max-spans"),
        argumentSet("an empty log queue", "lambda-telemetry.export.queue.max-logs", "-1",
            "lambda-telemetry.export.queue.max-logs"),
        argumentSet("a queue of no MiB", "lambda-telemetry.export.queue.max-mib", "0",
            "lambda-telemetry.export.queue.max-mib"),
        argumentSet("a queue larger than any Lambda heap", "lambda-telemetry.export.queue.max-mib",
            "4096", "lambda-telemetry.export.queue.max-mib"),
        argumentSet("no attempt", "lambda-telemetry.export.retry.max-attempts", "0",
            "lambda-telemetry.export.retry.max-attempts"),
        argumentSet("a zero first backoff", "lambda-telemetry.export.retry.initial-backoff", "PT0S",
            "lambda-telemetry.export.retry.initial-backoff"),
        argumentSet("a negative backoff cap", "lambda-telemetry.export.retry.max-backoff", "PT-1S",
            "lambda-telemetry.export.retry.max-backoff"),
        argumentSet("a first backoff above its cap", "lambda-telemetry.export.retry.initial-backoff",
            "PT2S", "lambda-telemetry.export.retry.max-backoff"),
        argumentSet("a breaker that never opens", "lambda-telemetry.export.breaker.failure-threshold",
            "0", "lambda-telemetry.export.breaker.failure-threshold"),
        argumentSet("a zero open period", "lambda-telemetry.export.breaker.initial-wait", "PT0S",
            "lambda-telemetry.export.breaker.initial-wait"),
        argumentSet("a negative open period cap", "lambda-telemetry.export.breaker.max-wait",
            "PT-5M", "lambda-telemetry.export.breaker.max-wait"),
        argumentSet("a first open period above its cap",
            "lambda-telemetry.export.breaker.initial-wait", "PT10M",
            "lambda-telemetry.export.breaker.max-wait"),
        argumentSet("frequent from no invocation",
            "lambda-telemetry.export.adaptive.frequent-invocations", "0",
            "lambda-telemetry.export.adaptive.frequent-invocations"),
        argumentSet("a zero adaptive window", "lambda-telemetry.export.adaptive.window", "PT0S",
            "lambda-telemetry.export.adaptive.window"),
        argumentSet("a zero adaptive interval", "lambda-telemetry.export.adaptive.interval", "PT0S",
            "lambda-telemetry.export.adaptive.interval"),
        argumentSet("a negative adaptive backstop", "lambda-telemetry.export.adaptive.backstop",
            "PT-10S", "lambda-telemetry.export.adaptive.backstop"),
        argumentSet("a runtimeDone wait of centuries (nanoseconds overflow)",
            "lambda-telemetry.invoke.max-wait", "PT9000000H", "lambda-telemetry.invoke.max-wait"),
        argumentSet("an open period cap of centuries", "lambda-telemetry.export.breaker.max-wait",
            "PT9000000H", "lambda-telemetry.export.breaker.max-wait"),
        argumentSet("an OTLP/HTTP port of 0", "lambda-telemetry.otlp-receiver.http-port", "0",
            "lambda-telemetry.otlp-receiver.http-port"),
        argumentSet("an OTLP/gRPC port above 65535", "lambda-telemetry.otlp-receiver.grpc-port",
            "70000", "lambda-telemetry.otlp-receiver.grpc-port"),
        argumentSet("both OTLP ports the same", "lambda-telemetry.otlp-receiver.grpc-port", "4318",
            "lambda-telemetry.otlp-receiver.grpc-port"),
        argumentSet("an OTLP port that is the listener's", "lambda-telemetry.otlp-receiver.http-port",
            "4290", "lambda-telemetry.listener.port"),
        argumentSet("an OTLP body limit of a few bytes", "lambda-telemetry.otlp-receiver.max-body-bytes",
            "100", "lambda-telemetry.otlp-receiver.max-body-bytes"),
        argumentSet("a negative OTLP grace", "lambda-telemetry.otlp-receiver.grace", "PT-0.1S",
            "lambda-telemetry.otlp-receiver.grace"),
        argumentSet("an OTLP grace billed for seconds", "lambda-telemetry.otlp-receiver.grace", "PT5S",
            "lambda-telemetry.otlp-receiver.grace"),
        argumentSet("a destination that is no URL", "lambda-telemetry.otlp.endpoint", "collector:4318",
            "lambda-telemetry.otlp.endpoint"),
        argumentSet("a destination that is our own endpoint", "lambda-telemetry.otlp.endpoint",
            "http://localhost:4318", "lambda-telemetry.otlp.endpoint"),
        argumentSet("a destination that is our own gRPC endpoint", "lambda-telemetry.otlp.endpoint",
            "http://127.0.0.1:4317", "lambda-telemetry.otlp.endpoint"),
        argumentSet("a protocol we cannot send", "lambda-telemetry.otlp.protocol", "http/json",
            "lambda-telemetry.otlp.protocol"));
  }

  /** Invalid values whose text must not be repeated in the message (secrets). */
  static Stream<Arguments> invalidSecret() {
    return Stream.of(
        argumentSet("headers without '='", "lambda-telemetry.otlp.headers", "api-key",
            "lambda-telemetry.otlp.headers"));
  }

  @ParameterizedTest
  @MethodSource("invalidSecret")
  void invalidSecret_isReportedNamingThePropertyButNotTheValue(String key, String value, String named) {
    assertThat(ConfigValidator.problems(config(Map.of(key, value)), false))
        .singleElement().asString().contains(named).doesNotContain(value);
  }

  @Test
  void ownEndpoint_isAcceptedWhenTheReceiverIsOff() {
    assertThat(ConfigValidator.problems(config(Map.of(
        "lambda-telemetry.otlp.endpoint", "http://localhost:4318",
        "lambda-telemetry.otlp-receiver.enabled", "false")), false)).isEmpty();
  }

  @Test
  void aCollectorOnLoopbackAtAnotherPort_isAccepted() {
    assertThat(ConfigValidator.problems(config(Map.of(
        "lambda-telemetry.otlp.endpoint", "http://localhost:14318",
        "lambda-telemetry.otlp.protocol", "grpc",
        "lambda-telemetry.otlp.headers", "x-api-key=abc%3D")), false)).isEmpty();
  }

  /**
   * Properties no value of which the validator can refuse: SmallRye refuses what does not convert
   * (a boolean, an enum), and the registered name is the launcher's file name, checked by Lambda.
   */
  static final Set<String> NOTHING_TO_CHECK = Set.of(
      "lambda-telemetry.extension-name",
      "lambda-telemetry.listener.protocol",
      "lambda-telemetry.conversion.platform-log-lines",
      "lambda-telemetry.otlp-receiver.enabled",
      "lambda-telemetry.otlp-receiver.enrich-resource",
      "lambda-telemetry.join",
      "lambda-telemetry.function-logs");

  @Test
  void everyProperty_hasAnInvalidCase_orIsListedAsHavingNone() {
    Set<String> covered = Stream.concat(invalid(), invalidSecret())
        .map(a -> (String) a.get()[0])
        .collect(Collectors.toCollection(TreeSet::new));
    covered.addAll(NOTHING_TO_CHECK);
    assertThat(properties(ExtensionConfig.class, "lambda-telemetry"))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(covered).as("an invalid-value case for " + p).contains(p));
  }

  /** The leaf property names of a mapping interface, as SmallRye names them (kebab-case). */
  static Set<String> properties(Class<?> mapping, String prefix) {
    Set<String> out = new TreeSet<>();
    for (Method m : mapping.getMethods()) {
      if (m.isDefault() || m.getParameterCount() > 0 || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      WithName named = m.getAnnotation(WithName.class);
      String name = prefix + "." + (named != null ? named.value()
          : m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
      Class<?> type = m.getReturnType();
      if (type.isInterface() && type.getPackageName().equals(ExtensionConfig.class.getPackageName())) {
        out.addAll(properties(type, name));
      } else {
        out.add(name);
      }
    }
    return out;
  }

  @Test
  void orderedPairs_equalValues_areValid() {
    assertThat(ConfigValidator.problems(config(Map.of(
        "lambda-telemetry.export.retry.initial-backoff", "PT1S",
        "lambda-telemetry.export.retry.max-backoff", "PT1S",
        "lambda-telemetry.export.breaker.initial-wait", "PT5M",
        "lambda-telemetry.export.breaker.max-wait", "PT5M",
        "lambda-telemetry.invoke.max-wait", "PT0S")), false)).isEmpty();
  }

  @Test
  void severalProblems_areAllReported() {
    assertThat(ConfigValidator.problems(config(Map.of(
        "lambda-telemetry.export.max-batch-items", "0",
        "lambda-telemetry.export.retry.max-attempts", "0",
        "lambda-telemetry.export.flush-strategy", "sometimes")), false))
        .hasSize(3);
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

  @Test
  void joinAndFunctionLogs_readTheDocumentedLowerCaseNames() {
    ExtensionConfig c = config(Map.of(
        "lambda-telemetry.join", "link", "lambda-telemetry.function-logs", "telemetry-api"));
    assertThat(c.join()).isEqualTo(ExtensionConfig.Join.LINK);
    assertThat(c.functionLogs()).isEqualTo(ExtensionConfig.FunctionLogs.TELEMETRY_API);
    ExtensionConfig defaults = config(Map.of());
    assertThat(defaults.join()).isEqualTo(ExtensionConfig.Join.REWRITE);
    assertThat(defaults.functionLogs()).isEqualTo(ExtensionConfig.FunctionLogs.BOTH);
    assertThat(defaults.otlpReceiver().enabled()).isTrue();
    assertThat(defaults.otlpReceiver().httpPort()).isEqualTo(4318);
  }
}
