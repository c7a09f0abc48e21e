package dev.lambdatelemetry.otel.simulator.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lambdatelemetry.otel.simulator.platform.Json;
import dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The report's figures, under the key names deploy/benchmark.sh reads. */
class SimulationResultTest {

  private static final List<String> DOCUMENTED_KEYS = List.of("registerMs", "subscribeMs", "readyMs",
      "rssKbAfterStart", "rssKbAfter10k", "rssKbAfter20k", "cpuMsPerInvocation", "addedMsP50", "addedMsP99",
      "shutdownToExitMs", "ingestMBps", "ingestEventsPerSec", "droppedEvents");

  @Test
  void toJson_twentyThousandInvocationsWithSamples_hasEveryDocumentedKey() {
    Map<String, Long> rss = new LinkedHashMap<>();
    rss.put(SimulationResult.RSS_READY, 80_000L);
    rss.put(SimulationResult.rssAfter(10_000), 84_000L);
    rss.put(SimulationResult.rssAfter(20_000), 84_100L);
    SimulationResult result = result(invocations(20_000, 1.0), rss,
        new SimulationResult.WarmPhase(1000, 2000, 3800, 4_000_000, 8000, 0, 0, 100));

    JsonNode json = Json.parse(result.toJson()).orElseThrow();

    assertThat(DOCUMENTED_KEYS).allSatisfy(key -> assertThat(json.path(key).isNumber()).as(key).isTrue());
    assertThat(json.path("rssKbAfter10k").asLong()).isEqualTo(84_000L);
    assertThat(json.path("rssKbAfter20k").asLong()).isEqualTo(84_100L);
    assertThat(json.path("registerMs").asDouble()).isEqualTo(12.5);
  }

  @Test
  void figures_warmUpInvocations_areLeftOutOfAddedTimeAndCpu() {
    List<SimulationResult.InvocationMeasurement> list = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      list.add(measurement(i == 0 ? 900.0 : i)); // the cold one is far slower
    }
    SimulationResult result = result(list, Map.of(),
        new SimulationResult.WarmPhase(1, 90, 45, 9_000_000, 900, 0, 0, 0));

    assertThat(result.addedMsPercentile(50)).isEqualTo(5.0);
    assertThat(result.addedMsPercentile(99)).isEqualTo(9.0);
    assertThat(result.cpuMsPerInvocation()).isEqualTo(5.0);
    assertThat(result.ingestMBps()).isCloseTo(100.0, within(1e-9));
    assertThat(result.ingestEventsPerSec()).isCloseTo(10_000.0, within(1e-6));
  }

  @Test
  void figures_theFirstTwentyInvocationsApartFromTheOnesAfter_withTheCollectorsFigures() {
    List<SimulationResult.InvocationMeasurement> list = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      list.add(measurement(i < 20 ? 30.0 : (i % 10 == 0 ? 20.0 : 0.5))); // end flushes, then one in ten pays
    }
    SimulationResult result = result(list, Map.of(), new SimulationResult.WarmPhase(12, 90, 45, 0, 0, 0, 0, 0));

    JsonNode json = Json.parse(result.toJson(OptionalLong.empty(),
        new SimulationResult.CollectorFigures(20, 600, 0, 10_400, 10_350, 1, 0))).orElseThrow();

    assertThat(json.path("addedMsFirst20P50").asDouble()).isEqualTo(30.0);
    assertThat(json.path("addedMsAfter20P50").asDouble()).isEqualTo(0.5);
    assertThat(json.path("addedMsAfter20P99").asDouble()).isEqualTo(20.0);
    assertThat(json.path("collectorDelayMs").asDouble()).isEqualTo(20.0);
    assertThat(json.path("duplicateSpans").asLong()).isZero();
    assertThat(json.path("maxSpanWaitMs").asDouble()).isEqualTo(10_400.0);
    assertThat(json.path("maxLogWaitMs").asDouble()).isEqualTo(10_350.0);
    assertThat(json.path("logsAbandonedCounted").asLong()).isEqualTo(1);
  }

  @Test
  void toJson_shortRun_leavesOutTheFiguresItCouldNotMeasure() {
    SimulationResult result = result(List.of(), Map.of(SimulationResult.RSS_READY, 0L),
        SimulationResult.WarmPhase.NONE);

    JsonNode json = Json.parse(result.toJson()).orElseThrow();

    assertThat(List.of("rssKbAfterStart", "rssKbAfter10k", "rssKbAfter20k", "cpuMsPerInvocation", "addedMsP50",
        "ingestMBps")).allSatisfy(key -> assertThat(json.has(key)).as(key).isFalse());
    assertThat(json.path("droppedEvents").asLong()).isZero();
  }

  @Test
  void toJson_collectorMissedFunctionLines_countsThemWithThePlatformsDrops() {
    SimulationResult result = result(invocations(10, 1.0), Map.of(),
        new SimulationResult.WarmPhase(1, 10, 10, 100, 10, 2, 3, 1000));

    JsonNode withCollector = Json.parse(result.toJson(OptionalLong.of(990))).orElseThrow();
    JsonNode complete = Json.parse(result.toJson(OptionalLong.of(1000))).orElseThrow();
    JsonNode withoutCollector = Json.parse(result.toJson()).orElseThrow();

    assertThat(withCollector.path("droppedEvents").asLong()).isEqualTo(13);
    assertThat(withCollector.path("warmPhase").path("functionLogsExported").asLong()).isEqualTo(990);
    assertThat(complete.path("droppedEvents").asLong()).isEqualTo(3);
    assertThat(withoutCollector.path("droppedEvents").asLong()).isEqualTo(3);
    assertThat(withoutCollector.path("warmPhase").has("functionLogsExported")).isFalse();
  }

  @Test
  void warmUpFor_isATenthCappedAtOneThousand() {
    assertThat(SimulationResult.warmUpFor(6)).isZero();
    assertThat(SimulationResult.warmUpFor(50)).isEqualTo(5);
    assertThat(SimulationResult.warmUpFor(20_000)).isEqualTo(1000);
  }

  private static SimulationResult result(List<SimulationResult.InvocationMeasurement> invocations,
      Map<String, Long> rss, SimulationResult.WarmPhase warm) {
    return new SimulationResult(12.5, 30, 40, 150, 300, 0, invocations, rss, "spindown", List.of(), List.of(),
        warm);
  }

  private static List<SimulationResult.InvocationMeasurement> invocations(int n, double addedMs) {
    List<SimulationResult.InvocationMeasurement> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(measurement(addedMs));
    }
    return list;
  }

  private static SimulationResult.InvocationMeasurement measurement(double addedMs) {
    return new SimulationResult.InvocationMeasurement("r", InvocationSpec.Outcome.SUCCESS, addedMs, addedMs + 1,
        -1);
  }
}
