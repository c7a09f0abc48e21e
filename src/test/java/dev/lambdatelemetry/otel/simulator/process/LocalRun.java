package dev.lambdatelemetry.otel.simulator.process;

import dev.lambdatelemetry.otel.simulator.FunctionCall;
import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.function.FunctionProtocol;
import dev.lambdatelemetry.otel.simulator.function.FunctionSettings;
import dev.lambdatelemetry.otel.simulator.function.LocalFunction;
import dev.lambdatelemetry.otel.simulator.function.LocalFunctions;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec;
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
 * log lines and metric values. The function is instrumented with an OpenTelemetry SDK (Node.js with the
 * OpenTelemetry JS SDK when node and {@code src/test/node}'s packages are there, else the Java SDK) that
 * exports to the extension's local endpoint (4318/4317, or free ports when those are taken); the joined
 * trace of each invocation is printed at the end. When {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set, every
 * export is also forwarded there (http/protobuf).
 *
 * <p>Arguments: {@code [invocations] [http/protobuf|http/json|grpc]} (the function's protocol).
 */
public final class LocalRun {

  static {
    System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
  }

  /** Each invocation's timeout (the default scenario's last invocation runs into it). */
  private static final java.time.Duration FUNCTION_TIMEOUT = java.time.Duration.ofSeconds(3);

  private LocalRun() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(System.getProperty("extension.runner.jar", "target/quarkus-app/quarkus-run.jar"));
    if (!Files.isRegularFile(jar)) {
      System.err.println("no packaged extension at " + jar + ": run ./mvnw package first");
      System.exit(2);
    }
    int invocations = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    FunctionProtocol protocol = args.length > 1 ? FunctionProtocol.fromOtelName(args[1])
        : FunctionProtocol.HTTP_PROTOBUF;
    String userEndpoint = System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    FunctionSettings settings = FunctionSettings.defaults(protocol).withPorts(
        portOrFree(FunctionSettings.DEFAULT_HTTP_PORT), portOrFree(FunctionSettings.DEFAULT_GRPC_PORT));
    try (OtlpReceiver receiver = OtlpReceiver.start();
        LambdaSimulator simulator = LambdaSimulator.start(SimulatorOptions.defaults());
        LocalFunction function = LocalFunctions.start(settings)) {
      if (userEndpoint != null && !userEndpoint.isBlank()) {
        receiver.setForward(forwarder(userEndpoint));
        System.out.println("forwarding everything to " + userEndpoint);
      }
      // The recommended setup: the function's SDK keeps its default endpoint (localhost:4318, the
      // extension), the extension's own destination has the extension-only name.
      Map<String, String> env = new HashMap<>();
      env.put("LAMBDA_TELEMETRY_OTLP_ENDPOINT", receiver.endpoint());
      env.put("LAMBDA_TELEMETRY_OTLP_PROTOCOL", "http/protobuf");
      env.put("LAMBDA_TELEMETRY_OTLP_RECEIVER_HTTP_PORT", Integer.toString(settings.httpPort()));
      env.put("LAMBDA_TELEMETRY_OTLP_RECEIVER_GRPC_PORT", Integer.toString(settings.grpcPort()));
      env.put("OTEL_SERVICE_NAME", "orders-api");
      simulator.instrumentedFunction(function);
      System.out.println("== Simulated Lambda environment: " + invocations + " invocations; the function: "
          + function.description() + "; extension output:");
      SimulationResult result;
      try (ExtensionProcess process = ExtensionProcess.start(
          List.of(javaBin(), "-jar", jar.toString()), simulator, env, System.out)) {
        result = simulator.run(localScenario(Scenario.defaultScenario(invocations)), process);
      }
      System.out.println();
      System.out.println(TelemetryPrinter.render(
          receiver.resourceSpans(), receiver.resourceLogs(), receiver.resourceMetrics()));
      System.out.println(JoinedTraceView.render(receiver.resourceSpans(), simulator.functionCalls()));
      printFunctionFlushes(simulator.functionCalls());
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

  /**
   * The default scenario, with the third invocation (when there is one) called by an upstream service that
   * propagates a W3C traceparent, so the run shows all three ways a trace starts; and a timeout of
   * {@link #FUNCTION_TIMEOUT}, which the function's first export (a cold path) fits in on a busy machine.
   */
  private static Scenario localScenario(Scenario scenario) {
    List<InvocationSpec> specs = new java.util.ArrayList<>(scenario.invocations());
    if (specs.size() > 2) {
      specs.set(2, specs.get(2).withUpstreamTrace(true));
    }
    return new Scenario(specs, scenario.concurrent(), FUNCTION_TIMEOUT, scenario.runtimeInit(),
        scenario.shutdownReason(), scenario.benchmark(), scenario.lateShutdownFlush());
  }

  private static void printFunctionFlushes(List<FunctionCall> calls) {
    System.out.println("== The function's SDK flush (forceFlush of spans, logs, metrics to the extension)");
    for (FunctionCall call : calls) {
      String what = call.request() == null ? "shutdown" : call.request().requestId().substring(0, 8);
      System.out.printf("   %-8s %s%n", what, call.failure() != null ? "failed: " + call.failure()
          : String.format(java.util.Locale.ROOT, "%.2f ms%s", call.flushMs(),
              call.flushError() == null ? "" : " (export failed: " + call.flushError() + ")"));
    }
  }

  /** {@code preferred} when it is free on loopback, else a free port (another run, or a collector layer). */
  private static int portOrFree(int preferred) throws java.io.IOException {
    java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
    try (java.net.ServerSocket socket = new java.net.ServerSocket(preferred, 1, loopback)) {
      return preferred;
    } catch (java.io.IOException taken) {
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, loopback)) {
        System.out.println("port " + preferred + " is taken: the function exports to " + socket.getLocalPort());
        return socket.getLocalPort();
      }
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
