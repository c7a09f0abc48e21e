package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.otlp.ReceiverCounters.Count;
import dev.lambdatelemetry.otel.otlp.ReceiverCounters.Discard;
import dev.lambdatelemetry.otel.otlp.ReceiverCounters.Outcome;
import dev.lambdatelemetry.otel.translate.FunctionSpan;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint on loopback with the intake in front of the queue, fed by the OTel Java SDK's exporters. */
class FunctionIntakeEndpointTest {

  private static final String REQUEST_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";

  private Vertx vertx;
  private OtlpEndpoint endpoint;
  private final ReceivedQueue queue = new ReceivedQueue(1 << 20);
  private final ReceiverCounters counters = new ReceiverCounters();
  private final FunctionSpanIndex index = new FunctionSpanIndex();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    FunctionIntake intake = new FunctionIntake(queue, FunctionIntake.Options.defaults(),
        () -> Attributes.of(AttributeKey.stringKey("cloud.provider"), "aws"), index, counters);
    endpoint = OtlpEndpoint.start(OtlpSettings.defaults().withPorts(0, 0), intake, vertx,
        Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC), counters);
  }

  @AfterEach
  void stop() throws Exception {
    endpoint.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void spansAnSdkSendsTwiceOverEitherProtocolAreForwardedOnce() throws Exception {
    List<SpanData> spans = handlerSpans();
    SpanExporter http = FunctionSdk.httpSpans(endpoint.httpPort().orElseThrow(), false);
    SpanExporter grpc = FunctionSdk.grpcSpans(endpoint.grpcPort().orElseThrow(), true);
    try {
      assertThat(http.export(spans).join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(http.export(spans).join(10, TimeUnit.SECONDS).isSuccess()).as("a retry: success too").isTrue();
      assertThat(grpc.export(spans).join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      http.shutdown().join(10, TimeUnit.SECONDS);
      grpc.shutdown().join(10, TimeUnit.SECONDS);
    }

    List<ReceivedBatch> batches = queue.drain(Signal.TRACES);
    assertThat(batches).hasSize(1);
    List<String> names = new ArrayList<>();
    ResourceSpans rs = ResourceSpans.parseFrom(batches.get(0).resources().get(0));
    rs.getScopeSpansList().forEach(s -> s.getSpansList().forEach(sp -> names.add(sp.getName())));
    assertThat(names).containsExactlyInAnyOrder("handler", "dynamodb.GetItem");
    assertThat(rs.getResource().getAttributesList()).extracting(KeyValue::getKey)
        .containsSubsequence("service.name", "cloud.provider");
    assertThat(rs.getResource().getAttributesList()).contains(Samples.attr("service.name", "orders-fn"));
    assertThat(endpoint.counters().get(Signal.TRACES, Outcome.ACCEPTED)).isEqualTo(new Count(3, 6));
    assertThat(endpoint.counters().discarded(Signal.TRACES, Discard.DUPLICATE)).isEqualTo(new Count(2, 4));

    SpanData handler = spans.stream().filter(s -> s.getName().equals("handler")).findFirst().orElseThrow();
    assertThat(index.entrySpan(REQUEST_ID, null)).contains(new FunctionSpan(handler.getTraceId(),
        handler.getSpanId(), null, REQUEST_ID));
    assertThat(index.entrySpan("other-request", handler.getTraceId())).map(FunctionSpan::spanId)
        .contains(handler.getSpanId());
  }

  /** What an instrumented handler records: its entry span naming the invocation, and one child. */
  private static List<SpanData> handlerSpans() {
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "orders-fn")))
        .addSpanProcessor(SimpleSpanProcessor.create(memory)).build();
    Tracer tracer = provider.get("handler-instrumentation");
    Span handler = tracer.spanBuilder("handler").setAttribute("faas.invocation_id", REQUEST_ID).startSpan();
    try (Scope ignored = handler.makeCurrent()) {
      tracer.spanBuilder("dynamodb.GetItem").startSpan().end();
    } finally {
      handler.end();
    }
    List<SpanData> spans = memory.getFinishedSpanItems();
    provider.shutdown().join(10, TimeUnit.SECONDS);
    assertThat(spans).hasSize(2);
    return spans;
  }
}
