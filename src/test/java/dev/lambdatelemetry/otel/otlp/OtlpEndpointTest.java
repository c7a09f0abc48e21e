package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.otlp.ReceiverCounters.Outcome;
import dev.lambdatelemetry.otel.testing.PollingWait;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoint on real loopback sockets, fed by the OTel Java SDK's own exporters and by raw requests. */
class OtlpEndpointTest {

  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final Resource FUNCTION = Resource.create(
      Attributes.of(AttributeKey.stringKey("service.name"), "orders-fn"));
  private static Vertx vertx;
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private OtlpEndpoint start(OtlpSettings settings, OtlpSink sink) {
    OtlpEndpoint e = OtlpEndpoint.start(settings, sink, vertx, Clock.fixed(NOW, ZoneOffset.UTC));
    toClose.add(e);
    return e;
  }

  private OtlpEndpoint start(ReceivedQueue queue) {
    return start(OtlpSettings.defaults().withPorts(0, 0), queue);
  }

  @Test
  void receivesSpansFromTheSdkOverHttpProtobufAndGrpcWithAndWithoutGzip() throws Exception {
    ReceivedQueue queue = new ReceivedQueue(1 << 20);
    OtlpEndpoint endpoint = start(queue);
    int http = endpoint.httpPort().orElseThrow();
    int grpc = endpoint.grpcPort().orElseThrow();
    assertThat(endpoint.serving()).isEqualTo("http+grpc");
    exportSpans(FunctionSdk.httpSpans(http, false), "http");
    exportSpans(FunctionSdk.httpSpans(http, true), "http-gzip");
    exportSpans(FunctionSdk.grpcSpans(grpc, false), "grpc");
    exportSpans(FunctionSdk.grpcSpans(grpc, true), "grpc-gzip");

    List<ReceivedBatch> batches = queue.drain(Signal.TRACES);
    assertThat(batches).hasSize(4).allSatisfy(b -> {
      assertThat(b.items()).isEqualTo(3);
      assertThat(b.receivedAt()).isEqualTo(NOW);
    });
    List<String> names = new ArrayList<>();
    for (ReceivedBatch b : batches) {
      for (byte[] element : b.resources()) {
        ResourceSpans rs = ResourceSpans.parseFrom(element);
        assertThat(rs.getResource().getAttributesList()).anySatisfy(kv -> {
          assertThat(kv.getKey()).isEqualTo("service.name");
          assertThat(kv.getValue().getStringValue()).isEqualTo("orders-fn");
        });
        rs.getScopeSpansList().forEach(s -> s.getSpansList().forEach(sp -> names.add(sp.getName())));
      }
    }
    assertThat(names).containsExactlyInAnyOrder("http-0", "http-1", "http-2", "http-gzip-0", "http-gzip-1",
        "http-gzip-2", "grpc-0", "grpc-1", "grpc-2", "grpc-gzip-0", "grpc-gzip-1", "grpc-gzip-2");
    assertThat(endpoint.counters().get(Signal.TRACES, Outcome.ACCEPTED))
        .isEqualTo(new ReceiverCounters.Count(4, 12));
  }

