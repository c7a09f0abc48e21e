package dev.lambdatelemetry.otel.simulator.measure;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmark's collector over real HTTP on loopback. */
class BenchmarkCollectorTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void logsExport_functionAndExtensionRecords_countsOnlyTheFunctionsAndAnswers200(boolean gzip) throws Exception {
    byte[] body = request(3, 2).toByteArray();
    try (BenchmarkCollector collector = BenchmarkCollector.start()) {
      HttpResponse<Void> logs = post(collector, "/v1/logs", gzip ? gzip(body) : body, gzip);
      HttpResponse<Void> traces = post(collector, "/v1/traces", new byte[] {1, 2, 3}, false);

      assertThat(logs.statusCode()).isEqualTo(200);
      assertThat(traces.statusCode()).isEqualTo(200);
      assertThat(collector.functionLogRecords()).isEqualTo(3);
      assertThat(collector.requests()).isEqualTo(2);
      assertThat(collector.unreadableRequests()).isZero();
    }
  }

  @Test
  void logsExport_garbage_isCountedUnreadableAndStillAnswered() throws Exception {
    String path = "/v1/logs";
    try (BenchmarkCollector collector = BenchmarkCollector.start()) {
      HttpResponse<Void> response = post(collector, path, new byte[] {(byte) 0xff, 0x01}, false);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(collector.unreadableRequests()).isEqualTo(1);
      assertThat(collector.functionLogRecords()).isZero();
    }
  }

  @Test
  void tracesExport_withAnAnswerDelay_answersNoEarlier_measuresEachSpansWait_andCountsSpansReceivedTwice()
      throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    byte[] body = traces(now - 3_000_000_000L, now - 1_000_000_000L).toByteArray();
    try (BenchmarkCollector collector = BenchmarkCollector.start(Duration.ofMillis(50))) {
      long sent = System.nanoTime();
      HttpResponse<Void> first = post(collector, "/v1/traces", body, false);
      long answeredAfter = System.nanoTime() - sent;
      post(collector, "/v1/traces", body, false);

      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(answeredAfter).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
      assertThat(collector.spans()).isEqualTo(4);
      assertThat(collector.duplicateSpans()).isEqualTo(2);
      assertThat(collector.maxSpanWaitMs()).as("the older span's end, 3 s before").isBetween(3000.0, 60_000.0);
      assertThat(collector.figures().answerDelayMs()).isEqualTo(50.0);
    }
  }

  @Test
  void logsExport_measuresTheLongestWaitOfAFunctionRecord() throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    ExportLogsServiceRequest request = request(1, 0).toBuilder()
        .setResourceLogs(0, request(1, 0).getResourceLogs(0).toBuilder()
            .setScopeLogs(0, request(1, 0).getResourceLogs(0).getScopeLogs(0).toBuilder()
                .setLogRecords(0, request(1, 0).getResourceLogs(0).getScopeLogs(0).getLogRecords(0).toBuilder()
                    .setTimeUnixNano(now - 2_000_000_000L))))
        .build();
    try (BenchmarkCollector collector = BenchmarkCollector.start()) {
      assertThat(collector.maxLogWaitMs()).as("none yet").isEqualTo(-1.0);

      post(collector, "/v1/logs", request.toByteArray(), false);

      assertThat(collector.maxLogWaitMs()).isBetween(2000.0, 60_000.0);
    }
  }

  @Test
  void metricsExport_keepsTheExtensionsLastCountOfAbandonedAndDroppedItems() throws Exception {
    try (BenchmarkCollector collector = BenchmarkCollector.start()) {
      post(collector, "/v1/metrics", exportItems(1).toByteArray(), false);
      post(collector, "/v1/metrics", exportItems(3).toByteArray(), false);

      assertThat(collector.exportCount("logs", "abandoned")).isEqualTo(3);
      assertThat(collector.exportCount("traces", "abandoned")).isZero();
      assertThat(collector.figures().logsAbandoned()).isEqualTo(3);
    }
  }

  private static ExportMetricsServiceRequest exportItems(long logsAbandoned) {
    Metric metric = Metric.newBuilder().setName("lambda_telemetry.export.items").setSum(Sum.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(logsAbandoned)
            .addAttributes(KeyValue.newBuilder().setKey("signal").setValue(AnyValue.newBuilder().setStringValue("logs")))
            .addAttributes(KeyValue.newBuilder().setKey("outcome")
                .setValue(AnyValue.newBuilder().setStringValue("abandoned"))))).build();
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(metric))).build();
  }

  private static ExportTraceServiceRequest traces(long... endNanos) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < endNanos.length; i++) {
      scope.addSpans(Span.newBuilder().setName("s" + i)
          .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) (i + 1)}))
          .setStartTimeUnixNano(endNanos[i] - 1_000_000L).setEndTimeUnixNano(endNanos[i]));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
        .build();
  }

  private HttpResponse<Void> post(BenchmarkCollector collector, String path, byte[] body, boolean gzip)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(collector.endpoint() + path))
        .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (gzip) {
      request.header("Content-Encoding", "gzip");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding());
  }

  private static ExportLogsServiceRequest request(int function, int extension) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < function + extension; i++) {
      scope.addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("line " + i))
          .addAttributes(KeyValue.newBuilder().setKey("aws.lambda.log.source")
              .setValue(AnyValue.newBuilder().setStringValue(i < function ? "function" : "extension"))));
    }
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
        .build();
  }

  private static byte[] gzip(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(body);
    }
    return out.toByteArray();
  }
}
