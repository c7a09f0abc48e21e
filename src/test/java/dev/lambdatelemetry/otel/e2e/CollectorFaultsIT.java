package dev.lambdatelemetry.otel.e2e;

import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.duplicateFunctionLogs;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.duplicateSpanIds;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.exportItems;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.failureLines;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.functionLogs;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.generatedFunctionEvents;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.serverSpansByInvocation;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.spanIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.testing.OtlpReceiver.Mode;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged extension against a collector that fails in each way collectors do (issue 4 §4): the
 * function never suffers (every invocation completes, the time added after runtimeDone stays near the
 * flush budget, SHUTDOWN ends with exit 0 before its deadline, nothing crashes), and when the collector
 * recovers the queued data arrives, nothing twice, every loss counted.
 *
 * <p>Timing bounds here are behaviour bounds, deliberately loose (a default budget of 100 ms against a
 * bound of 1 s): they catch an invocation waiting for a dead collector, not a slow machine.
 */
class CollectorFaultsIT {

  private static final int INVOCATIONS = 5;
  /** The default flush budget (100 ms) plus a generous margin for a loaded 2-core machine. */
  private static final double ADDED_MS_BOUND = 1_000;
  /** The simulator's SHUTDOWN budget (deadlineMs = SHUTDOWN + 2 s). */
  private static final double SHUTDOWN_DEADLINE_MS = 2_000;

  static Stream<Arguments> collectorFaults() {
    return Stream.of(
        argumentSet("down: connection refused", Mode.DOWN),
        argumentSet("hang: accepts, never answers", Mode.HANG),
        argumentSet("slow: answers after 300 ms, past the 100 ms budget", Mode.SLOW(Duration.ofMillis(300))),
        argumentSet("503 Service Unavailable", Mode.STATUS(503, null)),
        argumentSet("429 Too Many Requests, Retry-After 1 s", Mode.STATUS(429, "1")),
        argumentSet("reset: reads the request, then TCP RST", Mode.RESET));
  }

  @ParameterizedTest
  @MethodSource("collectorFaults")
  void collectorFault_everyInvocationCompletesWithinTheBudget_andShutdownExits0BeforeItsDeadline(Mode fault)
      throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      receiver.setMode(fault);
      ExtensionRun run = ExtensionRun.play(SimulatorOptions.defaults(), Scenario.defaultScenario(INVOCATIONS),
          receiver, Map.of(), (simulator, process) -> { });

