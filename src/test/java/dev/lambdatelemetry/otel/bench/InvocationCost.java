package dev.lambdatelemetry.otel.bench;

import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.process.ExtensionProcess;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.PackagedExtension;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The per-invocation cost of the extension (issue: export pipeline): the time from the delivery of
 * the batch holding an invocation's {@code platform.runtimeDone} to the extension's {@code next},
 * p50 and p99 over warm invocations, once with a healthy local collector and once with a dead one
 * (connection refused). A benchmark, not a test: it prints figures and asserts nothing.
 *
 * <pre>./mvnw -q package -DskipTests && ./mvnw -q exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.lambdatelemetry.otel.bench.InvocationCost [-Dexec.args=2000] \
 *     [-Dextension.cmd=target/layer/x86_64/extensions/lambda-telemetry-otel]</pre>
 *
 * <p>Without {@code extension.cmd} it runs the packaged jar on the JDK running Maven.
 */
public final class InvocationCost {

  static {
    System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
  }

  private static final int WARM_UP = 200;

  private InvocationCost() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    System.out.printf("%d invocations each; the first %d are warm-up and not counted%n", n, WARM_UP);
    System.out.println("| collector | p50 ms | p99 ms | max ms |");
    System.out.println("| --- | --- | --- | --- |");
    for (String mode : List.of("healthy", "dead")) {
      double[] added = run(n, mode.equals("dead"));
      System.out.printf("| %s | %.2f | %.2f | %.2f |%n", mode, pct(added, 50), pct(added, 99),
          added[added.length - 1]);
    }
    System.exit(0);
  }

  private static double[] run(int n, boolean dead) throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        LambdaSimulator simulator = LambdaSimulator.start(SimulatorOptions.defaults())) {
      if (dead) {
        receiver.setMode(OtlpReceiver.Mode.DOWN);
      }
      SimulationResult result;
      String launcher = System.getProperty("extension.cmd");
      List<String> command = launcher == null || launcher.isBlank()
          ? PackagedExtension.command() : List.of(launcher.trim().split("\\s+"));
      try (ExtensionProcess process = ExtensionProcess.start(command, simulator,
          Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()), null)) {
        result = simulator.run(Scenario.benchmark(n), process);
      }
      if (!result.passed()) {
        throw new IllegalStateException("run failed: " + result.violations());
      }
      double[] added = result.invocations().stream().skip(WARM_UP)
          .mapToDouble(SimulationResult.InvocationMeasurement::addedMs).toArray();
      Arrays.sort(added);
      return added;
    }
  }

  private static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
