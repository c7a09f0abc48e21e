package dev.lambdatelemetry.otel.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: what the function pays for its own telemetry, measured from the function's side. The
 * OpenTelemetry Java SDK (batch processor, OTLP/HTTP protobuf exporter) ends 100 spans and calls
 * {@code forceFlush}, as an instrumented handler does before it returns; the time of that flush is
 * what the invocation is billed. Against this extension's local endpoint (with the intake the
 * extension puts behind it), and against a collector that answers after a round trip of 20 ms (what
 * a function pays today when it exports straight to a collector in another zone or a SaaS backend).
 * Run after {@code ./mvnw -o -q test-compile}:
 * {@code ./mvnw -o -q exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.lambdatelemetry.otel.otlp.FunctionFlushBenchmark [-Dexec.args="FLUSHES DELAY_MS"]}.
 */
public final class FunctionFlushBenchmark {

  private static final int SPANS = 100;
  private static final int WARM_UP = 100;

  private FunctionFlushBenchmark() {}

  public static void main(String[] args) throws Exception {
    int flushes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int delayMs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Vertx vertx = Vertx.vertx();
    ReceiverCounters counters = new ReceiverCounters();
    ReceivedQueue queue = new ReceivedQueue(Long.MAX_VALUE);
    FunctionIntake intake = new FunctionIntake(queue, FunctionIntake.Options.defaults(),
        () -> Attributes.of(AttributeKey.stringKey("cloud.provider"), "aws",
            AttributeKey.stringKey("faas.name"), "orders-api"),
        new FunctionSpanIndex(), counters);
    OtlpEndpoint endpoint = OtlpEndpoint.start(OtlpSettings.defaults().withPorts(0, 0), intake, vertx,
        Clock.systemUTC(), counters);
    report("local endpoint (this extension)", endpoint.httpPort().orElseThrow(), flushes, queue);
    endpoint.close();

    HttpServer slow = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b ->
        vertx.setTimer(delayMs, t -> req.response().putHeader("Content-Type", "application/x-protobuf")
            .end())));
    int slowPort = slow.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS).actualPort();
    report("collector " + delayMs + " ms away", slowPort, Math.min(flushes, 200), null);
    vertx.close();
  }

  private static void report(String target, int port, int flushes, ReceivedQueue drained) {
    SpanExporter exporter = FunctionSdk.httpSpans(port, false);
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(BatchSpanProcessor.builder(exporter)
            .setScheduleDelay(Duration.ofHours(1)).setMaxExportBatchSize(512).build())
        .build();
    Tracer tracer = provider.get("bench");
    long[] nanos = new long[flushes];
    for (int i = 0; i < WARM_UP + flushes; i++) {
      endHundredSpans(tracer);
      long s = System.nanoTime();
      provider.forceFlush().join(10, TimeUnit.SECONDS);
      long e = System.nanoTime();
      if (i >= WARM_UP) {
        nanos[i - WARM_UP] = e - s;
      }
      if (drained != null) {
        for (Signal signal : Signal.values()) {
          drained.drain(signal);
        }
      }
    }
    provider.shutdown().join(10, TimeUnit.SECONDS);
    Arrays.sort(nanos);
    System.out.printf(Locale.ROOT, "forceFlush of %d spans, %s: p50 %.2f ms, p99 %.2f ms (%d flushes)%n",
        SPANS, target, nanos[flushes / 2] / 1e6, nanos[(int) (flushes * 0.99)] / 1e6, flushes);
  }

  /** An instrumented handler's spans: an entry span naming the invocation, 99 children. */
  private static void endHundredSpans(Tracer tracer) {
    Span entry = tracer.spanBuilder("orders-api").setSpanKind(SpanKind.SERVER)
        .setAttribute("faas.invocation_id", UUID.randomUUID().toString()).startSpan();
    try (Scope ignored = entry.makeCurrent()) {
      for (int i = 1; i < SPANS; i++) {
        tracer.spanBuilder("SELECT orders").setSpanKind(SpanKind.CLIENT)
            .setAttribute("db.system", "postgresql").setAttribute("db.operation.name", "SELECT")
            .setAttribute("server.address", "db.internal").setAttribute("server.port", 5432L)
            .startSpan().end();
      }
    } finally {
      entry.end();
    }
  }
}
