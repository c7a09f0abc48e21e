package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiverMetricsTest {

  @Test
  void anEndpointThatDoesNotServe_saysWhyInItsStateAttribute() {
    List<MetricData> metrics = new ReceiverMetrics(
        FunctionReceiver.off(FunctionReceiver.State.DESTINATION_IS_LOCAL), 1L)
        .collect(Resource.empty(), 2L);
    assertThat(metrics).singleElement().satisfies(m -> {
      assertThat(m.getName()).isEqualTo(ReceiverMetrics.STATE);
      assertThat(m.getLongGaugeData().getPoints()).singleElement().satisfies(p -> {
        assertThat(p.getValue()).isEqualTo(1);
        assertThat(p.getAttributes().get(AttributeKey.stringKey("state")))
            .isEqualTo("off-destination-is-local");
      });
    });
  }
}