      assertFunctionUnharmed(run, INVOCATIONS);
      // Whatever part of the data a faulty collector kept, it kept once.
      assertThat(duplicateSpanIds(receiver.spans())).isEmpty();
      assertThat(serverSpansByInvocation(receiver.spans()).values()).allSatisfy(l -> assertThat(l).hasSize(1));
      assertThat(duplicateFunctionLogs(receiver.logRecords())).isEmpty();
    }
  }

  @Test
  void collectorDownThenUp_queuedDataArrivesAfterRecovery_everySpanAndLogExactlyOnce() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      receiver.setMode(Mode.DOWN);
      ExtensionRun run = ExtensionRun.play(SimulatorOptions.defaults(), Scenario.defaultScenario(INVOCATIONS),
          receiver, Map.of(), (simulator, process) -> simulator.afterInvocation(finished -> {
            if (finished == 2) {
              receiver.setMode(Mode.UP);
            }
          }));

      assertFunctionUnharmed(run, INVOCATIONS);
      Map<String, List<Span>> servers = serverSpansByInvocation(receiver.spans());
      assertThat(servers.keySet()).containsExactlyInAnyOrderElementsOf(run.requestIds());
      assertThat(servers.values()).allSatisfy(l -> assertThat(l).hasSize(1));
      assertThat(duplicateSpanIds(receiver.spans())).isEmpty();
      assertThat(functionLogs(receiver.logRecords())).hasSize((int) generatedFunctionEvents(run.generated()));
      assertThat(duplicateFunctionLogs(receiver.logRecords())).isEmpty();
      // Refused connections keep items queued: nothing was dropped. (The first request after the
      // recovery runs a cold HTTP path and may overrun the budget: its items are then counted
      // abandoned, and still arrive once, as asserted above.)
      for (String signal : List.of("traces", "logs")) {
        assertThat(exportItems(receiver.resourceMetrics(), signal, "dropped")).as(signal).isZero();
        assertThat(exportItems(receiver.resourceMetrics(), signal, "exported")).as(signal).isPositive();
      }
    }
  }

  @Test
  void collectorHangsThenRecovers_nothingArrivesTwice_andEveryMissingSpanIsCountedAbandoned()
      throws Exception {
    // Handlers of 400 ms: the first flush cuts the hanging warm-up and is cut in turn; the hang ends
    // after the first invocation whose spans it swallowed.
    int invocations = 7;
    Scenario.Builder scenario = Scenario.builder().functionTimeout(Duration.ofSeconds(2));
    for (int i = 0; i < invocations; i++) {
      scenario.invoke(InvocationSpec.success().withRuntimeDuration(Duration.ofMillis(400)));
    }
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      receiver.setMode(Mode.HANG);
      ExtensionRun run = ExtensionRun.play(SimulatorOptions.defaults(), scenario.build(), receiver, Map.of(),
          (simulator, process) -> simulator.afterInvocation(finished -> {
            if (!receiver.offeredSpans().isEmpty()) {
              receiver.setMode(Mode.UP);
            }
          }));

      assertFunctionUnharmed(run, invocations);
      List<Span> stored = receiver.spans();
      List<Span> offered = receiver.offeredSpans();
      assertThat(duplicateSpanIds(stored)).isEmpty();
      assertThat(serverSpansByInvocation(stored).values()).allSatisfy(l -> assertThat(l).hasSize(1));
      // Every invocation's span was sent; those sent into the hang never came back a second time...
      assertThat(serverSpansByInvocation(offered).keySet()).containsExactlyInAnyOrderElementsOf(run.requestIds());
      Set<String> missing = new HashSet<>(spanIds(offered));
      missing.removeAll(spanIds(stored));
      assertThat(missing).as("the hang swallowed a flush").isNotEmpty();
      // Nothing was offered twice: an abandoned request is never sent again (a hang is a cut at the
      // deadline, not a lost answer, so not even the one retry of a lost answer applies).
      assertThat(duplicateSpanIds(offered)).isEmpty();
      // ...and the self-telemetry accounts for each of them. A request cut before the collector had
      // read it is abandoned too (its fate is unknown to the extension), so the count may be larger.
      assertThat(exportItems(receiver.resourceMetrics(), "traces", "abandoned"))
          .isGreaterThanOrEqualTo(missing.size());
      assertThat(exportItems(receiver.resourceMetrics(), "traces", "exported")).isEqualTo(stored.size());
      assertThat(exportItems(receiver.resourceMetrics(), "traces", "dropped")).isZero();
      assertThat(duplicateFunctionLogs(receiver.logRecords())).isEmpty();
      long missingLogs = generatedFunctionEvents(run.generated()) - functionLogs(receiver.logRecords()).size();
      assertThat(missingLogs).isLessThanOrEqualTo(exportItems(receiver.resourceMetrics(), "logs", "abandoned"));
    }
  }

  /** Invocations completed on time, SHUTDOWN exited 0 before its deadline, no violation, no crash. */
  static void assertFunctionUnharmed(ExtensionRun run, int invocations) {
    SimulationResult result = run.result();
    assertThat(result.violations()).as(run.output()).isEmpty();
    assertThat(result.invocations()).hasSize(invocations);
    assertThat(result.invocations()).allSatisfy(i -> assertThat(i.addedMs())
        .as("time added to %s after runtimeDone", i.requestId()).isLessThan(ADDED_MS_BOUND));
    assertThat(result.exitCode()).as(run.output()).isZero();
    assertThat(result.shutdownToExitMs()).isLessThan(SHUTDOWN_DEADLINE_MS);
    assertThat(failureLines(run.output())).isEmpty();
  }
}
