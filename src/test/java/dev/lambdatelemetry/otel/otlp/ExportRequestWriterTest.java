package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportRequestWriterTest {

  @Test
  void writesTheRequestTheElementsCameFrom() throws Exception {
    ExportTraceServiceRequest traces = Samples.traces();
    assertThat(ExportTraceServiceRequest.parseFrom(roundTrip(Signal.TRACES, traces.toByteArray())))
        .isEqualTo(traces);
    ExportLogsServiceRequest logs = Samples.logs();
    assertThat(ExportLogsServiceRequest.parseFrom(roundTrip(Signal.LOGS, logs.toByteArray())))
        .isEqualTo(logs);
    ExportMetricsServiceRequest metrics = Samples.metrics();
    assertThat(ExportMetricsServiceRequest.parseFrom(roundTrip(Signal.METRICS, metrics.toByteArray())))
        .isEqualTo(metrics);
  }

  @Test
  void joinsTheElementsOfSeveralBatchesInOrderIntoOneRequest() throws Exception {
    byte[] body = Samples.traces().toByteArray();
    var d = ExportRequestDecoder.decode(Signal.TRACES, body, 0, body.length);
    ReceivedBatch first = new ReceivedBatch(Signal.TRACES, d.resources().subList(0, 1), 3, 0, Instant.EPOCH);
    ReceivedBatch second = new ReceivedBatch(Signal.TRACES, d.resources().subList(1, 2), 2, 0, Instant.EPOCH);
    ExportRequestWriter writer = ExportRequestWriter.of(List.of(second, first));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.writeMessage(out);
    assertThat(out.size()).isEqualTo(writer.getContentLength());
    ExportTraceServiceRequest joined = ExportTraceServiceRequest.parseFrom(out.toByteArray());
    assertThat(joined.getResourceSpansList())
        .containsExactly(Samples.traces().getResourceSpans(1), Samples.traces().getResourceSpans(0));
  }

  @Test
  void anElementOfMoreThan127BytesGetsAMultiByteLength() throws Exception {
    byte[] big = new byte[200_000];
    ExportRequestWriter writer = new ExportRequestWriter(List.of(big));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.writeMessage(out);
    assertThat(writer.getContentLength()).isEqualTo(out.size()).isEqualTo(1 + 3 + 200_000);
  }

  private static byte[] roundTrip(Signal signal, byte[] body) throws Exception {
    var d = ExportRequestDecoder.decode(signal, body, 0, body.length);
    ExportRequestWriter writer = new ExportRequestWriter(d.resources());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.writeMessage(out);
    assertThat(out.size()).isEqualTo(writer.getContentLength());
    return out.toByteArray();
  }
}
