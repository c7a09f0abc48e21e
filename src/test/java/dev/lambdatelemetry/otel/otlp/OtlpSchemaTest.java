package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.lambdatelemetry.otel.otlp.OtlpSchema.Field;
import dev.lambdatelemetry.otel.otlp.OtlpSchema.Kind;
import dev.lambdatelemetry.otel.otlp.OtlpSchema.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hand-written schema against the descriptors of opentelemetry-proto's generated classes. */
class OtlpSchemaTest {

  @Test
  void everyFieldMatchesTheGeneratedDescriptorsBothWays() {
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    compare(OtlpSchema.TRACES_REQUEST, ExportTraceServiceRequest.getDescriptor(), problems, seen);
    compare(OtlpSchema.LOGS_REQUEST, ExportLogsServiceRequest.getDescriptor(), problems, seen);
    compare(OtlpSchema.METRICS_REQUEST, ExportMetricsServiceRequest.getDescriptor(), problems, seen);
    assertThat(problems).isEmpty();
    assertThat(seen).as("every message type was compared").hasSizeGreaterThan(30);
  }

  @Test
  void enumNamesMatchTheGeneratedEnums() {
    var spanKind = io.opentelemetry.proto.trace.v1.Span.SpanKind.values();
    for (var k : spanKind) {
      if (!k.name().equals("UNRECOGNIZED")) {
        assertThat(OtlpSchema.SPAN_KIND).containsEntry(k.name(), k.getNumber());
      }
    }
    for (var s : io.opentelemetry.proto.logs.v1.SeverityNumber.values()) {
      if (!s.name().equals("UNRECOGNIZED")) {
        assertThat(OtlpSchema.SEVERITY).containsEntry(s.name(), s.getNumber());
      }
    }
    for (var c : io.opentelemetry.proto.trace.v1.Status.StatusCode.values()) {
      if (!c.name().equals("UNRECOGNIZED")) {
        assertThat(OtlpSchema.STATUS_CODE).containsEntry(c.name(), c.getNumber());
      }
    }
    for (var t : io.opentelemetry.proto.metrics.v1.AggregationTemporality.values()) {
      if (!t.name().equals("UNRECOGNIZED")) {
        assertThat(OtlpSchema.TEMPORALITY).containsEntry(t.name(), t.getNumber());
      }
    }
  }

  @Test
  void findsAFieldByItsCamelAndSnakeNames() {
    assertThat(OtlpSchema.SPAN.field("parentSpanId").number()).isEqualTo(4);
    assertThat(OtlpSchema.SPAN.field("parent_span_id").number()).isEqualTo(4);
    assertThat(OtlpSchema.camel("start_time_unix_nano")).isEqualTo("startTimeUnixNano");
  }

  private static void compare(Message mine, Descriptor proto, List<String> problems, Set<String> seen) {
    if (!seen.add(proto.getFullName())) {
      return;
    }
    int mineCount = 0;
    for (Field ignored : mine.fields()) {
      mineCount++;
    }
    for (FieldDescriptor pf : proto.getFields()) {
      Field f = mine.field(pf.getNumber());
      String where = proto.getFullName() + "." + pf.getName();
      if (f == null) {
        problems.add(where + " missing");
        continue;
      }
      mineCount--;
      if (!f.name().equals(pf.getName())) {
        problems.add(where + " named " + f.name());
      }
      if (f.repeated() != pf.isRepeated()) {
        problems.add(where + " repeated " + f.repeated());
      }
      if (!compatible(f.kind(), pf)) {
        problems.add(where + " kind " + f.kind() + " vs " + pf.getType());
      }
      if (pf.getType() == FieldDescriptor.Type.MESSAGE) {
        if (f.type() == null) {
          problems.add(where + " has no message type");
        } else {
          compare(f.type(), pf.getMessageType(), problems, seen);
        }
      }
    }
    if (mineCount != 0) {
      problems.add(proto.getFullName() + ": " + mineCount + " fields not in the descriptor");
    }
  }

  private static boolean compatible(Kind kind, FieldDescriptor pf) {
    return switch (pf.getType()) {
      case STRING -> kind == Kind.STRING;
      case BYTES -> kind == Kind.BYTES || kind == Kind.ID;
      case BOOL -> kind == Kind.BOOL;
      case INT32 -> kind == Kind.INT32;
      case UINT32 -> kind == Kind.UINT32;
      case INT64 -> kind == Kind.INT64;
      case UINT64 -> kind == Kind.UINT64;
      case SINT32 -> kind == Kind.SINT32;
      case ENUM -> kind == Kind.ENUM;
      case FIXED32 -> kind == Kind.FIXED32;
      case FIXED64 -> kind == Kind.FIXED64;
      case SFIXED64 -> kind == Kind.SFIXED64;
      case DOUBLE -> kind == Kind.DOUBLE;
      case MESSAGE -> kind == Kind.MESSAGE;
      default -> false;
    };
  }
}
