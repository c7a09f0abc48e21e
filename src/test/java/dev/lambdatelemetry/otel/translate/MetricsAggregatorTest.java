package dev.lambdatelemetry.otel.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsAggregatorTest {

  private static final Instant T0 = Instant.parse("2024-06-01T10:00:00Z");

  private final MetricsAggregator metrics = new MetricsAggregator(InstrumentationScopeInfo.create("t"));

  @Test
  void invokeDuration_bucketsFollowSemconvAdviceWithBoundsInclusive() {
    metrics.noteEventTime(T0);
    metrics.recordInvokeDuration(5.0, T0); // 0.005 s: exactly the first bound
    metrics.recordInvokeDuration(11.185, T0.plusSeconds(1)); // 0.011185 s: (0.01, 0.025]
    metrics.recordInvokeDuration(20_000.0, T0.plusSeconds(2)); // 20 s: overflow bucket

    HistogramPointData point = histogram("faas.invoke_duration");
    assertThat(point.getBoundaries()).isEqualTo(MetricsAggregator.DURATION_SECONDS_BOUNDS);
    assertThat(point.getCounts()).hasSize(15);
    assertThat(point.getCounts().get(0)).isEqualTo(1);
    assertThat(point.getCounts().get(2)).isEqualTo(1);
    assertThat(point.getCounts().get(14)).isEqualTo(1);
    assertThat(point.getMin()).isEqualTo(0.005);
    assertThat(point.getMax()).isEqualTo(20.0);
    assertThat(point.getEpochNanos()).isEqualTo(SpanTranslator.nanos(T0.plusSeconds(2)));
  }

  @Test
  void memUsage_isMebibytesTimes1048576() {
    metrics.recordMemoryUsed(128, T0);
    assertThat(histogram("faas.mem_usage").getSum()).isEqualTo(134_217_728d);
    assertThat(histogram("faas.mem_usage").getCounts().get(1)).isEqualTo(1); // (64 MiB, 128 MiB]
  }

  @Test
  void collect_onlyReportsInstrumentsWithDataAsCumulative() {
    metrics.countOutcome("success", T0);
    metrics.countOutcome("timeout", T0);

    assertThat(metrics.collect(Resource.empty()))
        .extracting(MetricData::getName)
        .containsExactlyInAnyOrder("faas.invocations", "faas.timeouts");
    assertThat(metrics.collect(Resource.empty()))
        .allSatisfy(m -> assertThat(m.getLongSumData().getAggregationTemporality())
            .isEqualTo(AggregationTemporality.CUMULATIVE));
  }

  @Test
  void randomIdSource_givesValidDistinctIdsBeforeAndAfterReseed() {
    IdSource ids = IdSource.secureRandom();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      if (i == 50) {
        ids.reseed();
      }
      assertThat(ids.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
      assertThat(seen.add(ids.spanId())).isTrue();
    }
    assertThat(seen).allMatch(XRayHeader::isValidSpanId);
  }

  private HistogramPointData histogram(String name) {
    return metrics.collect(Resource.empty()).stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getHistogramData()
        .getPoints()
        .iterator()
        .next();
  }
}