  @Test
  void receivesLogsAndMetricsFromTheSdkOverBothProtocols() throws Exception {
    ReceivedQueue queue = new ReceivedQueue(1 << 20);
    OtlpEndpoint endpoint = start(queue);
    exportLogs(FunctionSdk.httpLogs(endpoint.httpPort().orElseThrow()));
    exportLogs(FunctionSdk.grpcLogs(endpoint.grpcPort().orElseThrow()));
    List<ReceivedBatch> metrics = new ArrayList<>();
    metrics.addAll(exportMetrics(FunctionSdk.httpMetrics(endpoint.httpPort().orElseThrow()), queue));
    metrics.addAll(exportMetrics(FunctionSdk.grpcMetrics(endpoint.grpcPort().orElseThrow()), queue));

    List<ReceivedBatch> logs = queue.drain(Signal.LOGS);
    assertThat(logs).hasSize(2).allSatisfy(b -> assertThat(b.items()).isEqualTo(2));
    assertThat(ResourceLogs.parseFrom(logs.get(0).resources().get(0)).getScopeLogs(0).getLogRecords(0)
        .getBody().getStringValue()).isEqualTo("log-0");
    assertThat(metrics).hasSize(2).allSatisfy(b -> assertThat(b.items()).as("a counter and a histogram point")
        .isEqualTo(2));
    assertThat(ResourceMetrics.parseFrom(metrics.get(1).resources().get(0)).getScopeMetrics(0).getMetricsList())
        .extracting(m -> m.getName()).containsExactlyInAnyOrder("orders", "latency");
  }

