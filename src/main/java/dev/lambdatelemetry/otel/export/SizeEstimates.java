package dev.lambdatelemetry.otel.export;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;

/** Cheap byte estimates of pending items, for the queue's MiB bound (not exact: bounded is the point). */
final class SizeEstimates {

  private static final int SPAN_OVERHEAD = 160;
  private static final int LOG_OVERHEAD = 96;
  private static final int ATTRIBUTE_OVERHEAD = 24;
  private static final int EVENT_OVERHEAD = 48;

  private SizeEstimates() {}

  static int span(SpanData s) {
    long n = SPAN_OVERHEAD + 2L * s.getName().length() + attributes(s.getAttributes());
    n += (long) s.getEvents().size() * EVENT_OVERHEAD + (long) s.getLinks().size() * EVENT_OVERHEAD;
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  static int log(LogRecordData l) {
    long n = LOG_OVERHEAD + attributes(l.getAttributes());
    if (l.getBodyValue() != null) {
      n += 2L * l.getBodyValue().asString().length();
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static long attributes(Attributes attributes) {
    long[] n = {0};
    attributes.forEach(
        (k, v) -> n[0] += ATTRIBUTE_OVERHEAD + 2L * (k.getKey().length() + String.valueOf(v).length()));
    return n[0];
  }
}
