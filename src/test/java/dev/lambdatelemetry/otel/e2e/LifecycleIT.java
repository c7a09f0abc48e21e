package dev.lambdatelemetry.otel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.RecordedCall;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorMode;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.process.ExtensionProcess;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.PackagedExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exact requests the packaged extension makes to the Extensions and Telemetry APIs, for each
 * answer the platform can give, in each mode of the simulator.
 */
class LifecycleIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REGISTER = "/2020-01-01/extension/register";
  private static final String NEXT = "/2020-01-01/extension/event/next";
  private static final String INIT_ERROR = "/2020-01-01/extension/init/error";
  private static final String SUBSCRIBE = "/2022-07-01/telemetry";

  @Test
  void defaultMode_registersSubscribesAndLoops_withTheContractsHeadersAndBodies() throws Exception {
    Run run = run(SimulatorOptions.defaults(), Scenario.defaultScenario(2), Map.of());
    assertThat(run.result.violations()).isEmpty();
    assertThat(run.result.exitCode()).isZero();

    List<RecordedCall> calls = run.calls;
    assertThat(calls.get(0).path()).isEqualTo(REGISTER);
    assertThat(calls.get(1).path()).isEqualTo(SUBSCRIBE);
    assertThat(calls.subList(2, calls.size())).extracting(RecordedCall::path).containsOnly(NEXT);
    assertThat(calls).filteredOn(c -> c.path().equals(NEXT)).hasSize(3); // 2 INVOKE + SHUTDOWN

    RecordedCall register = calls.get(0);
    assertThat(register.method()).isEqualTo("POST");
    assertThat(register.header("Lambda-Extension-Name")).contains("lambda-telemetry-otel");
    assertThat(register.header("Lambda-Extension-Accept-Feature")).contains("accountId");
    assertThat(JSON.readTree(register.body()).path("events").toString())
        .isEqualTo("[\"INVOKE\",\"SHUTDOWN\"]");

    RecordedCall subscribe = calls.get(1);
    assertThat(subscribe.method()).isEqualTo("PUT");
    assertThat(subscribe.header("Lambda-Extension-Identifier")).isPresent();
    JsonNode body = JSON.readTree(subscribe.body());
    assertThat(body.path("schemaVersion").asText()).isEqualTo("2022-12-13");
    assertThat(body.path("types").toString()).isEqualTo("[\"platform\",\"function\",\"extension\"]");
    assertThat(body.path("buffering").toString())
        .isEqualTo("{\"maxItems\":1000,\"maxBytes\":262144,\"timeoutMs\":25}");
    assertThat(body.path("destination").path("protocol").asText()).isEqualTo("HTTP");
    assertThat(body.path("destination").path("URI").asText())
        .isEqualTo("http://sandbox.localdomain:" + run.port + "/telemetry");
    assertThat(calls).filteredOn(c -> c.path().equals(NEXT))
        .allSatisfy(c -> assertThat(c.header("Lambda-Extension-Identifier"))
            .isEqualTo(subscribe.header("Lambda-Extension-Identifier")));
  }

  @ParameterizedTest(name = "subscribe answered {0}")
  @ValueSource(ints = {400, 403, 500})
  void subscribeRefused_reportsInitErrorAndExitsNonZero(int status) throws Exception {
    Run run = run(SimulatorOptions.defaults().withForcedSubscribeStatus(status),
        Scenario.defaultScenario(1), Map.of());
    assertThat(run.exitCode).isNotZero();
    RecordedCall initError = single(run.calls, INIT_ERROR);
    assertThat(initError.header("Lambda-Extension-Function-Error-Type"))
        .contains("Extension.SubscribeFailed");
    assertThat(JSON.readTree(initError.body()).path("errorMessage").asText()).contains(
        Integer.toString(status));
    assertThat(run.calls).extracting(RecordedCall::path).doesNotContain(NEXT);
  }

  @Test
  void localEmulator202_keepsServingTheLifecycleWithoutWaitingForTelemetry() throws Exception {
    Run run = run(SimulatorOptions.defaults(SimulatorMode.LOCAL_202), Scenario.defaultScenario(2),
        Map.of());
    assertThat(run.result.violations()).isEmpty();
    assertThat(run.result.exitCode()).isZero();
    assertThat(run.calls).extracting(RecordedCall::path).doesNotContain(INIT_ERROR);
    assertThat(run.calls).filteredOn(c -> c.path().equals(NEXT)).hasSize(3);
    assertThat(run.stderr + run.stdout).contains("not supported");
  }

  @Test
  void managedInstances_registerShutdownOnly_subscribeWith20250129_andExportInterleavedInvocations()
      throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      Run run = runManagedInstances(receiver, Scenario.managedInstances(4), Map.of());
      assertThat(JSON.readTree(single(run.calls, REGISTER).body()).path("events").toString())
          .isEqualTo("[\"SHUTDOWN\"]");
      assertThat(JSON.readTree(single(run.calls, SUBSCRIBE).body()).path("schemaVersion").asText())
          .isEqualTo("2025-01-29");
      assertThat(serverSpans(receiver)).as("extension output:%n%s%n%s", run.stdout, run.stderr)
          .hasSize(4);
    }
  }

  @Test
  void managedInstances_telemetryThePlatformFlushesOnlyAfterShutdown_isExportedBeforeExit()
      throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      // The platform holds the invocations' telemetry and flushes it 500 ms after SHUTDOWN (its
      // cap is 1 s); with the default settings the listener stays up for it.
      Run run = runManagedInstances(receiver,
          Scenario.managedInstances(4, java.time.Duration.ofMillis(500)), Map.of());
      assertThat(serverSpans(receiver)).as("extension output:%n%s%n%s", run.stdout, run.stderr)
          .hasSize(4)
          .allSatisfy(s -> assertThat(s.getAttributesList())
              .anyMatch(a -> a.getKey().equals("faas.invocation_id")));
    }
  }

  /** A Managed Instances run exporting to {@code receiver}: no violation, exit 0. */
  private static Run runManagedInstances(OtlpReceiver receiver, Scenario scenario,
      Map<String, String> extraEnv) throws Exception {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "lambda-managed-instances");
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    Run run = run(SimulatorOptions.defaults(SimulatorMode.MANAGED_INSTANCES), scenario, env);
    assertThat(run.result.violations()).isEmpty();
    assertThat(run.result.exitCode()).isZero();
    return run;
  }

  private static List<io.opentelemetry.proto.trace.v1.Span> serverSpans(OtlpReceiver receiver) {
    return receiver.spans().stream()
        .filter(s -> s.getKind() == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER)
        .toList();
  }

  @Test
  void invokeRefusedAtRegister_registersAgainForShutdownOnly() throws Exception {
    Run run = run(SimulatorOptions.defaults().withRejectInvokeOnFirstRegister(true),
        Scenario.defaultScenario(1), Map.of());
    List<RecordedCall> registers =
        run.calls.stream().filter(c -> c.path().equals(REGISTER)).toList();
    assertThat(registers).hasSize(2);
    assertThat(registers.get(0).status()).isEqualTo(403);
    assertThat(JSON.readTree(registers.get(1).body()).path("events").toString())
        .isEqualTo("[\"SHUTDOWN\"]");
    assertThat(run.exitCode).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "LAMBDA_TELEMETRY_SUBSCRIPTION_BUFFERING_MAX_ITEMS=5|lambda-telemetry.subscription.buffering.max-items",
      "LAMBDA_TELEMETRY_SUBSCRIPTION_BUFFERING_TIMEOUT_MS=soon|lambda-telemetry.subscription.buffering.timeout-ms",
      "LAMBDA_TELEMETRY_EXPORT_FLUSH_STRATEGY=sometimes|lambda-telemetry.export.flush-strategy",
      "LAMBDA_TELEMETRY_EXPORT_MAX_BATCH_ITEMS=0|lambda-telemetry.export.max-batch-items",
      "LAMBDA_TELEMETRY_EXPORT_BREAKER_FAILURE_THRESHOLD=0|lambda-telemetry.export.breaker.failure-threshold"})
  void badConfigValue_failsInitWithAnErrorNamingTheProperty(String caseSpec) throws Exception {
    String[] parts = caseSpec.split("\\|");
    String[] kv = parts[0].split("=", 2);
    Run run = run(SimulatorOptions.defaults(), Scenario.defaultScenario(1), Map.of(kv[0], kv[1]));
    assertThat(run.exitCode).isNotZero();
    RecordedCall initError = single(run.calls, INIT_ERROR);
    assertThat(initError.header("Lambda-Extension-Function-Error-Type"))
        .contains("Extension.ConfigInvalid");
    assertThat(JSON.readTree(initError.body()).path("errorMessage").asText()).contains(parts[1]);
    assertThat(run.calls).extracting(RecordedCall::path).doesNotContain(NEXT, SUBSCRIBE);
  }

  /**
   * The function's OTel settings are ours too (one environment): values its SDK accepts and we do not
   * support must not fail init. Each warns once, at start-up, and the default is used.
   */
  @Test
  void functionsOtelSettingsWeDoNotSupport_warnOnceAndExport() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      Map<String, String> env = new HashMap<>();
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
      env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
      env.put("OTEL_TRACES_EXPORTER", "otlp,console");
      env.put("OTEL_METRICS_EXPORTER", "prometheus");
      env.put("OTEL_LOGS_EXPORTER", "otlp,carrier-pigeon");
      env.put("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd");
      Run run = run(SimulatorOptions.defaults(), Scenario.defaultScenario(2), env);
      String output = run.stdout + run.stderr;

      assertThat(run.calls).extracting(RecordedCall::path).doesNotContain(INIT_ERROR);
      assertThat(run.result.violations()).isEmpty();
      assertThat(run.exitCode).as(output).isZero();
      assertThat(serverSpans(receiver)).as(output).hasSize(2);
      assertThat(receiver.paths()).contains("/v1/traces", "/v1/metrics");
      for (String variable : List.of("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_METRICS_EXPORTER",
          "OTEL_LOGS_EXPORTER", "OTEL_EXPORTER_OTLP_COMPRESSION")) {
        assertThat(output.lines().filter(l -> l.contains("WARN") && l.contains(variable + " ")))
            .as(variable + " in%n%s", output).hasSize(1);
      }
    }
  }

  /**
   * The user's properties file is read by the JVM in place (no copy, no launcher argument), above
   * application.properties and below the environment; neither a password in an endpoint nor a
   * header's value appears in any message.
   */
  @ParameterizedTest(name = "environment overrides the file: {0}")
  @ValueSource(booleans = {false, true})
  void propertiesFile_isRead_belowTheEnvironment_andNoSecretIsPrinted(boolean envOverride,
      @TempDir Path dir) throws Exception {
    Path file = dir.resolve("lambda-telemetry-otel.properties");
    Files.writeString(file, String.join("\n",
        "lambda-telemetry.export.max-batch-items=0",
        "otel.exporter.otlp.endpoint=https://user:hunter2@not a host:4318/otlp?api_key=k3y",
        "otel.exporter.otlp.headers=api-key=s3cret,broken"), StandardCharsets.UTF_8);
    Map<String, String> env = new HashMap<>();
    env.put("LAMBDA_TELEMETRY_CONFIG", file.toString());
    if (envOverride) {
      env.put("LAMBDA_TELEMETRY_EXPORT_MAX_BATCH_ITEMS", "5");
    }
    Run run = run(SimulatorOptions.defaults(), Scenario.defaultScenario(1), env);
    String everything = run.stdout + run.stderr
        + run.calls.stream().map(RecordedCall::body).toList();

    if (envOverride) {
      assertThat(run.exitCode).as(everything).isZero();
      assertThat(run.calls).extracting(RecordedCall::path).doesNotContain(INIT_ERROR);
    } else {
      assertThat(run.exitCode).isNotZero();
      assertThat(JSON.readTree(single(run.calls, INIT_ERROR).body()).path("errorMessage").asText())
          .contains("lambda-telemetry.export.max-batch-items");
    }
    assertThat(everything).contains("OTEL_EXPORTER_OTLP_ENDPOINT", "https://***@not a host")
        .doesNotContain("hunter2").doesNotContain("k3y").doesNotContain("s3cret");
  }

  @Test
  void listenerPortInUse_failsInitWithInitError() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run run = run(SimulatorOptions.defaults(), Scenario.defaultScenario(1),
          Map.of("LAMBDA_TELEMETRY_LISTENER_PORT", Integer.toString(busy.getLocalPort())));
      assertThat(run.exitCode).isNotZero();
      RecordedCall initError = single(run.calls, INIT_ERROR);
      assertThat(initError.header("Lambda-Extension-Function-Error-Type")).isPresent();
      assertThat(JSON.readTree(initError.body()).path("errorMessage").asText())
          .contains(Integer.toString(busy.getLocalPort()));
    }
  }

  @Test
  void registeredByTheLaunchersShell_theJvmAdoptsTheIdentifier_andRegistersOnce() throws Exception {
    List<String> jvm = PackagedExtension.command();
    String script = "set -e; a=$(REGISTER_NAME=lambda-telemetry-otel"
        + " REGISTER_EVENTS='\"INVOKE\",\"SHUTDOWN\"' bash deploy/layer/register.bash);"
        + " [ \"$(echo \"$a\" | sed -n 1p)\" = 200 ];"
        + " export LAMBDA_TELEMETRY_REGISTERED_ID=\"$(echo \"$a\" | sed -n 2p)\";"
        + " export LAMBDA_TELEMETRY_REGISTERED_BODY=\"$(echo \"$a\" | sed -n 3p)\";"
        + " export LAMBDA_TELEMETRY_REGISTERED_EVENTS=INVOKE,SHUTDOWN;"
        + " exec " + String.join(" ", jvm);
    try (LambdaSimulator simulator = LambdaSimulator.start(SimulatorOptions.defaults())) {
      Map<String, String> env = new HashMap<>();
      env.put("LAMBDA_TELEMETRY_LISTENER_PORT", Integer.toString(freePort()));
      env.put("OTEL_TRACES_EXPORTER", "none");
      env.put("OTEL_LOGS_EXPORTER", "none");
      env.put("OTEL_METRICS_EXPORTER", "none");
      try (ExtensionProcess process =
          ExtensionProcess.start(List.of("bash", "-c", script), simulator, env, null)) {
        SimulationResult result = simulator.run(Scenario.defaultScenario(2), process);
        assertThat(result.violations()).as(process.stderr()).isEmpty();
        assertThat(result.exitCode()).isZero();
      }
      RecordedCall register = single(simulator.calls(), REGISTER);
      assertThat(register.header("Lambda-Extension-Accept-Feature")).contains("accountId");
      assertThat(simulator.calls()).filteredOn(c -> c.path().equals(NEXT))
          .allSatisfy(c -> assertThat(c.header("Lambda-Extension-Identifier"))
              .isEqualTo(single(simulator.calls(), SUBSCRIBE).header("Lambda-Extension-Identifier")))
          .hasSize(3);
    }
  }

  @Test
  void classicEmulatorShutdownReason_sandboxTerminated_exitsCleanly() throws Exception {
    Run run = run(SimulatorOptions.defaults().withClassicRie(true), Scenario.defaultScenario(1),
        Map.of());
    assertThat(run.result.shutdownReason()).isEqualTo("SandboxTerminated");
    assertThat(run.result.exitCode()).isZero();
    assertThat(run.result.violations()).isEmpty();
  }

  private static RecordedCall single(List<RecordedCall> calls, String path) {
    List<RecordedCall> found = calls.stream().filter(c -> c.path().equals(path)).toList();
    assertThat(found).as("calls to " + path + " in " + calls.stream().map(RecordedCall::path).toList())
        .hasSize(1);
    return found.get(0);
  }

  private record Run(SimulationResult result, List<RecordedCall> calls, int exitCode, int port,
      String stdout, String stderr) {}

  private static Run run(SimulatorOptions options, Scenario scenario, Map<String, String> extraEnv)
      throws Exception {
    try (LambdaSimulator simulator = LambdaSimulator.start(options)) {
      Map<String, String> env = new HashMap<>();
      int port = freePort();
      env.put("LAMBDA_TELEMETRY_LISTENER_PORT", Integer.toString(port));
      env.put("OTEL_TRACES_EXPORTER", "none");
      env.put("OTEL_LOGS_EXPORTER", "none");
      env.put("OTEL_METRICS_EXPORTER", "none");
      env.putAll(extraEnv);
      if (extraEnv.containsKey("LAMBDA_TELEMETRY_LISTENER_PORT")) {
        port = Integer.parseInt(extraEnv.get("LAMBDA_TELEMETRY_LISTENER_PORT"));
      }
      if (extraEnv.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")) {
        for (String signal : List.of("TRACES", "LOGS", "METRICS")) {
          String name = "OTEL_" + signal + "_EXPORTER";
          if (!extraEnv.containsKey(name)) {
            env.remove(name);
          }
        }
      }
      try (ExtensionProcess process =
          ExtensionProcess.start(PackagedExtension.command(), simulator, env, null)) {
        SimulationResult result = simulator.run(scenario, process);
        process.awaitExit(java.time.Duration.ofSeconds(10));
        int code = (int) process.exitCode().orElse(-1);
        return new Run(result, simulator.calls(), code, port, process.stdout(), process.stderr());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
