package dev.lambdatelemetry.otel.simulator.process;

import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.TelemetryPrinter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The README's first command: the packaged extension, started as a process, against the built-in
 * Lambda simulator's default scenario (a cold start, invocations with text and JSON logs, an error, a
 * timeout, SHUTDOWN), exporting to an in-JVM OTLP receiver whose content is printed as a trace tree,
 * log lines and metric values. When {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set, every export is also
 * forwarded there (http/protobuf).
 */
public final class LocalRun {

  static {
    System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
  }

  private LocalRun() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(System.getProperty("extension.runner.jar", "target/quarkus-app/quarkus-run.jar"));
    if (!Files.isRegularFile(jar)) {
      System.err.println("no packaged extension at " + jar + ": run ./mvnw package first");
      System.exit(2);
    }
    int invocations = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    String userEndpoint = System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    try (OtlpReceiver receiver = OtlpReceiver.start();
        LambdaSimulator simulator = LambdaSimulator.start(SimulatorOptions.defaults())) {
      if (userEndpoint != null && !userEndpoint.isBlank()) {
        receiver.setForward(forwarder(userEndpoint));
        System.out.println("forwarding everything to " + userEndpoint);
      }
      Map<String, String> env = new HashMap<>();
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
      env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
      env.put("OTEL_SERVICE_NAME", "orders-api");
      System.out.println("== Simulated Lambda environment: " + invocations
          + " invocations; extension output:");
      SimulationResult result;
      try (ExtensionProcess process = ExtensionProcess.start(
          List.of(javaBin(), "-jar", jar.toString()), simulator, env, System.out)) {
        result = simulator.run(Scenario.defaultScenario(invocations), process);
      }
      System.out.println();
      System.out.println(TelemetryPrinter.render(
          receiver.resourceSpans(), receiver.resourceLogs(), receiver.resourceMetrics()));
      System.out.printf("== Lifecycle: register %.0f ms, subscribe %.0f ms, ready %.0f ms after process"
              + " start; SHUTDOWN (%s) to exit %.0f ms; exit code %d%n",
          result.processToRegisterMs(), result.processToSubscribeMs(), result.processToReadyMs(),
          result.shutdownReason(), result.shutdownToExitMs(), result.exitCode());
      result.invocations().forEach(i -> System.out.printf(
          "   %s %-7s added %.2f ms%n", i.requestId().substring(0, 8), i.outcome(), i.addedMs()));
      if (!result.violations().isEmpty()) {
        System.out.println("== Protocol violations:");
        result.violations().forEach(v -> System.out.println("   " + v));
      }
      System.exit(result.passed() ? 0 : 1);
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static java.util.function.BiConsumer<String, byte[]> forwarder(String endpoint) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return (path, body) -> client.sendAsync(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .exceptionally(e -> {
          System.err.println("forwarding to " + base + path + " failed: " + e);
          return null;
        });
  }
}
