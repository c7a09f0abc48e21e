package dev.lambdatelemetry.otel.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;

/** OTLP requests built with the generated classes, as a reference to compare with. */
final class Samples {

  static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";
  static final String SPAN_ID = "eee19b7ec3c1b174";
  static final String PARENT_ID = "eee19b7ec3c1b173";

  private Samples() {}

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static ByteString hex(String s) {
    return ByteString.copyFrom(HexFormat.of().parseHex(s));
  }

  static Resource resource(String service) {
    return Resource.newBuilder().addAttributes(attr("service.name", service)).build();
  }

  static Span span(String name, String spanId, String parentId, KeyValue... attributes) {
    Span.Builder b = Span.newBuilder().setTraceId(hex(TRACE_ID)).setSpanId(hex(spanId)).setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(1_700_000_000_000_000_000L)
        .setEndTimeUnixNano(1_700_000_000_100_000_000L)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"));
    if (parentId != null) {
      b.setParentSpanId(hex(parentId));
    }
    for (KeyValue kv : attributes) {
      b.addAttributes(kv);
    }
    return b.build();
  }

  /** Two resources, three scopes, five spans. */
  static ExportTraceServiceRequest traces() {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource("orders"))
            .addScopeSpans(ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("lib-a").setVersion("1.0"))
                .addSpans(span("handler", SPAN_ID, null, attr("faas.invocation_id", "req-1")))
                .addSpans(span("db", "0000000000000002", SPAN_ID)))
            .addScopeSpans(ScopeSpans.newBuilder()
                .addSpans(span("http", "0000000000000003", SPAN_ID, attr("aws.request_id", "req-x")))))
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource("other"))
            .addScopeSpans(ScopeSpans.newBuilder()
                .addSpans(span("a", "0000000000000004", null))
                .addSpans(span("b", "0000000000000005", "0000000000000004"))))
        .build();
  }

  /** One resource, three log records. */
  static ExportLogsServiceRequest logs() {
    LogRecord.Builder r = LogRecord.newBuilder().setTimeUnixNano(1_700_000_000_000_000_000L)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN).setSeverityText("WARN")
        .setBody(AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
            .addValues(AnyValue.newBuilder().setIntValue(-7))
            .addValues(AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("raw")))))
        .setTraceId(hex(TRACE_ID)).setSpanId(hex(SPAN_ID)).setFlags(1);
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource("orders"))
            .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(r).addLogRecords(r).addLogRecords(r)))
        .build();
  }

  /** One resource, metrics of every kind: 2 gauge + 1 sum + 1 histogram + 1 exponential + 1 summary points. */
  static ExportMetricsServiceRequest metrics() {
    NumberDataPoint p = NumberDataPoint.newBuilder().setTimeUnixNano(5).setAsInt(-3)
        .addAttributes(attr("k", "v")).build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource("orders"))
            .addScopeMetrics(ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder()
                    .addDataPoints(p).addDataPoints(p.toBuilder().setAsDouble(1.5))))
                .addMetrics(Metric.newBuilder().setName("s").setUnit("1").setSum(Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(p)))
                .addMetrics(Metric.newBuilder().setName("h").setHistogram(Histogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(HistogramDataPoint.newBuilder().setCount(3).setSum(4.5)
                        .addBucketCounts(1).addBucketCounts(2).addExplicitBounds(2.5).setMin(0.5))))
                .addMetrics(Metric.newBuilder().setName("e").setExponentialHistogram(
                    ExponentialHistogram.newBuilder().addDataPoints(ExponentialHistogramDataPoint
                        .newBuilder().setScale(-2).setCount(4).setZeroCount(1)
                        .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(-3)
                            .addBucketCounts(1).addBucketCounts(2)))))
                .addMetrics(Metric.newBuilder().setName("q").setSummary(Summary.newBuilder()
                    .addDataPoints(SummaryDataPoint.newBuilder().setCount(2).setSum(3)
                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder()
                            .setQuantile(0.5).setValue(1.25)))))))
        .build();
  }
}
