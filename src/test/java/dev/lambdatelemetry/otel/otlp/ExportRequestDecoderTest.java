package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExportRequestDecoderTest {

  @Test
  void splitsARequestIntoItsResourceElementsAndCountsSpans() throws Exception {
    ExportTraceServiceRequest request = Samples.traces();
    byte[] body = request.toByteArray();
    ExportRequestDecoder.Decoded d = ExportRequestDecoder.decode(Signal.TRACES, body, 0, body.length);
    assertThat(d.items()).isEqualTo(5);
    assertThat(d.resources()).hasSize(2);
    assertThat(d.resources().get(0)).isEqualTo(request.getResourceSpans(0).toByteArray());
    assertThat(d.resources().get(1)).isEqualTo(request.getResourceSpans(1).toByteArray());
    assertThat(d.bytes()).isEqualTo(d.resources().get(0).length + d.resources().get(1).length);
  }

  @Test
  void countsLogRecordsAndDataPointsOfEveryMetricKind() throws Exception {
    byte[] logs = Samples.logs().toByteArray();
    assertThat(ExportRequestDecoder.decode(Signal.LOGS, logs, 0, logs.length).items()).isEqualTo(3);
    byte[] metrics = Samples.metrics().toByteArray();
    assertThat(ExportRequestDecoder.decode(Signal.METRICS, metrics, 0, metrics.length).items())
        .as("2 gauge, 1 sum, 1 histogram, 1 exponential histogram, 1 summary point").isEqualTo(6);
  }

  @Test
  void keepsUnknownFieldsInsideAnElementAsTheyCame() throws Exception {
    ResourceSpans rs = Samples.traces().getResourceSpans(0).toBuilder()
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(7).build()).build())
        .build();
    byte[] body = ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build().toByteArray();
    var d = ExportRequestDecoder.decode(Signal.TRACES, body, 0, body.length);
    assertThat(d.resources().get(0)).isEqualTo(rs.toByteArray());
  }

  @Test
  void anEmptyRequestHasNothing() throws Exception {
    var d = ExportRequestDecoder.decode(Signal.TRACES, new byte[0], 0, 0);
    assertThat(d.resources()).isEmpty();
    assertThat(d.items()).isZero();
  }

  @Test
  void refusesAKnownFieldWithTheWrongWireType() {
    // ScopeSpans whose spans (field 2) is a varint.
    byte[] scope = {0x10, 0x01};
    byte[] rs = ResourceSpans.newBuilder().build().toByteArray();
    byte[] element = concat(rs, new byte[] {0x12, (byte) scope.length}, scope);
    byte[] body = concat(new byte[] {0x0a, (byte) element.length}, element);
    assertThatThrownBy(() -> ExportRequestDecoder.decode(Signal.TRACES, body, 0, body.length))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("ScopeSpans.spans");
  }

  @Test
  void refusesAStringThatIsNotUtf8() {
    ResourceSpans rs = ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().setSchemaUrl("x")).build();
    byte[] body = ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build().toByteArray();
    body[body.length - 1] = (byte) 0xC0;
    assertThatThrownBy(() -> ExportRequestDecoder.decode(Signal.TRACES, body, 0, body.length))
        .hasMessageContaining("UTF-8");
  }

  @Test
  void refusesGarbage() {
    Random random = new Random(42);
    int refused = 0;
    for (int i = 0; i < 200; i++) {
      byte[] garbage = new byte[64 + random.nextInt(512)];
      random.nextBytes(garbage);
      try {
        ExportRequestDecoder.decode(Signal.TRACES, garbage, 0, garbage.length);
      } catch (MalformedMessageException e) {
        refused++;
      }
    }
    assertThat(refused).as("random bytes are almost never a valid request").isGreaterThan(195);
  }

  @Test
  void refusesNestingPastTheDepthLimit() {
    ByteString any = ByteString.copyFrom(new byte[] {0x08, 0x01});
    for (int i = 0; i < ExportRequestDecoder.MAX_DEPTH + 5; i++) {
      // AnyValue{array_value: ArrayValue{values: [any]}}
      ByteString array = ByteString.copyFrom(concat(new byte[] {0x0a}, varint(any.size()), any.toByteArray()));
      any = ByteString.copyFrom(concat(new byte[] {0x2a}, varint(array.size()), array.toByteArray()));
    }
    // LogRecord{body: any} in ScopeLogs in ResourceLogs in the request.
    byte[] record = concat(new byte[] {0x2a}, varint(any.size()), any.toByteArray());
    byte[] scope = concat(new byte[] {0x12}, varint(record.length), record);
    byte[] resource = concat(new byte[] {0x12}, varint(scope.length), scope);
    byte[] body = concat(new byte[] {0x0a}, varint(resource.length), resource);
    assertThatThrownBy(() -> ExportRequestDecoder.decode(Signal.LOGS, body, 0, body.length))
        .hasMessageContaining("deeper");
  }

  static byte[] varint(int v) {
    byte[] out = new byte[5];
    int n = 0;
    while ((v & ~0x7F) != 0) {
      out[n++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[n++] = (byte) v;
    return java.util.Arrays.copyOf(out, n);
  }

  static byte[] concat(byte[]... parts) {
    int len = 0;
    for (byte[] p : parts) {
      len += p.length;
    }
    byte[] out = new byte[len];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }
}
