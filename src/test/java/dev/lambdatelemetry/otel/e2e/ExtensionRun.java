package dev.lambdatelemetry.otel.e2e;

import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.DeliveredBatch;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.process.ExtensionProcess;
import dev.lambdatelemetry.otel.simulator.scenario.FreezeWindow;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.PackagedExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One run of the packaged extension process against the simulator, exporting to {@code receiver}, and what
 * the platform side saw of it.
 *
 * @param result    the simulator's measurements and verdict
 * @param output    the extension's stdout and stderr
 * @param freezes   the real freezes (SIGSTOP/SIGCONT) of the process
 * @param delivered every telemetry batch the listener accepted
 * @param generated every event the platform generated, serialized
 */
record ExtensionRun(SimulationResult result, String output, List<FreezeWindow> freezes,
    List<DeliveredBatch> delivered, List<String> generated) {

  /** The process must be gone this long after the run, or it is reported as still alive. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

  /**
   * Starts the simulator and the extension (a free listener port, OTLP to {@code receiver}, plus {@code
   * env}), lets {@code beforeRun} install hooks, and plays {@code scenario} to the end. With {@code
   * -De2e.debug=true} the extension logs at DEBUG (its flush results appear in failure messages; the
   * extra output also makes the platform deliver late extension events, which the simulator reports).
   */
  static ExtensionRun play(SimulatorOptions options, Scenario scenario, OtlpReceiver receiver,
      Map<String, String> env, BiConsumer<LambdaSimulator, ExtensionProcess> beforeRun) throws Exception {
    try (LambdaSimulator simulator = LambdaSimulator.start(options)) {
      Map<String, String> all = new HashMap<>();
      all.put("LAMBDA_TELEMETRY_LISTENER_PORT", Integer.toString(freePort()));
      all.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
      all.put("OTEL_SERVICE_NAME", "orders-api");
      if (Boolean.getBoolean("e2e.debug")) {
        all.put("QUARKUS_LOG_CATEGORY__DEV_LAMBDATELEMETRY__LEVEL", "DEBUG");
      }
      all.putAll(env);
      try (ExtensionProcess process =
          ExtensionProcess.start(PackagedExtension.command(), simulator, all, null)) {
        beforeRun.accept(simulator, process);
        SimulationResult result = simulator.run(scenario, process);
        process.awaitExit(EXIT_WAIT);
        return new ExtensionRun(result, process.stdout() + process.stderr(), simulator.freezes(),
            simulator.deliveredBatches(), simulator.generatedEvents());
      }
    }
  }

  /** Request ids of the invocations, in order. */
  List<String> requestIds() {
    return result.invocations().stream().map(SimulationResult.InvocationMeasurement::requestId).toList();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
