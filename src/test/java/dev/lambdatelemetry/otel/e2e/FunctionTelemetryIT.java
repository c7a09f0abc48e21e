package dev.lambdatelemetry.otel.e2e;

import static dev.lambdatelemetry.otel.e2e.FunctionTraceAssertions.assertEverythingOnce;
import static dev.lambdatelemetry.otel.e2e.FunctionTraceAssertions.assertInitInFirstTrace;
import static dev.lambdatelemetry.otel.e2e.FunctionTraceAssertions.assertJoined;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.exportItems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lambdatelemetry.otel.simulator.function.FunctionProtocol;
import dev.lambdatelemetry.otel.simulator.function.NodeFunction;
import dev.lambdatelemetry.otel.simulator.platform.DeliveredBatch;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.OtlpReceiver.Mode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The function's own telemetry through the packaged extension (issue 11), with what most Lambda users run: a
 * Node.js function instrumented with the OpenTelemetry JS SDK ({@code src/test/node/function.mjs}), exporting
 * spans, logs and metrics to the extension's local endpoint with the SDK's real exporters. The collector gets
 * everything exactly once, one trace per invocation, also with freezes, with a collector that is down for a
 * while, and for what the runtime exports at its shutdown. Skipped when node or the npm packages are missing
 * ({@code npm ci} in {@code src/test/node}); {@link JavaSdkFunctionIT} always runs.
 */
class FunctionTelemetryIT {

  private static final int INVOCATIONS = 5;

  @BeforeEach
  void nodeFunctionAvailable() {
    Optional<String> missing = NodeFunction.unavailable();
    assumeTrue(missing.isEmpty(), () -> "Node.js function skipped: " + missing.orElse(""));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FunctionProtocol.class)
  void nodeSdkExportsOverEachProtocol_collectorGetsEverythingOnce_oneTracePerInvocation(FunctionProtocol protocol)
      throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      FunctionRun function = FunctionRun.play(FunctionRun.Sdk.NODE, protocol, SimulatorOptions.defaults(),
          FunctionRun.joinScenario(INVOCATIONS), receiver, Map.of(), (simulator, process) -> { });

      CollectorFaultsIT.assertFunctionUnharmed(function.run(), INVOCATIONS);
      assertEverythingOnce(receiver, function);
      assertJoined(receiver, function);
      assertInitInFirstTrace(receiver, function);
    }
  }

  @Test
  void frozenAfterEveryNext_theFunctionsTelemetryLeavesBeforeEachFreeze_onceAndJoined() throws Exception {
    int invocations = 4;
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      FunctionRun function = FunctionRun.play(FunctionRun.Sdk.NODE, FunctionProtocol.HTTP_PROTOBUF,
          SimulatorOptions.defaults().withFreezeBetweenInvocations(Duration.ofMillis(300)),
          FunctionRun.joinScenario(invocations), receiver, Map.of(), (simulator, process) -> { });

      CollectorFaultsIT.assertFunctionUnharmed(function.run(), invocations);
      assertThat(function.run().freezes()).hasSize(invocations);
      assertThat(function.run().delivered()).extracting(DeliveredBatch::answeredNanos)
          .allSatisfy(at -> assertThat(function.run().freezes()).noneMatch(f -> f.contains(at)));
      // Each invocation's function spans left in its own flush, before its freeze: nothing waits for a thaw.
      assertEverythingOnce(receiver, function);
      assertJoined(receiver, function);
    }
  }

  @Test
  void collectorDownForTwoInvocations_theFunctionsTelemetryArrivesAfterwards_onceAndJoined() throws Exception {
    int invocations = 4;
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      receiver.setMode(Mode.DOWN);
      FunctionRun function = FunctionRun.play(FunctionRun.Sdk.NODE, FunctionProtocol.GRPC,
          SimulatorOptions.defaults(), FunctionRun.joinScenario(invocations), receiver, Map.of(),
          (simulator, process) -> simulator.afterInvocation(finished -> {
            if (finished == 2) {
              receiver.setMode(Mode.UP);
            }
          }));

      CollectorFaultsIT.assertFunctionUnharmed(function.run(), invocations);
      // The function never noticed: its exports to the extension succeeded while the collector was down.
      assertEverythingOnce(receiver, function);
      assertJoined(receiver, function);
      for (String signal : List.of("traces", "logs", "metrics")) {
        assertThat(exportItems(receiver.resourceMetrics(), signal, "dropped")).as(signal).isZero();
      }
    }
  }
}
