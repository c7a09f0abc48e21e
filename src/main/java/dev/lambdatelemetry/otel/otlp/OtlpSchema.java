package dev.lambdatelemetry.otel.otlp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The OTLP messages (opentelemetry-proto 1.x) as a table of field numbers, kinds and names: what the
 * JSON transcoder needs to write protobuf, and what the validating walk needs to check a protobuf body
 * without generated classes (production code has no protobuf-java). A test checks this table against
 * the descriptors of the generated classes of opentelemetry-proto.
 *
 * <p>Fields added to OTLP after this table are unknown to it: in protobuf they are kept as they came
 * (the bytes are forwarded unchanged), in JSON they are ignored, as the OTLP/JSON rules require of a
 * receiver.
 */
final class OtlpSchema {

  /** How a field is encoded, on the wire and in OTLP/JSON. */
  enum Kind {
    STRING(WireReader.LEN),
    /** bytes, base64 in JSON. */
    BYTES(WireReader.LEN),
    /** trace and span ids: bytes, hex in OTLP/JSON. */
    ID(WireReader.LEN),
    BOOL(WireReader.VARINT),
    INT32(WireReader.VARINT),
    UINT32(WireReader.VARINT),
    INT64(WireReader.VARINT),
    UINT64(WireReader.VARINT),
    SINT32(WireReader.VARINT),
    ENUM(WireReader.VARINT),
    FIXED32(WireReader.FIXED32),
    FIXED64(WireReader.FIXED64),
    SFIXED64(WireReader.FIXED64),
    DOUBLE(WireReader.FIXED64),
    MESSAGE(WireReader.LEN);

    final int wireType;

    Kind(int wireType) {
      this.wireType = wireType;
    }

    boolean packable() {
      return wireType != WireReader.LEN;
    }
  }

  /** One field of a message; {@code type} for messages, {@code enumValues} for enums. */
  record Field(int number, String name, String jsonName, Kind kind, boolean repeated, Message type,
      Map<String, Integer> enumValues) {}

  /** A message type: its fields by number and by both JSON spellings (lowerCamelCase, snake_case). */
  static final class Message {
    final String name;
    private final Map<Integer, Field> byNumber = new HashMap<>();
    private final Map<String, Field> byJsonName = new HashMap<>();

    Message(String name) {
      this.name = name;
    }

    Field field(int number) {
      return byNumber.get(number);
    }

    Field field(String jsonOrProtoName) {
      return byJsonName.get(jsonOrProtoName);
    }

    Iterable<Field> fields() {
      return byNumber.values();
    }

    private Message add(int number, String name, Kind kind) {
      return add(number, name, kind, false, null, null);
    }

    private Message repeated(int number, String name, Kind kind) {
      return add(number, name, kind, true, null, null);
    }

    private Message message(int number, String name, Message type) {
      return add(number, name, Kind.MESSAGE, false, type, null);
    }

    private Message messages(int number, String name, Message type) {
      return add(number, name, Kind.MESSAGE, true, type, null);
    }

    private Message enumeration(int number, String name, Map<String, Integer> values) {
      return add(number, name, Kind.ENUM, false, null, values);
    }

