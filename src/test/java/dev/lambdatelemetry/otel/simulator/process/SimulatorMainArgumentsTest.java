package dev.lambdatelemetry.otel.simulator.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lambdatelemetry.otel.simulator.function.FunctionProtocol;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line that deploy/benchmark.sh and deploy/build-layer.sh use. */
class SimulatorMainArgumentsTest {

  @Test
  void parse_benchmarkRunOfTheScript_setsEveryOption() {
    SimulatorMain.Arguments arguments = SimulatorMain.Arguments.parse(new String[] {"--extension-cmd",
      "/opt/extensions/lambda-telemetry-otel", "--collector", "--free-listener-port", "--env",
      "LAMBDA_TELEMETRY_SUBSCRIPTION_BUFFERING_MAX_BYTES=1048576", "--env", "A=b=c", "--log-heavy",
      "--benchmark", "--invocations", "50", "--shutdown-budget-ms", "10000"});

    assertThat(arguments.collector()).isTrue();
    assertThat(arguments.freeListenerPort()).isTrue();
    assertThat(arguments.env()).isEqualTo(
        Map.of("LAMBDA_TELEMETRY_SUBSCRIPTION_BUFFERING_MAX_BYTES", "1048576", "A", "b=c"));
    assertThat(arguments.options().shutdownBudget()).isEqualTo(Duration.ofSeconds(10));
    Scenario scenario = arguments.scenario();
    assertThat(scenario.benchmark()).isTrue();
    assertThat(scenario.invocations()).hasSize(50)
        .allSatisfy(spec -> assertThat(spec.logLines()).isEqualTo(1000));
  }

  @Test
  void parse_function_instrumentsEveryInvocationWithThatManyChildSpans() {
    SimulatorMain.Arguments arguments = SimulatorMain.Arguments.parse(new String[] {"--function", "grpc",
      "--function-spans", "100", "--benchmark", "--invocations", "20", "--", "java", "-jar", "x.jar"});

    assertThat(arguments.function()).isEqualTo(FunctionProtocol.GRPC);
    assertThat(arguments.scenario().invocations()).hasSize(20)
        .allSatisfy(spec -> assertThat(spec.functionSpans()).isEqualTo(100));
  }

  @Test
  void parse_unknownFunctionProtocol_isRefused() {
    assertThatThrownBy(() -> SimulatorMain.Arguments.parse(new String[] {"--function", "http", "--", "x"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http/protobuf");
  }

  @Test
  void parse_defaults_keepLambdasShutdownBudgetAndNoCollector() {
    SimulatorMain.Arguments arguments = SimulatorMain.Arguments.parse(new String[] {"--", "java", "-jar", "x.jar"});

    assertThat(arguments.options().shutdownBudget()).isEqualTo(Duration.ofSeconds(2));
    assertThat(arguments.collector()).isFalse();
    assertThat(arguments.function()).isNull();
    assertThat(arguments.env()).isEmpty();
    assertThat(arguments.scenario().benchmark()).isFalse();
  }

  @Test
  void parse_benchmarkWithoutLogHeavy_runsFastWarmInvocations() {
    Scenario scenario = SimulatorMain.Arguments.parse(
        new String[] {"--extension-cmd", "x", "--benchmark", "--invocations", "3"}).scenario();

    assertThat(scenario.benchmark()).isTrue();
    assertThat(scenario.invocations()).hasSize(3)
        .allSatisfy(spec -> assertThat(spec.runtimeDuration()).isEqualTo(Duration.ZERO));
  }

  @Test
  void parse_probe_runsTheCommandAtReadyAndAfterTheListedInvocations() {
    SimulatorMain.Arguments arguments = SimulatorMain.Arguments.parse(new String[] {"--extension-cmd", "x",
      "--probe", " /bin/sh probe.sh ", "--probe-after", "2000,100", "--init-timeout-ms", "60000", "--benchmark",
      "--invocations", "3", "--function-timeout-ms", "3000"});

    assertThat(arguments.probe().command()).containsExactly("/bin/sh", "probe.sh");
    assertThat(arguments.probe().after()).containsExactlyInAnyOrder(100, 2000);
    assertThat(arguments.options().initTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(arguments.scenario().functionTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(arguments.scenario().benchmark()).isTrue();
    assertThat(arguments.scenario().invocations()).hasSize(3);
  }

  @Test
  void parse_noProbe_keepsLambdasInitBudget() {
    SimulatorMain.Arguments arguments = SimulatorMain.Arguments.parse(new String[] {"--extension-cmd", "x"});

    assertThat(arguments.probe()).isNull();
    assertThat(arguments.options().initTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(arguments.scenario().functionTimeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void parse_collectorDelayAndRate_aCollectorThatAnswersLate_andAFreezeOfOneOverTheRate() {
    SimulatorMain.Arguments arguments = SimulatorMain.Arguments.parse(new String[] {"--extension-cmd", "x",
      "--collector-delay", "20ms", "--rate", "20", "--benchmark", "--invocations", "600"});

    assertThat(arguments.collector()).as("implied").isTrue();
    assertThat(arguments.collectorDelay()).isEqualTo(Duration.ofMillis(20));
    assertThat(arguments.measuredOptions().freezeBetweenInvocations()).isEqualTo(Duration.ofMillis(50));
    assertThat(arguments.options().freezeBetweenInvocations()).as("not the harness warm-up's").isZero();
  }

  @ParameterizedTest
  @CsvSource({"5ms, 5", "80, 80", "0.5s, 500", "0ms, 0"})
  void parse_collectorDelay_takesMillisecondsOrSeconds(String raw, long ms) {
    assertThat(SimulatorMain.Arguments.parse(new String[] {"--extension-cmd", "x", "--collector-delay", raw})
        .collectorDelay()).isEqualTo(Duration.ofMillis(ms));
  }

  @Test
  void parse_noRate_invocationsFollowEachOtherWithoutAFreeze() {
    SimulatorMain.Arguments arguments = SimulatorMain.Arguments.parse(new String[] {"--extension-cmd", "x"});

    assertThat(arguments.measuredOptions().freezeBetweenInvocations()).isZero();
    assertThat(arguments.collectorDelay()).isNull();
  }

  @ParameterizedTest
  @CsvSource({"--shutdown-budget-ms, 0", "--shutdown-budget-ms, soon", "--invocations, -1", "--env, NOEQUALS",
    "--env, =value",
    "--probe-after, 100;x", "--init-timeout-ms, 0", "--function-timeout-ms, -5", "--collector-delay, soon",
    "--collector-delay, -5ms", "--rate, 0"})
  void parse_badValue_isRejectedWithTheOptionsName(String option, String value) {
    assertThatThrownBy(() -> SimulatorMain.Arguments.parse(new String[] {"--extension-cmd", "x", option, value}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(option);
  }
}
