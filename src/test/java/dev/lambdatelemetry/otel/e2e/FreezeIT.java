package dev.lambdatelemetry.otel.e2e;

import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.duplicateFunctionLogs;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.duplicateSpanIds;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.exportItems;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.functionLogs;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.generatedFunctionEvents;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.serverSpansByInvocation;
import static dev.lambdatelemetry.otel.e2e.ReceivedTelemetry.spanIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.simulator.platform.DeliveredBatch;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.testing.OtlpReceiver.Mode;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The Lambda freeze done for real on the packaged extension: the process is SIGSTOPped and SIGCONTed
 * (issue 4 §4, "a freeze test"), with exports cut around it, and the receiver is checked for loss and
 * duplicates: nothing arrives twice, and whatever did not arrive is counted by the self-telemetry.
 */
class FreezeIT {

  private static final int INVOCATIONS = 4;
  private static final Duration FREEZE = Duration.ofMillis(400);
  private static final String FLUSH_BUDGET = "PT0.15S";
  /** Answers after the data is stored, later than the flush budget: every flush ends with a cut request. */
  private static final Duration SLOWER_THAN_BUDGET = Duration.ofMillis(250);

  @Test
  void frozenBetweenInvocations_withExportsCutAtTheBudget_nothingArrivesTwice_andEveryLossIsCounted()
      throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      receiver.setMode(Mode.SLOW(SLOWER_THAN_BUDGET));
      ExtensionRun run = ExtensionRun.play(
          SimulatorOptions.defaults().withFreezeBetweenInvocations(FREEZE), scenario(Duration.ofSeconds(2)),
          receiver, Map.of("LAMBDA_TELEMETRY_EXPORT_FLUSH_BUDGET", FLUSH_BUDGET),
          // The collector recovers while the sandbox is frozen after the second invocation.
          (simulator, process) -> simulator.afterInvocation(finished -> {
            if (finished == 2) {
              receiver.setMode(Mode.UP);
            }
          }));

      CollectorFaultsIT.assertFunctionUnharmed(run, INVOCATIONS);
      assertThat(run.freezes()).hasSize(INVOCATIONS);
      // A frozen sandbox delivers nothing.
      assertThat(run.delivered()).extracting(DeliveredBatch::answeredNanos)
          .allSatisfy(at -> assertThat(run.freezes()).noneMatch(f -> f.contains(at)));
      long abandoned = exportItems(receiver.resourceMetrics(), "traces", "abandoned")
          + exportItems(receiver.resourceMetrics(), "logs", "abandoned");
      assertThat(abandoned).as("requests cut at the end of an invocation, just before the freeze").isPositive();
      assertNothingTwiceAndEveryLossCounted(receiver, run);
    }
  }

  @Test
  void frozenWhileARequestIsInFlight_afterTheThawNothingIsSentTwice_andTheAccountingIsExact()
      throws Exception {
    AtomicBoolean frozen = new AtomicBoolean();
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      ExtensionRun run = ExtensionRun.play(SimulatorOptions.defaults(), scenario(Duration.ofSeconds(3)),
          receiver, Map.of(),
          // The receiver has stored the first invocation span and not answered yet: freeze the
          // extension right there, with its request in flight, then thaw it and answer.
          (simulator, process) -> receiver.setForward((path, body) -> {
            if (path.endsWith("/v1/traces") && hasServerSpan(body) && frozen.compareAndSet(false, true)) {
              try {
                process.freezeFor(FREEZE);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }));

      assertThat(frozen).as("a request was in flight when the process was stopped").isTrue();
      CollectorFaultsIT.assertFunctionUnharmed(run, INVOCATIONS);
      List<Span> stored = receiver.spans();
      assertThat(serverSpansByInvocation(stored).keySet()).containsExactlyInAnyOrderElementsOf(run.requestIds());
      assertNothingTwiceAndEveryLossCounted(receiver, run);
      assertThat(functionLogs(receiver.logRecords())).hasSize((int) generatedFunctionEvents(run.generated()));
      // The collector stored every request it read: what the extension counts as exported or as of
      // unknown fate (abandoned) is exactly what arrived.
      assertThat(exportItems(receiver.resourceMetrics(), "traces", "exported")
          + exportItems(receiver.resourceMetrics(), "traces", "abandoned")).isEqualTo(stored.size());
    }
  }

  /** Invocations with logs, no timeout (its wait adds nothing here), handlers of 20 ms. */
  private static Scenario scenario(Duration functionTimeout) {
    Scenario.Builder builder = Scenario.builder().functionTimeout(functionTimeout);
    for (int i = 0; i < INVOCATIONS; i++) {
      builder.invoke(InvocationSpec.success().withSampled(i % 2 == 0).withLogs(3, 40)
          .withRuntimeDuration(Duration.ofMillis(20)));
    }
    return builder.build();
  }

  /**
   * No span or function log stored twice; every invocation's span was sent; every span sent but not
   * stored, and every function log not stored, is counted as abandoned.
   */
  private static void assertNothingTwiceAndEveryLossCounted(OtlpReceiver receiver, ExtensionRun run) {
    List<Span> stored = receiver.spans();
    assertThat(duplicateSpanIds(stored)).isEmpty();
    assertThat(serverSpansByInvocation(stored).values()).allSatisfy(l -> assertThat(l).hasSize(1));
    assertThat(serverSpansByInvocation(receiver.offeredSpans()).keySet())
        .containsExactlyInAnyOrderElementsOf(run.requestIds());
    Set<String> missing = new HashSet<>(spanIds(receiver.offeredSpans()));
    missing.removeAll(spanIds(stored));
    assertThat((long) missing.size())
        .isLessThanOrEqualTo(exportItems(receiver.resourceMetrics(), "traces", "abandoned"));
    assertThat(exportItems(receiver.resourceMetrics(), "traces", "dropped")).isZero();
    assertThat(duplicateFunctionLogs(receiver.logRecords())).isEmpty();
    long missingLogs = generatedFunctionEvents(run.generated()) - functionLogs(receiver.logRecords()).size();
    assertThat(missingLogs).isLessThanOrEqualTo(exportItems(receiver.resourceMetrics(), "logs", "abandoned"));
  }

  private static boolean hasServerSpan(byte[] body) {
    try {
      return ExportTraceServiceRequest.parseFrom(body).getResourceSpansList().stream()
          .flatMap(rs -> rs.getScopeSpansList().stream()).flatMap(ss -> ss.getSpansList().stream())
          .anyMatch(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
    } catch (IOException e) {
      return false;
    }
  }
}
