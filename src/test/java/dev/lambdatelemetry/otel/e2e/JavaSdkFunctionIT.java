package dev.lambdatelemetry.otel.e2e;

import static dev.lambdatelemetry.otel.e2e.FunctionTraceAssertions.assertEverythingOnce;
import static dev.lambdatelemetry.otel.e2e.FunctionTraceAssertions.assertJoined;

import dev.lambdatelemetry.otel.simulator.function.FunctionProtocol;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The function's own telemetry through the packaged extension, from a function instrumented with the
 * OpenTelemetry Java SDK (in the test's JVM, with the SDK's own OTLP exporters): runs on every machine, Node.js
 * or not. Everything arrives once, one trace per invocation, the runtime's shutdown export included.
 */
class JavaSdkFunctionIT {

  private static final int INVOCATIONS = 4;

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = FunctionProtocol.class, names = {"HTTP_PROTOBUF", "GRPC"})
  void javaSdkExports_collectorGetsEverythingOnce_oneTracePerInvocation(FunctionProtocol protocol)
      throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      FunctionRun function = FunctionRun.play(FunctionRun.Sdk.JAVA, protocol, SimulatorOptions.defaults(),
          FunctionRun.joinScenario(INVOCATIONS), receiver, Map.of(), (simulator, process) -> { });

      CollectorFaultsIT.assertFunctionUnharmed(function.run(), INVOCATIONS);
      assertEverythingOnce(receiver, function);
      assertJoined(receiver, function);
    }
  }
}
