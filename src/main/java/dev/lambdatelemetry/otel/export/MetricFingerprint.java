package dev.lambdatelemetry.otel.export;

import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The values of cumulative metrics without their timestamps: equal fingerprints mean "nothing changed
 * since the last export", so an idle environment sends no metrics request.
 */
final class MetricFingerprint {

  private MetricFingerprint() {}

  static List<Object> of(Collection<MetricData> metrics) {
    List<Object> out = new ArrayList<>();
    for (MetricData m : metrics) {
      out.add(m.getName());
      out.add(m.getType());
      for (PointData p : m.getData().getPoints()) {
        out.add(p.getAttributes());
        out.add(value(p));
      }
    }
    return out;
  }

  private static Object value(PointData p) {
    if (p instanceof LongPointData l) {
      return l.getValue();
    }
    if (p instanceof DoublePointData d) {
      return d.getValue();
    }
    if (p instanceof HistogramPointData h) {
      return List.of(h.getCount(), h.getSum(), h.getCounts());
    }
    if (p instanceof ExponentialHistogramPointData e) {
      return List.of(e.getCount(), e.getSum());
    }
    if (p instanceof SummaryPointData s) {
      return List.of(s.getCount(), s.getSum());
    }
    return p.getEpochNanos();
  }
}
