package dev.lambdatelemetry.otel.e2e;

import dev.lambdatelemetry.otel.simulator.FunctionCall;
import dev.lambdatelemetry.otel.simulator.FunctionRequest;
import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.process.ExtensionProcess;
import dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.simulator.function.FunctionProtocol;
import dev.lambdatelemetry.otel.simulator.function.FunctionSettings;
import dev.lambdatelemetry.otel.simulator.function.JavaSdkFunction;
import dev.lambdatelemetry.otel.simulator.function.LocalFunction;
import dev.lambdatelemetry.otel.simulator.function.NodeFunction;
import dev.lambdatelemetry.otel.testing.OtlpGrpcReceiver;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * One run of the packaged extension with an instrumented function beside it: the function's SDK exports to
 * the extension's local OTLP endpoint (free ports, given to both), the extension exports everything to
 * {@code receiver}.
 *
 * @param run what the platform side saw ({@link ExtensionRun})
 * @param calls what the function did, call by call (the runtime's shutdown last)
 */
record FunctionRun(ExtensionRun run, List<FunctionCall> calls) {

  /** The function's SDK. */
  enum Sdk {
    NODE,
    JAVA
  }

  /** Each invocation's deadline: the budgets below must fit in it on a loaded 2-core machine. */
  static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Starts the function, then the extension, and plays {@code scenario}. The flush budgets are generous: these
   * tests are about what arrives and how it is joined, not about the budget (CollectorFaultsIT is).
   */
  static FunctionRun play(Sdk sdk, FunctionProtocol protocol, SimulatorOptions options, Scenario scenario,
      OtlpReceiver receiver, Map<String, String> env, BiConsumer<LambdaSimulator, ExtensionProcess> beforeRun)
      throws Exception {
    int httpPort = ExtensionRun.freePort();
    int grpcPort = ExtensionRun.freePort();
    FunctionSettings settings = FunctionSettings.defaults(protocol).withPorts(httpPort, grpcPort);
    Map<String, String> all = new HashMap<>();
    all.put("LAMBDA_TELEMETRY_OTLP_RECEIVER_HTTP_PORT", Integer.toString(httpPort));
    all.put("LAMBDA_TELEMETRY_OTLP_RECEIVER_GRPC_PORT", Integer.toString(grpcPort));
    // The recommended setup: our destination under the extension-only name, which the function's SDK ignores.
    all.put("LAMBDA_TELEMETRY_OTLP_ENDPOINT", receiver.endpoint());
    all.put("LAMBDA_TELEMETRY_EXPORT_FLUSH_BUDGET", "PT2S");
    all.put("LAMBDA_TELEMETRY_EXPORT_FIRST_FLUSH_BUDGET", "PT2.5S");
    all.putAll(env);
    if (sdk == Sdk.JAVA) {
      warmUpJavaSdk(protocol);
    }
    AtomicReference<LambdaSimulator> simulator = new AtomicReference<>();
    try (LocalFunction function = sdk == Sdk.NODE ? NodeFunction.start(settings)
        : JavaSdkFunction.start(settings)) {
      ExtensionRun run = ExtensionRun.play(options, scenario, receiver, all, (sim, process) -> {
        sim.instrumentedFunction(function);
        simulator.set(sim);
        beforeRun.accept(sim, process);
      });
      return new FunctionRun(run, simulator.get().functionCalls());
    }
  }

  /**
   * The Java SDK function runs in this JVM, beside the simulator: its first export loads the SDK's exporter
   * and the HTTP or gRPC client, which was seen to delay the simulator's own telemetry POST past its 1 s
   * limit on a loaded machine. One export to a throwaway receiver first, so the run measures the extension.
   */
  private static void warmUpJavaSdk(FunctionProtocol protocol) throws Exception {
    try (OtlpReceiver http = OtlpReceiver.start();
        OtlpGrpcReceiver grpc = OtlpGrpcReceiver.start();
        JavaSdkFunction function = JavaSdkFunction.start(
            FunctionSettings.defaults(protocol).withPorts(http.port(), grpc.port()))) {
      function.invoke(new FunctionRequest("warm-up", null, null, 1, false), WARM_UP_TIMEOUT);
    }
  }

  /**
   * Invocations that cover each way an entry span gets its parent: an X-Ray traced request, an untraced one,
   * an upstream {@code traceparent} with and without X-Ray, and a handled error; with log lines on stdout too.
   */
  static Scenario joinScenario(int invocations) {
    Scenario.Builder builder = Scenario.builder().functionTimeout(FUNCTION_TIMEOUT);
    for (int i = 0; i < invocations; i++) {
      InvocationSpec spec = InvocationSpec.success().withLogs(2, 40).withSampled(i % 2 == 0)
          .withUpstreamTrace(i % 4 >= 2).withFunctionSpans(1 + i % 3);
      builder.invoke(i == invocations - 1 ? spec.withOutcome(InvocationSpec.Outcome.ERROR) : spec);
    }
    return builder.build();
  }

  /** The invocations' calls (the runtime's shutdown left out). */
  List<FunctionCall> invocationCalls() {
    return calls.stream().filter(c -> c.request() != null).toList();
  }
}