  @Test
  void receivesOtlpJsonAndAnswersInJson() throws Exception {
    ReceivedQueue queue = new ReceivedQueue(1 << 20);
    OtlpEndpoint endpoint = start(queue);
    String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + Samples.TRACE_ID
        + "\",\"spanId\":\"" + Samples.SPAN_ID + "\",\"name\":\"from-json\",\"kind\":2,"
        + "\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":2}]}]}]}";
    HttpResponse<byte[]> res = post(endpoint.httpPort().orElseThrow(), "/v1/traces",
        "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8), null);
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new String(res.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    Span span = ResourceSpans.parseFrom(queue.drain(Signal.TRACES).get(0).resources().get(0))
        .getScopeSpans(0).getSpans(0);
    assertThat(span.getName()).isEqualTo("from-json");
    assertThat(span.getTraceId()).isEqualTo(Samples.hex(Samples.TRACE_ID));
  }

  @Test
  void answersBadRequestsWithTheStatusTheSpecNames() throws Exception {
    ReceivedQueue queue = new ReceivedQueue(1 << 20);
    OtlpEndpoint endpoint = start(queue);
    int port = endpoint.httpPort().orElseThrow();
    byte[] garbage = new byte[512];
    new Random(7).nextBytes(garbage);
    garbage[0] = 0x0b;
    assertThat(post(port, "/v1/traces", "application/x-protobuf", garbage, null).statusCode()).isEqualTo(400);
    assertThat(post(port, "/v1/logs", "application/json", "{\"resourceLogs\":".getBytes(), null).statusCode())
        .isEqualTo(400);
    assertThat(post(port, "/v1/traces", "text/plain", new byte[] {1}, null).statusCode()).isEqualTo(415);
    assertThat(post(port, "/v1/traces", "application/x-protobuf", new byte[] {1}, "br").statusCode())
        .isEqualTo(415);
    assertThat(post(port, "/v1/spans", "application/x-protobuf", new byte[0], null).statusCode()).isEqualTo(404);
    HttpResponse<byte[]> get = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/v1/traces")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    assertThat(endpoint.counters().get(Signal.TRACES, Outcome.REJECTED_MALFORMED).requests()).isEqualTo(1);
    assertThat(endpoint.counters().get(Signal.LOGS, Outcome.REJECTED_MALFORMED).requests()).isEqualTo(1);

    GrpcResponse grpc = grpcCall(endpoint.grpcPort().orElseThrow(), Signal.TRACES.grpcPath(), garbage);
    assertThat(grpc.getStatusCode()).isEqualTo(GrpcStatusCode.INVALID_ARGUMENT);
    GrpcResponse unknown = grpcCall(endpoint.grpcPort().orElseThrow(),
        "/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export", new byte[0]);
    assertThat(unknown.getStatusCode()).isEqualTo(GrpcStatusCode.UNIMPLEMENTED);
    assertThat(endpoint.counters().get(Signal.TRACES, Outcome.REJECTED_MALFORMED).requests()).isEqualTo(2);
    assertThat(queue.bytes()).isZero();
  }

  @Test
  void answersTooLargeForABodyOverTheLimitAnnouncedOrChunkedAndForAGzipBomb() throws Exception {
    ReceivedQueue queue = new ReceivedQueue(1 << 20);
    OtlpEndpoint endpoint = start(OtlpSettings.defaults().withPorts(0, 0).withLimits(64 * 1024, 128 * 1024,
        1 << 20), queue);
    int port = endpoint.httpPort().orElseThrow();
    byte[] big = new byte[1 << 20];
    assertThat(post(port, "/v1/traces", "application/x-protobuf", big, null).statusCode()).isEqualTo(413);
    HttpResponse<byte[]> chunked = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/v1/traces")).header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(post(port, "/v1/traces", "application/x-protobuf", gzipBomb(16), "gzip").statusCode())
        .isEqualTo(413);
    GrpcResponse grpc = grpcCall(endpoint.grpcPort().orElseThrow(), Signal.TRACES.grpcPath(), big);
    assertThat(grpc.getStatusCode()).isEqualTo(GrpcStatusCode.INVALID_ARGUMENT);
    assertThat(grpc.getStatusDescription()).contains("larger than");
    assertThat(endpoint.counters().get(Signal.TRACES, Outcome.REJECTED_TOO_LARGE).requests()).isEqualTo(4);
    // The same connection pool still works: the bodies were read to their end, not left on the wire.
    assertThat(post(port, "/v1/traces", "application/x-protobuf", Samples.traces().toByteArray(), null)
        .statusCode()).isEqualTo(200);
  }

  @Test
  void aFullQueueAcceptsAndDropsWithAPartialSuccessInEveryEncoding() throws Exception {
    ReceivedQueue queue = new ReceivedQueue(10);
    OtlpEndpoint endpoint = start(queue);
    byte[] request = Samples.traces().toByteArray();
    HttpResponse<byte[]> proto = post(endpoint.httpPort().orElseThrow(), "/v1/traces",
        "application/x-protobuf", request, null);
    assertThat(proto.statusCode()).isEqualTo(200);
    var partial = ExportTraceServiceResponse.parseFrom(proto.body()).getPartialSuccess();
    assertThat(partial.getRejectedSpans()).isEqualTo(5);
    assertThat(partial.getErrorMessage()).contains("queue is full");
    String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"a\"},{\"name\":\"b\"}]}]}]}";
    HttpResponse<byte[]> viaJson = post(endpoint.httpPort().orElseThrow(), "/v1/traces", "application/json",
        json.getBytes(StandardCharsets.UTF_8), null);
    assertThat(new String(viaJson.body(), StandardCharsets.UTF_8))
        .contains("\"partialSuccess\":{\"rejectedSpans\":\"2\"");
    GrpcResponse grpc = grpcCall(endpoint.grpcPort().orElseThrow(), Signal.TRACES.grpcPath(), request);
    assertThat(grpc.getStatusCode()).isEqualTo(GrpcStatusCode.OK);
    assertThat(ExportTraceServiceResponse.parseFrom(grpc.getResponseMessage()).getPartialSuccess()
        .getRejectedSpans()).isEqualTo(5);
    assertThat(endpoint.counters().get(Signal.TRACES, Outcome.REJECTED_FULL))
        .isEqualTo(new ReceiverCounters.Count(3, 12));
  }

  @Test
  void aSlowClientDoesNotHoldOtherRequests() throws Exception {
    ReceivedQueue queue = new ReceivedQueue(1 << 20);
    OtlpEndpoint endpoint = start(queue);
    int port = endpoint.httpPort().orElseThrow();
    byte[] body = Samples.traces().toByteArray();
    try (Socket slow = new Socket("127.0.0.1", port)) {
      OutputStream out = slow.getOutputStream();
      out.write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < body.length / 2; i++) {
        out.write(body[i]);
        out.flush();
      }
      // Half a body is on the wire and its request open: others are answered meanwhile.
      exportSpans(FunctionSdk.httpSpans(port, false), "fast");
      exportSpans(FunctionSdk.grpcSpans(endpoint.grpcPort().orElseThrow(), false), "fast-grpc");
      assertThat(queue.drain(Signal.TRACES)).hasSize(2);
      for (int i = body.length / 2; i < body.length; i++) {
        out.write(body[i]);
        out.flush();
      }
      String status = readStatusLine(slow.getInputStream());
      assertThat(status).isEqualTo("HTTP/1.1 200 OK");
      assertThat(queue.drain(Signal.TRACES)).singleElement().satisfies(b -> assertThat(b.items()).isEqualTo(5));
    }
  }

  @Test
  void aBurstOfAThousandRequestsIsAllAnsweredWithinTheQueueBound() throws Exception {
    byte[] request = Samples.traces().toByteArray();
    long bound = 50L * request.length;
    ReceivedQueue queue = new ReceivedQueue(bound);
    OtlpEndpoint endpoint = start(queue);
    URI uri = URI.create("http://127.0.0.1:" + endpoint.httpPort().orElseThrow() + "/v1/traces");
    List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      answers.add(CLIENT.sendAsync(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray()));
    }
    int partial = 0;
    for (CompletableFuture<HttpResponse<byte[]>> a : answers) {
      HttpResponse<byte[]> res = a.get(60, TimeUnit.SECONDS);
      assertThat(res.statusCode()).isEqualTo(200);
      if (ExportTraceServiceResponse.parseFrom(res.body()).hasPartialSuccess()) {
        partial++;
      }
    }
    assertThat(queue.bytes()).isLessThanOrEqualTo(bound);
    ReceiverCounters.Count accepted = endpoint.counters().get(Signal.TRACES, Outcome.ACCEPTED);
    ReceiverCounters.Count dropped = endpoint.counters().get(Signal.TRACES, Outcome.REJECTED_FULL);
    assertThat(accepted.requests()).isEqualTo(50);
    assertThat(dropped.requests()).isEqualTo(950).isEqualTo(partial);
    assertThat(dropped.items()).isEqualTo(950 * 5);
  }

  @Test
  void aPortInUseIsOneWarningNamingItAndThePropertyAndTheOtherPortServes() throws Exception {
    List<String> warnings = new CopyOnWriteArrayList<>();
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.lambdatelemetry.otel.otlp");
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
          warnings.add(java.text.MessageFormat.format("{0}", r.getMessage()) + " "
              + java.util.Arrays.toString(r.getParameters()));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    jul.addHandler(capture);
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      ReceivedQueue queue = new ReceivedQueue(1 << 20);
      OtlpEndpoint endpoint = start(OtlpSettings.defaults().withPorts(taken.getLocalPort(), 0), queue);
      assertThat(endpoint.httpPort()).isEmpty();
      assertThat(endpoint.serving()).isEqualTo("grpc");
      assertThat(warnings).singleElement().asString()
          .contains(Integer.toString(taken.getLocalPort()))
          .contains(OtlpSettings.HTTP_PORT_PROPERTY);
      exportSpans(FunctionSdk.grpcSpans(endpoint.grpcPort().orElseThrow(), false), "still");
      assertThat(queue.drain(Signal.TRACES)).hasSize(1);
    } finally {
      jul.removeHandler(capture);
    }
  }

  @Test
  void aDisabledEndpointBindsNothing() {
    OtlpEndpoint endpoint = start(new OtlpSettings(false, OtlpSettings.LOOPBACK, 0, 0,
        OtlpSettings.DEFAULT_MAX_BODY_BYTES, OtlpSettings.DEFAULT_MAX_IN_FLIGHT_BYTES, 1), b -> true);
    assertThat(endpoint.serving()).isEqualTo("none");
  }

  // --- helpers -------------------------------------------------------------------------------

  private static void exportSpans(SpanExporter exporter, String prefix) {
    SdkTracerProvider provider = SdkTracerProvider.builder().setResource(FUNCTION)
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
    Tracer tracer = provider.get("test");
    for (int i = 0; i < 3; i++) {
      tracer.spanBuilder(prefix + "-" + i).startSpan().end();
    }
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as(prefix).isTrue();
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  private static void exportLogs(LogRecordExporter exporter) {
    SdkLoggerProvider provider = SdkLoggerProvider.builder().setResource(FUNCTION)
        .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter).build()).build();
    Logger logger = provider.get("test");
    logger.logRecordBuilder().setBody("log-0").emit();
    logger.logRecordBuilder().setBody("log-1").emit();
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  /** What one forceFlush of a meter provider delivered (its shutdown exports once more, not counted). */
  private static List<ReceivedBatch> exportMetrics(MetricExporter exporter, ReceivedQueue queue) {
    SdkMeterProvider provider = SdkMeterProvider.builder().setResource(FUNCTION)
        .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
        .build();
    var meter = provider.get("test");
    meter.counterBuilder("orders").build().add(3);
    meter.histogramBuilder("latency").build().record(12.5);
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    List<ReceivedBatch> flushed = queue.drain(Signal.METRICS);
    provider.shutdown().join(10, TimeUnit.SECONDS);
    queue.drain(Signal.METRICS);
    return flushed;
  }

  static HttpResponse<byte[]> post(int port, String path, String contentType, byte[] body, String encoding)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A raw unary call with grpc-java: the request bytes as they are (garbage included). */
  static GrpcResponse grpcCall(int port, String fullMethod, byte[] message) {
    var config = new GrpcConfig(URI.create("http://127.0.0.1:" + port), fullMethod.substring(1));
    dev.lambdatelemetry.otel.simulator.function.JavaSdkSenders.GrpcJavaSender sender = new dev.lambdatelemetry.otel.simulator.function.JavaSdkSenders.GrpcJavaSender(config);
    AtomicReference<GrpcResponse> answer = new AtomicReference<>();
    try {
      sender.send(new MessageWriter() {
        @Override
        public void writeMessage(OutputStream out) throws java.io.IOException {
          out.write(message);
        }

        @Override
        public int getContentLength() {
          return message.length;
        }
      }, answer::set, e -> { });
    } finally {
      sender.shutdown();
    }
    return answer.get();
  }

  static byte[] gzipBomb(int mebibytes) throws Exception {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < mebibytes; i++) {
        gz.write(zeros);
      }
    }
    return compressed.toByteArray();
  }

  static String readStatusLine(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  /** The least of a GrpcSenderConfig a raw call needs. */
  record GrpcConfig(URI endpoint, String method) implements io.opentelemetry.sdk.common.export.GrpcSenderConfig {
    @Override
    public URI getEndpoint() {
      return endpoint;
    }

    @Override
    public String getFullMethodName() {
      return method;
    }

    @Override
    public io.opentelemetry.sdk.common.export.Compressor getCompressor() {
      return null;
    }

    @Override
    public Duration getTimeout() {
      return Duration.ofSeconds(10);
    }

    @Override
    public Duration getConnectTimeout() {
      return Duration.ofSeconds(10);
    }

    @Override
    public java.util.function.Supplier<java.util.Map<String, List<String>>> getHeadersSupplier() {
      return java.util.Map::of;
    }

    @Override
    public io.opentelemetry.sdk.common.export.RetryPolicy getRetryPolicy() {
      return null;
    }

    @Override
    public javax.net.ssl.SSLContext getSslContext() {
      return null;
    }

    @Override
    public javax.net.ssl.X509TrustManager getTrustManager() {
      return null;
    }

    @Override
    public java.util.concurrent.ExecutorService getExecutorService() {
      return null;
    }
  }
}
