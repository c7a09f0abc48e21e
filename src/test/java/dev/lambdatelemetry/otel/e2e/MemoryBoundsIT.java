package dev.lambdatelemetry.otel.e2e;

import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.exportItems;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.functionLogs;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.generatedFunctionEvents;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.process.ExtensionProcess;
import dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.testing.OtlpReceiver.Mode;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.PackagedExtension;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged extension under the layer's JVM limits (a 24 MiB heap) against the worst the
 * subscription allows: batches of its maximum size (1 MiB of log lines each) while the collector is
 * down, so that every export queue fills and stays full. The heap must hold (no
 * OutOfMemoryError, which would crash the extension and reset the function's environment), the
 * function must not notice, and what could not be kept must be counted, not silently missing.
 */
class MemoryBoundsIT {

  private static final int INVOCATIONS = 30;
  /** The subscription's largest batch, as the README allows. */
  private static final int MAX_BYTES = 1 << 20;
  /** The subscription's largest max-items: no batch holds more events. */
  private static final int MAX_ITEMS = 10_000;

  @Test
  void maximumBatches_collectorDown_theHeapHolds_andEveryLostLineIsCounted() throws Exception {
    SimulatorOptions options = slowAnswersAllowed();
    Scenario.Builder scenario = Scenario.builder().functionTimeout(Duration.ofSeconds(10));
    for (int i = 0; i < INVOCATIONS; i++) {
      // ~1 MiB each: 1 000 text lines of 1 KiB (as Scenario.logHeavy), or 8 000 short JSON lines,
      // which cost the most heap per byte once parsed
      scenario.invoke(i % 2 == 0
          ? InvocationSpec.success().withLogs(1000, 1000)
          : InvocationSpec.success().withLogs(8000, 60).withLogFormat(InvocationSpec.LogFormat.JSON));
    }
    // An OutOfMemoryError caught somewhere (the processing thread fails open) would leave no trace
    // in the output: make the first one fatal and visible instead.
    List<String> command = new ArrayList<>(PackagedExtension.command());
    command.add(1, "-XX:+ExitOnOutOfMemoryError");
    // One CPU, as a 128 MB function gets at most: the listener then outpaces the processing thread
    // and the inbox fills as well, the worst case for the heap.
    if (Files.isExecutable(Path.of("/usr/bin/taskset"))) {
      command.addAll(0, List.of("/usr/bin/taskset", "-c", "0"));
    }

    try (OtlpReceiver receiver = OtlpReceiver.start();
        LambdaSimulator simulator = LambdaSimulator.start(options)) {
      receiver.setMode(Mode.DOWN);
      // The collector comes back for SHUTDOWN only: what was kept, and the counters, then arrive.
      simulator.afterInvocation(finished -> {
        if (finished == INVOCATIONS) {
          receiver.setMode(Mode.UP);
        }
      });
      Map<String, String> env = new HashMap<>();
      env.put("LAMBDA_TELEMETRY_LISTENER_PORT", Integer.toString(ExtensionRun.freePort()));
      env.put("LAMBDA_TELEMETRY_SUBSCRIPTION_BUFFERING_MAX_BYTES", Integer.toString(MAX_BYTES));
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
      env.put("OTEL_SERVICE_NAME", "orders-api");
      env.put("LAMBDA_TELEMETRY_SUBSCRIPTION_BUFFERING_MAX_ITEMS", Integer.toString(MAX_ITEMS));
      SimulationResult result;
      String output;
      try (ExtensionProcess process = ExtensionProcess.start(command, simulator, env, null)) {
        result = simulator.run(scenario.build(), process);
        process.awaitExit(Duration.ofSeconds(5));
        output = process.stdout() + process.stderr();
      }

      assertThat(output).doesNotContain("OutOfMemoryError");
      // Every delivery answered 200, every invocation completed, exit 0 before the deadline.
      assertThat(result.violations()).as(output).isEmpty();
      assertThat(result.invocations()).hasSize(INVOCATIONS);
      assertThat(result.exitCode()).as(output).isZero();

      List<ResourceMetrics> metrics = receiver.resourceMetrics();
      long generated = generatedFunctionEvents(simulator.generatedEvents());
      long received = functionLogs(receiver.logRecords()).size();
      long droppedBatches = listenerBatches(metrics, "dropped_inbox_full")
          + listenerBatches(metrics, "dropped_too_large") + listenerBatches(metrics, "failed");
      long counted = exportItems(metrics, "logs", "dropped") + exportItems(metrics, "logs", "abandoned")
          + MAX_ITEMS * droppedBatches;
      String accounts = "generated " + generated + ", received " + received + ", export dropped "
          + exportItems(metrics, "logs", "dropped") + ", abandoned "
          + exportItems(metrics, "logs", "abandoned") + ", batches dropped " + droppedBatches;
      // The collector was down for ~40 MiB of lines: most of them cannot have been kept...
      assertThat(received).as(accounts).isLessThan(generated);
      // ...and every one missing is counted (a dropped batch holds at most MAX_ITEMS lines).
      assertThat(generated - received).as(accounts).isLessThanOrEqualTo(counted);
      assertThat(exportItems(metrics, "logs", "dropped")).as(accounts).isPositive();
      // A queue still holds more than one invocation's output of a log-heavy function.
      assertThat(received).as(accounts).isGreaterThan(1000);
      Files.writeString(Path.of("target", "memory-bounds-it.txt"), accounts + "\n");
    }
  }

  @Test
  void tenLocalConnectionsHoldingPartialLines_overTcp_theHeapHolds_andTelemetryFlows()
      throws Exception {
    int invocations = 6;
    Scenario.Builder scenario = Scenario.builder().functionTimeout(Duration.ofSeconds(10));
    for (int i = 0; i < invocations; i++) {
      scenario.invoke(InvocationSpec.success());
    }
    List<String> command = new ArrayList<>(PackagedExtension.command());
    command.add(1, "-XX:+ExitOnOutOfMemoryError");
    int port = ExtensionRun.freePort();
    byte[] partial = new byte[5 * MAX_BYTES / 2];
    Arrays.fill(partial, (byte) 'x');
    List<Socket> holders = new CopyOnWriteArrayList<>();
    try (OtlpReceiver receiver = OtlpReceiver.start();
        LambdaSimulator simulator = LambdaSimulator.start(slowAnswersAllowed())) {
      // Once Lambda's own connection is up (after the first invocation), ten local processes each
      // start a line of 2.5 MiB and never end it.
      simulator.afterInvocation(finished -> {
        if (finished != 1) {
          return;
        }
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          writers.add(CompletableFuture.runAsync(() -> {
            try {
              Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
              holders.add(s);
              s.getOutputStream().write(partial);
              s.getOutputStream().flush();
            } catch (IOException e) {
              // refused or closed by the listener: what it should do with extras
            }
          }));
        }
        try {
          CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new))
              .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("the writers did not finish", e);
        }
      });
      Map<String, String> env = new HashMap<>();
      env.put("LAMBDA_TELEMETRY_LISTENER_PORT", Integer.toString(port));
      env.put("LAMBDA_TELEMETRY_LISTENER_PROTOCOL", "TCP");
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
      SimulationResult result;
      String output;
      try (ExtensionProcess process = ExtensionProcess.start(command, simulator, env, null)) {
        result = simulator.run(scenario.build(), process);
        process.awaitExit(Duration.ofSeconds(5));
        output = process.stdout() + process.stderr();
      } finally {
        for (Socket s : holders) {
          s.close();
        }
      }

      assertThat(output).doesNotContain("OutOfMemoryError");
      assertThat(result.violations()).as(output).isEmpty();
      assertThat(result.exitCode()).as(output).isZero();
      List<String> ids = result.invocations().stream()
          .map(SimulationResult.InvocationMeasurement::requestId).toList();
      assertThat(ids).hasSize(invocations);
      // Lambda's connection kept delivering: every invocation's span arrived.
      assertThat(ReceivedTelemetry.serverSpansByInvocation(receiver.spans()).keySet())
          .containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  /**
   * The defaults, but a listener may take 5 s to answer: timing is not the subject here
   * (CollectorFaultsIT is), and a loaded 2-core machine running a C1-only JVM must not turn a
   * slow answer into a failure.
   */
  private static SimulatorOptions slowAnswersAllowed() {
    SimulatorOptions d = SimulatorOptions.defaults();
    return new SimulatorOptions(d.mode(), d.functionName(), d.functionVersion(),
        d.memoryMb(), d.region(), d.accountId(), d.handler(), d.expectedExtensionName(),
        d.expectedExtensions(), d.initTimeout(), d.shutdownBudget(), d.sequenceIdHeader(),
        d.classicRie(), Duration.ofSeconds(5), d.forcedSubscribeStatus(),
        d.rejectInvokeOnFirstRegister(), d.freezeBetweenInvocations());
  }

  /** The last (largest) value of {@code lambda_telemetry.listener.batches{outcome}}, 0 if never. */
  private static long listenerBatches(List<ResourceMetrics> metrics, String outcome) {
    return metrics.stream()
        .flatMap(rm -> rm.getScopeMetricsList().stream())
        .flatMap(sm -> sm.getMetricsList().stream())
        .filter(m -> m.getName().equals("lambda_telemetry.listener.batches"))
        .flatMap(m -> m.getSum().getDataPointsList().stream())
        .filter(p -> p.getAttributesList().stream().anyMatch(
            (KeyValue a) -> a.getKey().equals("outcome")
                && a.getValue().getStringValue().equals(outcome)))
        .mapToLong(NumberDataPoint::getAsInt)
        .max()
        .orElse(0);
  }
}
