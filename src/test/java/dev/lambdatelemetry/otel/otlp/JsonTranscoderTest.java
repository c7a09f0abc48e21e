package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTranscoderTest {

  private static final String TRACES_JSON = """
      {"resourceSpans":[{
        "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"orders"}}]},
        "scopeSpans":[{
          "scope":{"name":"lib-a","version":"1.0"},
          "spans":[
            {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"",
             "name":"handler","kind":"SPAN_KIND_SERVER",
             "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000100000000,
             "attributes":[{"key":"faas.invocation_id","value":{"stringValue":"req-1"}},
                           {"key":"n","value":{"intValue":"-42"}},
                           {"key":"d","value":{"doubleValue":"NaN"}},
                           {"key":"b","value":{"boolValue":true}},
                           {"key":"raw","value":{"bytesValue":"cmF3"}},
                           {"key":"list","value":{"arrayValue":{"values":[{"intValue":1},{"stringValue":"x"}]}}}],
             "status":{"code":2,"message":"boom"},
             "events":[{"timeUnixNano":"5","name":"e","attributes":[]}],
             "links":[{"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b173","flags":256}],
             "flags":769,
             "someFutureField":{"nested":[1,2,{"x":null}]}},
            {"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"0000000000000002",
             "parent_span_id":"eee19b7ec3c1b174","name":"db","kind":3,"status":null,
             "start_time_unix_nano":1,"end_time_unix_nano":"2"}
          ]}]
      }]}
      """;

  @Test
  void convertsOtlpJsonToTheSameMessageInProtobuf() throws Exception {
    ExportTraceServiceRequest r = ExportTraceServiceRequest.parseFrom(transcode(Signal.TRACES, TRACES_JSON));
    var scope = r.getResourceSpans(0).getScopeSpans(0);
    assertThat(r.getResourceSpans(0).getResource().getAttributes(0).getValue().getStringValue())
        .isEqualTo("orders");
    assertThat(scope.getScope().getVersion()).isEqualTo("1.0");
    Span handler = scope.getSpans(0);
    assertThat(handler.getTraceId()).isEqualTo(Samples.hex(Samples.TRACE_ID));
    assertThat(handler.getSpanId()).isEqualTo(Samples.hex(Samples.SPAN_ID));
    assertThat(handler.getParentSpanId().isEmpty()).isTrue();
    assertThat(handler.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(handler.getStartTimeUnixNano()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(handler.getEndTimeUnixNano()).isEqualTo(1_700_000_000_100_000_000L);
    assertThat(handler.getAttributes(1).getValue().getIntValue()).isEqualTo(-42);
    assertThat(handler.getAttributes(2).getValue().getDoubleValue()).isNaN();
    assertThat(handler.getAttributes(3).getValue().getBoolValue()).isTrue();
    assertThat(handler.getAttributes(4).getValue().getBytesValue().toStringUtf8()).isEqualTo("raw");
    assertThat(handler.getAttributes(5).getValue().getArrayValue().getValues(1).getStringValue()).isEqualTo("x");
    assertThat(handler.getStatus().getCodeValue()).isEqualTo(2);
    assertThat(handler.getEvents(0).getTimeUnixNano()).isEqualTo(5);
    assertThat(handler.getLinks(0).getSpanId()).isEqualTo(Samples.hex(Samples.PARENT_ID));
    assertThat(handler.getLinks(0).getFlags()).isEqualTo(256);
    assertThat(handler.getFlags()).isEqualTo(769);
    assertThat(handler.getUnknownFields().asMap()).as("unknown JSON fields are ignored").isEmpty();
    Span db = scope.getSpans(1);
    assertThat(db.getKind()).as("enum as a number").isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(db.getParentSpanId()).isEqualTo(Samples.hex(Samples.SPAN_ID));
    assertThat(db.getEndTimeUnixNano()).isEqualTo(2);
    assertThat(db.hasStatus()).as("null is absent").isFalse();
  }

  @Test
  void convertsLogs() throws Exception {
    String json = """
        {"resource_logs":[{"scope_logs":[{"log_records":[
          {"timeUnixNano":"1700000000000000000","observedTimeUnixNano":"1700000000000000001",
           "severityNumber":"SEVERITY_NUMBER_WARN","severityText":"WARN","body":{"stringValue":"hello"},
           "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","flags":1,
           "eventName":"x"},
          {"severity_number":17,"body":{"kvlistValue":{"values":[{"key":"a","value":{"intValue":"1"}}]}}}
        ]}]}]}
        """;
    ExportLogsServiceRequest r = ExportLogsServiceRequest.parseFrom(transcode(Signal.LOGS, json));
    var records = r.getResourceLogs(0).getScopeLogs(0).getLogRecordsList();
    assertThat(records.get(0).getSeverityNumberValue()).isEqualTo(13);
    assertThat(records.get(0).getObservedTimeUnixNano()).isEqualTo(1_700_000_000_000_000_001L);
    assertThat(records.get(0).getBody().getStringValue()).isEqualTo("hello");
    assertThat(records.get(0).getSpanId()).isEqualTo(Samples.hex(Samples.SPAN_ID));
    assertThat(records.get(0).getEventName()).isEqualTo("x");
    assertThat(records.get(1).getSeverityNumberValue()).isEqualTo(17);
    assertThat(records.get(1).getBody().getKvlistValue().getValues(0).getValue().getIntValue()).isEqualTo(1);
  }

  @Test
  void convertsEveryMetricKindWithPackedRepeatedNumbers() throws Exception {
    String json = """
        {"resourceMetrics":[{"scopeMetrics":[{"metrics":[
          {"name":"g","gauge":{"dataPoints":[{"asInt":"-3","timeUnixNano":"5"},{"asDouble":1.5}]}},
          {"name":"s","sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_DELTA","isMonotonic":true,
             "dataPoints":[{"asInt":7,"attributes":[{"key":"k","value":{"stringValue":"v"}}]}]}},
          {"name":"h","histogram":{"aggregationTemporality":2,"dataPoints":[{"count":"3","sum":4.5,
             "bucketCounts":["1",2],"explicitBounds":[2.5],"min":0.5}]}},
          {"name":"e","exponentialHistogram":{"dataPoints":[{"scale":-2,"count":4,"zeroCount":"1",
             "positive":{"offset":-3,"bucketCounts":["1","2"]}}]}},
          {"name":"q","summary":{"dataPoints":[{"count":"2","sum":3,
             "quantileValues":[{"quantile":0.5,"value":1.25}]}]}}
        ]}]}]}
        """;
    ExportMetricsServiceRequest r = ExportMetricsServiceRequest.parseFrom(transcode(Signal.METRICS, json));
    var m = r.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
    assertThat(m.get(0).getGauge().getDataPoints(0).getAsInt()).isEqualTo(-3);
    assertThat(m.get(0).getGauge().getDataPoints(1).getAsDouble()).isEqualTo(1.5);
    assertThat(m.get(1).getSum().getAggregationTemporalityValue()).isEqualTo(1);
    assertThat(m.get(1).getSum().getIsMonotonic()).isTrue();
    assertThat(m.get(2).getHistogram().getDataPoints(0).getBucketCountsList()).containsExactly(1L, 2L);
    assertThat(m.get(2).getHistogram().getDataPoints(0).getExplicitBoundsList()).containsExactly(2.5);
    assertThat(m.get(2).getHistogram().getDataPoints(0).hasMin()).isTrue();
    Metric e = m.get(3);
    assertThat(e.getExponentialHistogram().getDataPoints(0).getScale()).isEqualTo(-2);
    assertThat(e.getExponentialHistogram().getDataPoints(0).getPositive().getOffset()).isEqualTo(-3);
    assertThat(e.getExponentialHistogram().getDataPoints(0).getPositive().getBucketCountsList())
        .containsExactly(1L, 2L);
    assertThat(m.get(4).getSummary().getDataPoints(0).getQuantileValues(0).getValue()).isEqualTo(1.25);
    byte[] proto = transcode(Signal.METRICS, json);
    assertThat(ExportRequestDecoder.decode(Signal.METRICS, proto, 0, proto.length).items()).isEqualTo(6);
  }

  @Test
  void refusesWhatIsNotOtlpJson() {
    assertThatThrownBy(() -> transcode(Signal.TRACES, "[1]")).isInstanceOf(MalformedMessageException.class);
    assertThatThrownBy(() -> transcode(Signal.TRACES, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":"
        + "[{\"traceId\":\"xyz\"}]}]}]}")).hasMessageContaining("hex");
    assertThatThrownBy(() -> transcode(Signal.TRACES, "{\"resourceSpans\":{}}"))
        .hasMessageContaining("not an array");
    assertThatThrownBy(() -> transcode(Signal.TRACES, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":"
        + "[{\"kind\":\"SPAN_KIND_NOPE\"}]}]}]}")).hasMessageContaining("SPAN_KIND_NOPE");
    assertThatThrownBy(() -> transcode(Signal.TRACES, "{\"resourceSpans\":[")).isInstanceOf(
        MalformedMessageException.class);
    assertThatThrownBy(() -> transcode(Signal.TRACES, "{} {}")).hasMessageContaining("after");
  }

  @Test
  void stopsAtTheOutputLimit() {
    assertThatThrownBy(() -> JsonTranscoder.toProtobuf(Signal.TRACES, TRACES_JSON.getBytes(StandardCharsets.UTF_8),
        0, TRACES_JSON.length(), 100)).isInstanceOf(WireWriter.TooLargeException.class);
  }

  private static byte[] transcode(Signal signal, String json) throws Exception {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return JsonTranscoder.toProtobuf(signal, b, 0, b.length, 1 << 20);
  }
}
