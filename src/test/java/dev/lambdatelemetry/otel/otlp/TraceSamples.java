package dev.lambdatelemetry.otel.otlp;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Traces for the intake and join tests: spans with chosen ids, start times and parent flags. */
final class TraceSamples {

  static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  static final long T0 = 1_700_000_000_000_000_000L;
  /** Span flags: the parent is local (the SDK says so). */
  static final int LOCAL_PARENT = SpanLocator.HAS_IS_REMOTE;
  /** Span flags: the parent is remote. */
  static final int REMOTE_PARENT = SpanLocator.HAS_IS_REMOTE | SpanLocator.IS_REMOTE;
  /** Span flags: an SDK that does not say. */
  static final int UNKNOWN = 0;

  private TraceSamples() {}

  static Span span(String traceId, String spanId, String parentId, long startOffsetNanos, int flags,
      KeyValue... attributes) {
    Span.Builder b = Samples.span("op-" + spanId, spanId, parentId, attributes).toBuilder()
        .setTraceId(Samples.hex(traceId)).setStartTimeUnixNano(T0 + startOffsetNanos)
        .setEndTimeUnixNano(T0 + startOffsetNanos + 1_000_000)
        .addEvents(Span.Event.newBuilder().setName("event").setTimeUnixNano(T0 + startOffsetNanos + 5)
            .addAttributes(Samples.attr("e", "v")));
    if (flags != 0) {
      b.setFlags(flags | 1);
    }
    return b.build();
  }

  static ResourceSpans element(String service, Span... spans) {
    return ResourceSpans.newBuilder().setResource(Samples.resource(service))
        .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))).build();
  }

  static ReceivedBatch batch(ResourceSpans... elements) {
    List<byte[]> bytes = new ArrayList<>();
    int items = 0;
    long total = 0;
    for (ResourceSpans rs : elements) {
      byte[] b = rs.toByteArray();
      bytes.add(b);
      total += b.length;
      for (ScopeSpans s : rs.getScopeSpansList()) {
        items += s.getSpansCount();
      }
    }
    return new ReceivedBatch(Signal.TRACES, bytes, items, total, NOW);
  }

  static List<ResourceSpans> decode(ReceivedBatch batch) throws Exception {
    List<ResourceSpans> out = new ArrayList<>();
    for (byte[] b : batch.resources()) {
      out.add(ResourceSpans.parseFrom(b));
    }
    return out;
  }

  /** A sink that keeps what it is given, or refuses everything. */
  static final class Captured implements OtlpSink {
    final List<ReceivedBatch> batches = new ArrayList<>();
    boolean refuse;

    @Override
    public synchronized boolean offer(ReceivedBatch batch) {
      if (refuse) {
        return false;
      }
      batches.add(batch);
      return true;
    }
  }
}