    private Message add(int number, String name, Kind kind, boolean repeated, Message type,
        Map<String, Integer> values) {
      Field f = new Field(number, name, camel(name), kind, repeated, type, values);
      byNumber.put(number, f);
      byJsonName.put(name, f);
      byJsonName.put(f.jsonName(), f);
      return this;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final Message ANY_VALUE = new Message("AnyValue");
  static final Message ARRAY_VALUE = new Message("ArrayValue");
  static final Message KEY_VALUE_LIST = new Message("KeyValueList");
  static final Message KEY_VALUE = new Message("KeyValue");
  static final Message SCOPE = new Message("InstrumentationScope");
  static final Message ENTITY_REF = new Message("EntityRef");
  static final Message RESOURCE = new Message("Resource");

  static final Message SPAN = new Message("Span");
  static final Message EVENT = new Message("Span.Event");
  static final Message LINK = new Message("Span.Link");
  static final Message STATUS = new Message("Status");
  static final Message SCOPE_SPANS = new Message("ScopeSpans");
  static final Message RESOURCE_SPANS = new Message("ResourceSpans");

  static final Message LOG_RECORD = new Message("LogRecord");
  static final Message SCOPE_LOGS = new Message("ScopeLogs");
  static final Message RESOURCE_LOGS = new Message("ResourceLogs");

  static final Message METRIC = new Message("Metric");
  static final Message GAUGE = new Message("Gauge");
  static final Message SUM = new Message("Sum");
  static final Message HISTOGRAM = new Message("Histogram");
  static final Message EXP_HISTOGRAM = new Message("ExponentialHistogram");
  static final Message SUMMARY = new Message("Summary");
  static final Message NUMBER_POINT = new Message("NumberDataPoint");
  static final Message HISTOGRAM_POINT = new Message("HistogramDataPoint");
  static final Message EXP_HISTOGRAM_POINT = new Message("ExponentialHistogramDataPoint");
  static final Message BUCKETS = new Message("ExponentialHistogramDataPoint.Buckets");
  static final Message SUMMARY_POINT = new Message("SummaryDataPoint");
  static final Message QUANTILE = new Message("SummaryDataPoint.ValueAtQuantile");
  static final Message EXEMPLAR = new Message("Exemplar");
  static final Message SCOPE_METRICS = new Message("ScopeMetrics");
  static final Message RESOURCE_METRICS = new Message("ResourceMetrics");

  static final Message TRACES_REQUEST = new Message("ExportTraceServiceRequest");
  static final Message LOGS_REQUEST = new Message("ExportLogsServiceRequest");
  static final Message METRICS_REQUEST = new Message("ExportMetricsServiceRequest");

  static final Map<String, Integer> SPAN_KIND = enumValues("SPAN_KIND_", List.of(
      "UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"));
  static final Map<String, Integer> STATUS_CODE = enumValues("STATUS_CODE_", List.of(
      "UNSET", "OK", "ERROR"));
  static final Map<String, Integer> TEMPORALITY = enumValues("AGGREGATION_TEMPORALITY_", List.of(
      "UNSPECIFIED", "DELTA", "CUMULATIVE"));
  static final Map<String, Integer> SEVERITY = severities();

  static {
    ANY_VALUE.add(1, "string_value", Kind.STRING).add(2, "bool_value", Kind.BOOL)
        .add(3, "int_value", Kind.INT64).add(4, "double_value", Kind.DOUBLE)
        .message(5, "array_value", ARRAY_VALUE).message(6, "kvlist_value", KEY_VALUE_LIST)
        .add(7, "bytes_value", Kind.BYTES).add(8, "string_value_strindex", Kind.INT32);
    ARRAY_VALUE.messages(1, "values", ANY_VALUE);
    KEY_VALUE_LIST.messages(1, "values", KEY_VALUE);
    KEY_VALUE.add(1, "key", Kind.STRING).message(2, "value", ANY_VALUE).add(3, "key_strindex", Kind.INT32);
    SCOPE.add(1, "name", Kind.STRING).add(2, "version", Kind.STRING)
        .messages(3, "attributes", KEY_VALUE).add(4, "dropped_attributes_count", Kind.UINT32);
    ENTITY_REF.add(1, "schema_url", Kind.STRING).add(2, "type", Kind.STRING)
        .repeated(3, "id_keys", Kind.STRING).repeated(4, "description_keys", Kind.STRING);
    RESOURCE.messages(1, "attributes", KEY_VALUE).add(2, "dropped_attributes_count", Kind.UINT32)
        .messages(3, "entity_refs", ENTITY_REF);

    SPAN.add(1, "trace_id", Kind.ID).add(2, "span_id", Kind.ID).add(3, "trace_state", Kind.STRING)
        .add(4, "parent_span_id", Kind.ID).add(16, "flags", Kind.FIXED32).add(5, "name", Kind.STRING)
        .enumeration(6, "kind", SPAN_KIND).add(7, "start_time_unix_nano", Kind.FIXED64)
        .add(8, "end_time_unix_nano", Kind.FIXED64).messages(9, "attributes", KEY_VALUE)
        .add(10, "dropped_attributes_count", Kind.UINT32).messages(11, "events", EVENT)
        .add(12, "dropped_events_count", Kind.UINT32).messages(13, "links", LINK)
        .add(14, "dropped_links_count", Kind.UINT32).message(15, "status", STATUS);
    EVENT.add(1, "time_unix_nano", Kind.FIXED64).add(2, "name", Kind.STRING)
        .messages(3, "attributes", KEY_VALUE).add(4, "dropped_attributes_count", Kind.UINT32);
    LINK.add(1, "trace_id", Kind.ID).add(2, "span_id", Kind.ID).add(3, "trace_state", Kind.STRING)
        .messages(4, "attributes", KEY_VALUE).add(5, "dropped_attributes_count", Kind.UINT32)
        .add(6, "flags", Kind.FIXED32);
    STATUS.add(2, "message", Kind.STRING).enumeration(3, "code", STATUS_CODE);
    SCOPE_SPANS.message(1, "scope", SCOPE).messages(2, "spans", SPAN).add(3, "schema_url", Kind.STRING);
    RESOURCE_SPANS.message(1, "resource", RESOURCE).messages(2, "scope_spans", SCOPE_SPANS)
        .add(3, "schema_url", Kind.STRING);

    LOG_RECORD.add(1, "time_unix_nano", Kind.FIXED64).add(11, "observed_time_unix_nano", Kind.FIXED64)
        .enumeration(2, "severity_number", SEVERITY).add(3, "severity_text", Kind.STRING)
        .message(5, "body", ANY_VALUE).messages(6, "attributes", KEY_VALUE)
        .add(7, "dropped_attributes_count", Kind.UINT32).add(8, "flags", Kind.FIXED32)
        .add(9, "trace_id", Kind.ID).add(10, "span_id", Kind.ID).add(12, "event_name", Kind.STRING);
    SCOPE_LOGS.message(1, "scope", SCOPE).messages(2, "log_records", LOG_RECORD)
        .add(3, "schema_url", Kind.STRING);
    RESOURCE_LOGS.message(1, "resource", RESOURCE).messages(2, "scope_logs", SCOPE_LOGS)
        .add(3, "schema_url", Kind.STRING);

    METRIC.add(1, "name", Kind.STRING).add(2, "description", Kind.STRING).add(3, "unit", Kind.STRING)
        .message(5, "gauge", GAUGE).message(7, "sum", SUM).message(9, "histogram", HISTOGRAM)
        .message(10, "exponential_histogram", EXP_HISTOGRAM).message(11, "summary", SUMMARY)
        .messages(12, "metadata", KEY_VALUE);
    GAUGE.messages(1, "data_points", NUMBER_POINT);
    SUM.messages(1, "data_points", NUMBER_POINT).enumeration(2, "aggregation_temporality", TEMPORALITY)
        .add(3, "is_monotonic", Kind.BOOL);
    HISTOGRAM.messages(1, "data_points", HISTOGRAM_POINT)
        .enumeration(2, "aggregation_temporality", TEMPORALITY);
    EXP_HISTOGRAM.messages(1, "data_points", EXP_HISTOGRAM_POINT)
        .enumeration(2, "aggregation_temporality", TEMPORALITY);
    SUMMARY.messages(1, "data_points", SUMMARY_POINT);
    NUMBER_POINT.messages(7, "attributes", KEY_VALUE).add(2, "start_time_unix_nano", Kind.FIXED64)
        .add(3, "time_unix_nano", Kind.FIXED64).add(4, "as_double", Kind.DOUBLE)
        .add(6, "as_int", Kind.SFIXED64).messages(5, "exemplars", EXEMPLAR).add(8, "flags", Kind.UINT32);
    HISTOGRAM_POINT.messages(9, "attributes", KEY_VALUE).add(2, "start_time_unix_nano", Kind.FIXED64)
        .add(3, "time_unix_nano", Kind.FIXED64).add(4, "count", Kind.FIXED64)
        .add(5, "sum", Kind.DOUBLE).repeated(6, "bucket_counts", Kind.FIXED64)
        .repeated(7, "explicit_bounds", Kind.DOUBLE).messages(8, "exemplars", EXEMPLAR)
        .add(10, "flags", Kind.UINT32).add(11, "min", Kind.DOUBLE).add(12, "max", Kind.DOUBLE);
    EXP_HISTOGRAM_POINT.messages(1, "attributes", KEY_VALUE).add(2, "start_time_unix_nano", Kind.FIXED64)
        .add(3, "time_unix_nano", Kind.FIXED64).add(4, "count", Kind.FIXED64)
        .add(5, "sum", Kind.DOUBLE).add(6, "scale", Kind.SINT32).add(7, "zero_count", Kind.FIXED64)
        .message(8, "positive", BUCKETS).message(9, "negative", BUCKETS).add(10, "flags", Kind.UINT32)
        .messages(11, "exemplars", EXEMPLAR).add(12, "min", Kind.DOUBLE).add(13, "max", Kind.DOUBLE)
        .add(14, "zero_threshold", Kind.DOUBLE);
    BUCKETS.add(1, "offset", Kind.SINT32).repeated(2, "bucket_counts", Kind.UINT64);
    SUMMARY_POINT.messages(7, "attributes", KEY_VALUE).add(2, "start_time_unix_nano", Kind.FIXED64)
        .add(3, "time_unix_nano", Kind.FIXED64).add(4, "count", Kind.FIXED64)
        .add(5, "sum", Kind.DOUBLE).messages(6, "quantile_values", QUANTILE).add(8, "flags", Kind.UINT32);
    QUANTILE.add(1, "quantile", Kind.DOUBLE).add(2, "value", Kind.DOUBLE);
    EXEMPLAR.messages(7, "filtered_attributes", KEY_VALUE).add(2, "time_unix_nano", Kind.FIXED64)
        .add(3, "as_double", Kind.DOUBLE).add(6, "as_int", Kind.SFIXED64).add(4, "span_id", Kind.ID)
        .add(5, "trace_id", Kind.ID);
    SCOPE_METRICS.message(1, "scope", SCOPE).messages(2, "metrics", METRIC)
        .add(3, "schema_url", Kind.STRING);
    RESOURCE_METRICS.message(1, "resource", RESOURCE).messages(2, "scope_metrics", SCOPE_METRICS)
        .add(3, "schema_url", Kind.STRING);

    TRACES_REQUEST.messages(1, "resource_spans", RESOURCE_SPANS);
    LOGS_REQUEST.messages(1, "resource_logs", RESOURCE_LOGS);
    METRICS_REQUEST.messages(1, "resource_metrics", RESOURCE_METRICS);
  }

  private OtlpSchema() {}

  /** The {@code Export*ServiceRequest} of a signal. */
  static Message request(Signal signal) {
    return switch (signal) {
      case TRACES -> TRACES_REQUEST;
      case LOGS -> LOGS_REQUEST;
      case METRICS -> METRICS_REQUEST;
    };
  }

  /** The element type of a request's field 1 ({@code ResourceSpans}, ...). */
  static Message resourceElement(Signal signal) {
    return request(signal).field(1).type();
  }

  static String camel(String snake) {
    StringBuilder sb = new StringBuilder(snake.length());
    boolean upper = false;
    for (int i = 0; i < snake.length(); i++) {
      char c = snake.charAt(i);
      if (c == '_') {
        upper = true;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }

  private static Map<String, Integer> enumValues(String prefix, List<String> names) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(prefix + names.get(i), i);
    }
    return Map.copyOf(m);
  }

  private static Map<String, Integer> severities() {
    Map<String, Integer> m = new HashMap<>();
    m.put("SEVERITY_NUMBER_UNSPECIFIED", 0);
    String[] levels = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
    for (int l = 0; l < levels.length; l++) {
      for (int i = 1; i <= 4; i++) {
        m.put("SEVERITY_NUMBER_" + levels[l] + (i == 1 ? "" : Integer.toString(i)), l * 4 + i);
      }
    }
    return Map.copyOf(m);
  }
}
