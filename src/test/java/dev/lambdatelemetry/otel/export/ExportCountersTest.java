package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.export.ExportCounters.Source;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our own export counter: per source, signal and outcome. */
class ExportCountersTest {

  private final ExportCounters counters = new ExportCounters(0);

  @Test
  void everyPointCarriesItsSourceBesideSignalAndOutcome() {
    counters.add(Signal.TRACES, Outcome.EXPORTED, 3);
    counters.add(Source.FUNCTION, Signal.TRACES, Outcome.EXPORTED, 100);
    counters.add(Source.FUNCTION, Signal.METRICS, Outcome.DROPPED, 7);

    List<Attributes> points = counters.toMetricData(Resource.empty(), 1).getLongSumData().getPoints()
        .stream().map(LongPointData::getAttributes).toList();

    assertThat(points).containsExactlyInAnyOrder(
        attributes("platform", "traces", "exported"),
        attributes("function", "traces", "exported"),
        attributes("function", "metrics", "dropped"));
    assertThat(counters.get(Signal.TRACES, Outcome.EXPORTED)).as("the platform's").isEqualTo(3);
    assertThat(counters.get(Source.FUNCTION, Signal.TRACES, Outcome.EXPORTED)).isEqualTo(100);
  }

  @Test
  void line_namesTheFunctionsSignalsOnlyOnceTheyHaveACount() {
    counters.add(Signal.LOGS, Outcome.EXPORTED, 2);
    assertThat(counters.line()).startsWith("traces exported=0").doesNotContain("function");

    counters.add(Source.FUNCTION, Signal.LOGS, Outcome.ABANDONED, 4);

    assertThat(counters.line()).contains("; function logs exported=0 retried=0 failed=0 dropped=0 abandoned=4")
        .doesNotContain("function traces").doesNotContain("function metrics");
  }

  private static Attributes attributes(String source, String signal, String outcome) {
    return Attributes.of(ExportCounters.SOURCE, source, ExportCounters.SIGNAL, signal,
        ExportCounters.OUTCOME, outcome);
  }
}
