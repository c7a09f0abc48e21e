package dev.lambdatelemetry.otel.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: measures, on this machine, the time {@link OtlpEndpoint#start} takes in a fresh JVM, and
 * the answer time (client round trip) of a 100-span request over OTLP/HTTP protobuf and OTLP/gRPC.
 * Run after {@code ./mvnw -o -q test-compile}:
 * {@code ./mvnw -o -q exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.lambdatelemetry.otel.otlp.OtlpEndpointBenchmark} (or plain {@code java -cp}).
 * With the argument {@code intake} ({@code -Dexec.args=intake}), the requests go through
 * {@link FunctionIntake} (de-duplication, enrichment, entry-span index) as in the extension; every
 * request then carries new span ids, so none is a duplicate.
 */
public final class OtlpEndpointBenchmark {

  private static final int WARM_UP = 2_000;
  private static final int MEASURED = 5_000;

  private OtlpEndpointBenchmark() {}

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    Vertx vertx = Vertx.vertx();
    long t1 = System.nanoTime();
    ReceivedQueue queue = new ReceivedQueue(Long.MAX_VALUE);
    boolean intake = args.length > 0 && args[0].equals("intake");
    OtlpSink sink = intake ? new FunctionIntake(queue, FunctionIntake.Options.defaults(),
        OtlpEndpointBenchmark::environment, new FunctionSpanIndex(), new ReceiverCounters()) : queue;
    System.out.println(intake ? "sink: FunctionIntake, then the queue" : "sink: the queue");
    OtlpEndpoint endpoint = OtlpEndpoint.start(OtlpSettings.defaults().withPorts(0, 0), sink, vertx,
        Clock.systemUTC());
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "cold start(): %.1f ms (Vertx.vertx() before it: %.1f ms, not counted: "
        + "the extension reuses Quarkus' Vert.x)%n", (t2 - t1) / 1e6, (t1 - t0) / 1e6);
    long t3 = System.nanoTime();
    OtlpEndpoint.start(OtlpSettings.defaults().withPorts(0, 0), queue, vertx, Clock.systemUTC()).close();
    System.out.printf(Locale.ROOT, "second start() in the same JVM (classes loaded): %.1f ms%n",
        (System.nanoTime() - t3) / 1e6);

    System.out.printf(Locale.ROOT, "512-span batch (12 attributes a span): %d bytes%n",
        request(512).getSerializedSize());
    byte[] body = request(100).toByteArray();
    System.out.printf(Locale.ROOT, "100-span request: %d bytes%n", body.length);
    int[] spanIds = spanIdOffsets(body);

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.httpPort().orElseThrow()
        + "/v1/traces")).header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    long[] http = new long[MEASURED];
    long requests = 0;
    for (int i = 0; i < WARM_UP + MEASURED; i++) {
      newSpanIds(body, spanIds, ++requests);
      long s = System.nanoTime();
      HttpResponse<byte[]> res = client.send(post, HttpResponse.BodyHandlers.ofByteArray());
      long e = System.nanoTime();
      if (res.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + res.statusCode());
      }
      if (i >= WARM_UP) {
        http[i - WARM_UP] = e - s;
      }
      queue.drain(Signal.TRACES);
    }
    report("OTLP/HTTP protobuf", http);

    var config = new OtlpEndpointTest.GrpcConfig(URI.create("http://127.0.0.1:" + endpoint.grpcPort().orElseThrow()),
        Signal.TRACES.grpcPath().substring(1));
    dev.lambdatelemetry.otel.simulator.function.JavaSdkSenders.GrpcJavaSender sender = new dev.lambdatelemetry.otel.simulator.function.JavaSdkSenders.GrpcJavaSender(config);
    var writer = new io.opentelemetry.sdk.common.export.MessageWriter() {
      @Override
      public void writeMessage(java.io.OutputStream out) throws java.io.IOException {
        out.write(body);
      }

      @Override
      public int getContentLength() {
        return body.length;
      }
    };
    long[] grpc = new long[MEASURED];
    GrpcStatusCode[] status = new GrpcStatusCode[1];
    for (int i = 0; i < WARM_UP + MEASURED; i++) {
      newSpanIds(body, spanIds, ++requests);
      long s = System.nanoTime();
      sender.send(writer, r -> status[0] = r.getStatusCode(), e -> status[0] = GrpcStatusCode.UNKNOWN);
      long e = System.nanoTime();
      if (status[0] != GrpcStatusCode.OK) {
        throw new IllegalStateException("gRPC " + status[0]);
      }
      if (i >= WARM_UP) {
        grpc[i - WARM_UP] = e - s;
      }
      queue.drain(Signal.TRACES);
    }
    report("OTLP/gRPC", grpc);
    if (intake) {
      long[] offers = new long[MEASURED * 4];
      FunctionIntake alone = new FunctionIntake(batch -> true, FunctionIntake.Options.defaults(),
          OtlpEndpointBenchmark::environment, new FunctionSpanIndex(), new ReceiverCounters());
      for (int i = 0; i < WARM_UP * 4 + offers.length; i++) {
        newSpanIds(body, spanIds, ++requests);
        ExportRequestDecoder.Decoded d = ExportRequestDecoder.decode(Signal.TRACES, body, 0, body.length);
        ReceivedBatch batch = new ReceivedBatch(Signal.TRACES, d.resources(), d.items(), d.bytes(),
            java.time.Instant.EPOCH);
        long s = System.nanoTime();
        alone.offer(batch);
        long e = System.nanoTime();
        if (i >= WARM_UP * 4) {
          offers[i - WARM_UP * 4] = e - s;
        }
      }
      report("FunctionIntake.offer alone (in-process, no socket)", offers);
    }
    sender.shutdown();
    endpoint.close();
    vertx.close();
    System.exit(0);
  }

  private static void report(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "%s, 100 spans, %d requests: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", what,
        sorted.length, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  /** What the extension knows of a function's environment, as the intake's enrichment adds it. */
  private static Attributes environment() {
    return ENVIRONMENT;
  }

  private static final Attributes ENVIRONMENT = Attributes.builder().put("cloud.provider", "aws")
      .put("cloud.platform", "aws_lambda").put("cloud.region", "eu-west-1")
      .put("cloud.account.id", "123456789012").put("faas.name", "orders-fn").put("faas.version", "$LATEST")
      .put("faas.instance", "2026/12/03/[$LATEST]8f5a3b0c6d7e4f00a1b2c3d4e5f60718")
      .put("faas.max_memory", 268_435_456L).build();

  /** Offsets of the span ids in a request of one element. */
  private static int[] spanIdOffsets(byte[] request) throws MalformedMessageException {
    WireReader r = new WireReader(request);
    r.next();
    r.readLengthDelimited();
    int elementStart = r.fieldStart();
    byte[] element = Arrays.copyOfRange(request, elementStart, r.fieldEnd());
    List<Integer> offsets = new ArrayList<>();
    SpanLocator.forEachSpan(element, s -> offsets.add(elementStart + s.spanIdStart()));
    return offsets.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Gives every span of the request a span id no earlier request had. */
  private static void newSpanIds(byte[] request, int[] offsets, long requestNumber) {
    for (int i = 0; i < offsets.length; i++) {
      long id = requestNumber << 16 | i;
      for (int b = 0; b < 8; b++) {
        request[offsets[i] + b] = (byte) (id >>> (56 - 8 * b));
      }
    }
  }

  static ExportTraceServiceRequest request(int spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < spans; i++) {
      Span s = Samples.span("GET /orders/{id}", String.format("%016x", i + 1L), Samples.SPAN_ID,
          Samples.attr("http.request.method", "GET"), Samples.attr("url.path", "/orders/123"),
          Samples.attr("http.route", "/orders/{id}"), Samples.attr("server.address", "api.example.com"),
          Samples.attr("http.response.status_code", "200"), Samples.attr("network.protocol.version", "1.1"),
          Samples.attr("user_agent.original", "Mozilla/5.0"), Samples.attr("faas.invocation_id",
              "4554e524-706a-42d0-9d99-131ee9a8a050"), Samples.attr("db.system", "dynamodb"),
          Samples.attr("aws.region", "eu-west-1"), Samples.attr("thread.name", "main"),
          Samples.attr("code.function", "handleRequest"));
      scope.addSpans(s);
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Samples.resource("orders")).addScopeSpans(scope)).build();
  }
}
