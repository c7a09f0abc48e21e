package dev.lambdatelemetry.otel.export;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lambdatelemetry.otel.otlp.ReceivedBatch;
import dev.lambdatelemetry.otel.otlp.Signal;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The function's telemetry as the local OTLP endpoint hands it over: {@link ReceivedBatch}es of real
 * protobuf bytes, encoded by the generated classes, under the function's own service ({@code orders}).
 */
final class FunctionBatches {

  private static final AtomicLong SEQ = new AtomicLong(1);

  private FunctionBatches() {}

  static Resource resource(String service) {
    return Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
        .setValue(AnyValue.newBuilder().setStringValue(service))).build();
  }

  /** {@code n} spans of the function's own service, each with a new id. */
  static ResourceSpans functionSpans(int n) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < n; i++) {
      long id = SEQ.getAndIncrement();
      scope.addSpans(Span.newBuilder()
          .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).array()))
          .setName("handler-" + id).setKind(Span.SpanKind.SPAN_KIND_SERVER)
          .setStartTimeUnixNano(1_700_000_000_000_000_000L).setEndTimeUnixNano(1_700_000_000_100_000_000L)
          .addAttributes(KeyValue.newBuilder().setKey("faas.invocation_id")
              .setValue(AnyValue.newBuilder().setStringValue("req-" + id))));
    }
    return ResourceSpans.newBuilder().setResource(resource("orders")).addScopeSpans(scope).build();
  }

  static ResourceLogs functionLogs(String... bodies) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (String body : bodies) {
      scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1_700_000_000_000_000_000L)
          .setBody(AnyValue.newBuilder().setStringValue(body)));
    }
    return ResourceLogs.newBuilder().setResource(resource("orders")).addScopeLogs(scope).build();
  }

  /** A monotonic delta sum with one point per value. */
  static ResourceMetrics functionDeltaSum(long... values) {
    Sum.Builder sum = Sum.newBuilder().setIsMonotonic(true)
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    for (long v : values) {
      sum.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(SEQ.getAndIncrement()).setAsInt(v));
    }
    return ResourceMetrics.newBuilder().setResource(resource("orders"))
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("orders.placed")
            .setUnit("{order}").setSum(sum)))
        .build();
  }

  static ReceivedBatch batch(ResourceSpans rs) {
    int items = rs.getScopeSpansList().stream().mapToInt(ScopeSpans::getSpansCount).sum();
    return batch(Signal.TRACES, rs.toByteArray(), items);
  }

  static ReceivedBatch batch(ResourceLogs rl) {
    int items = rl.getScopeLogsList().stream().mapToInt(ScopeLogs::getLogRecordsCount).sum();
    return batch(Signal.LOGS, rl.toByteArray(), items);
  }

  static ReceivedBatch batch(ResourceMetrics rm) {
    int items = rm.getScopeMetricsList().stream().flatMap(sm -> sm.getMetricsList().stream())
        .mapToInt(m -> m.getSum().getDataPointsCount()).sum();
    return batch(Signal.METRICS, rm.toByteArray(), items);
  }

  private static ReceivedBatch batch(Signal signal, byte[] bytes, int items) {
    return new ReceivedBatch(signal, List.of(bytes), items, bytes.length, Instant.now());
  }

  static ResourceSpans parse(byte[] bytes) {
    try {
      return ResourceSpans.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
