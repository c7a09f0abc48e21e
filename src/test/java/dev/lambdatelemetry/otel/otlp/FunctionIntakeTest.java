package dev.lambdatelemetry.otel.otlp;

import static dev.lambdatelemetry.otel.otlp.TraceSamples.UNKNOWN;
import static dev.lambdatelemetry.otel.otlp.TraceSamples.batch;
import static dev.lambdatelemetry.otel.otlp.TraceSamples.decode;
import static dev.lambdatelemetry.otel.otlp.TraceSamples.element;
import static dev.lambdatelemetry.otel.otlp.TraceSamples.span;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.otlp.ReceiverCounters.Count;
import dev.lambdatelemetry.otel.otlp.ReceiverCounters.Discard;
import dev.lambdatelemetry.otel.otlp.TraceSamples.Captured;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What happens to the function's telemetry between the endpoint and the export queue. */
class FunctionIntakeTest {

  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final Attributes ENVIRONMENT = Attributes.builder()
      .put("service.name", "extension-service")
      .put("telemetry.sdk.language", "java")
      .put("cloud.provider", "aws")
      .put("cloud.platform", "aws_lambda")
      .put("cloud.region", "eu-west-1")
      .put("faas.name", "orders-fn")
      .put("faas.version", "$LATEST")
      .put("faas.max_memory", 268_435_456L)
      .put(AttributeKey.stringArrayKey("aws.log.group.names"), List.of("/aws/lambda/orders-fn"))
      .build();

  private final Captured forwarded = new Captured();
  private final ReceiverCounters counters = new ReceiverCounters();
  private final AtomicReference<Attributes> environment = new AtomicReference<>(ENVIRONMENT);

  private FunctionIntake intake(boolean enrich, boolean forwardLogs, int window) {
    return new FunctionIntake(forwarded, new FunctionIntake.Options(enrich, forwardLogs, window),
        environment::get, new FunctionSpanIndex(), counters);
  }

  private static Span s(int id) {
    return span(TRACE, String.format("%016x", id), null, id, UNKNOWN);
  }

  @Test
  void aRequestSentAgainIsAcceptedButNotPassedOn() {
    FunctionIntake intake = intake(false, true, 100);
    ReceivedBatch request = batch(element("fn", s(1), s(2), s(3)));

    assertThat(intake.offer(request)).isTrue();
    assertThat(intake.offer(batch(element("fn", s(1), s(2), s(3))))).as("the SDK is told: accepted").isTrue();

    assertThat(forwarded.batches).containsExactly(request);
    assertThat(counters.discarded(Signal.TRACES, Discard.DUPLICATE)).isEqualTo(new Count(1, 3));
  }

  @Test
  void spansAlreadyReceivedAreRemovedAndTheRestPassedOnByteForByte() throws Exception {
    FunctionIntake intake = intake(false, true, 100);
    intake.offer(batch(element("fn", s(1), s(2))));
    ResourceSpans mixed = ResourceSpans.newBuilder().setResource(Samples.resource("fn"))
        .addScopeSpans(ScopeSpans.newBuilder().setScope(io.opentelemetry.proto.common.v1.InstrumentationScope
            .newBuilder().setName("a")).addSpans(s(1)).addSpans(s(3)).addSpans(s(2)))
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(s(2)))
        .build();
    ResourceSpans untouched = element("other", span("0af7651916cd43dd8448eb211c80319c", "0000000000000009",
        null, 0, UNKNOWN));

    ReceivedBatch request = batch(mixed, untouched);
    assertThat(intake.offer(request)).isTrue();

    ReceivedBatch out = forwarded.batches.get(1);
    ResourceSpans expected = ResourceSpans.newBuilder().setResource(Samples.resource("fn"))
        .addScopeSpans(mixed.getScopeSpans(0).toBuilder().clearSpans().addSpans(s(3))).build();
    assertThat(decode(out)).as("a scope left without spans goes too").containsExactly(expected, untouched);
    assertThat(out.resources().get(1)).isSameAs(request.resources().get(1));
    assertThat(out.items()).isEqualTo(2);
    assertThat(out.bytes()).isEqualTo(out.resources().get(0).length + out.resources().get(1).length);
    assertThat(counters.discarded(Signal.TRACES, Discard.DUPLICATE)).isEqualTo(new Count(1, 3));
  }

  @Test
  void theWindowForgetsTheOldestSpansOnceFull() {
    FunctionIntake intake = intake(false, true, 2);
    intake.offer(batch(element("fn", s(1))));
    intake.offer(batch(element("fn", s(2))));
    intake.offer(batch(element("fn", s(3))));

    intake.offer(batch(element("fn", s(1))));
    assertThat(forwarded.batches).as("span 1 was forgotten: passed on again").hasSize(4);
    intake.offer(batch(element("fn", s(3))));
    assertThat(forwarded.batches).as("span 3 is still remembered").hasSize(4);
  }

  @Test
  void enrichmentAddsOnlyTheAttributesTheFunctionLacksOnAllThreeSignals() throws Exception {
    FunctionIntake intake = intake(true, true, 100);
    Resource function = Resource.newBuilder().addAttributes(Samples.attr("service.name", "orders-api"))
        .addAttributes(Samples.attr("cloud.region", "us-east-1"))
        .addAttributes(Samples.attr("deployment.environment.name", "prod")).setDroppedAttributesCount(2).build();
    ResourceSpans spans = element("x", s(1)).toBuilder().setResource(function).build();
    ResourceLogs logs = Samples.logs().getResourceLogs(0).toBuilder().setResource(function).build();
    ResourceMetrics metrics = Samples.metrics().getResourceMetrics(0).toBuilder().setResource(function).build();

    intake.offer(batch(spans));
    intake.offer(new ReceivedBatch(Signal.LOGS, List.of(logs.toByteArray()), 3, 1, TraceSamples.NOW));
    intake.offer(new ReceivedBatch(Signal.METRICS, List.of(metrics.toByteArray()), 6, 1, TraceSamples.NOW));

    // Appended after the function's own, in the order of the extension's attributes (sorted by key).
    Resource expected = function.toBuilder()
        .addAttributes(KeyValue.newBuilder().setKey("aws.log.group.names")
            .setValue(AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setStringValue("/aws/lambda/orders-fn")))))
        .addAttributes(Samples.attr("cloud.platform", "aws_lambda"))
        .addAttributes(Samples.attr("cloud.provider", "aws"))
        .addAttributes(KeyValue.newBuilder().setKey("faas.max_memory")
            .setValue(AnyValue.newBuilder().setIntValue(268_435_456L)))
        .addAttributes(Samples.attr("faas.name", "orders-fn"))
        .addAttributes(Samples.attr("faas.version", "$LATEST"))
        .build();
    ResourceSpans gotSpans = ResourceSpans.parseFrom(forwarded.batches.get(0).resources().get(0));
    assertThat(gotSpans.getResource()).as("the function's service.name and cloud.region stay; the "
        + "extension's service.* and telemetry.* are never added").isEqualTo(expected);
    assertThat(gotSpans.toBuilder().clearResource().build())
        .as("nothing but the resource changes").isEqualTo(spans.toBuilder().clearResource().build());
    ResourceLogs gotLogs = ResourceLogs.parseFrom(forwarded.batches.get(1).resources().get(0));
    assertThat(gotLogs.getResource()).isEqualTo(expected);
    assertThat(gotLogs.toBuilder().clearResource().build()).isEqualTo(logs.toBuilder().clearResource().build());
    ResourceMetrics gotMetrics = ResourceMetrics.parseFrom(forwarded.batches.get(2).resources().get(0));
    assertThat(gotMetrics.getResource()).isEqualTo(expected);
    assertThat(gotMetrics.toBuilder().clearResource().build())
        .isEqualTo(metrics.toBuilder().clearResource().build());
    assertThat(forwarded.batches.get(1).bytes()).isEqualTo(forwarded.batches.get(1).resources().get(0).length);
  }

  @Test
  void aResourceThatHasEverythingIsPassedOnAsTheSameBytes() {
    environment.set(Attributes.builder().put("service.name", "ours").put("cloud.provider", "aws").build());
    FunctionIntake intake = intake(true, true, 100);
    ResourceSpans spans = element("x", s(1)).toBuilder().setResource(Samples.resource("fn").toBuilder()
        .addAttributes(Samples.attr("cloud.provider", "gcp"))).build();
    ReceivedBatch request = batch(spans);

    intake.offer(request);

    assertThat(forwarded.batches).containsExactly(request);
  }

  @Test
  void anElementWithoutAResourceGetsOneAndServiceNameIsNotAddedEvenThen() throws Exception {
    FunctionIntake intake = intake(true, true, 100);
    ResourceSpans bare = ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(s(1))).build();

    intake.offer(batch(bare));

    ResourceSpans got = decode(forwarded.batches.get(0)).get(0);
    assertThat(got.getResource().getAttributesList()).extracting(KeyValue::getKey)
        .contains("cloud.provider", "faas.name").doesNotContain("service.name", "telemetry.sdk.language");
    assertThat(got.getScopeSpansList()).isEqualTo(bare.getScopeSpansList());
  }

  @Test
  void whatTheExtensionLearnsLaterIsAddedToLaterRequests() throws Exception {
    FunctionIntake intake = intake(true, true, 100);
    intake.offer(batch(element("fn", s(1))));
    environment.set(ENVIRONMENT.toBuilder().put("cloud.account.id", "123456789012").build());
    intake.offer(batch(element("fn", s(2))));

    assertThat(decode(forwarded.batches.get(0)).get(0).getResource().getAttributesList())
        .extracting(KeyValue::getKey).doesNotContain("cloud.account.id");
    assertThat(decode(forwarded.batches.get(1)).get(0).getResource().getAttributesList())
        .contains(Samples.attr("cloud.account.id", "123456789012"));
  }

  @Test
  void withEnrichmentOffTheResourceIsLeftAlone() {
    FunctionIntake intake = intake(false, true, 100);
    ReceivedBatch request = batch(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(s(1))).build());
    intake.offer(request);
    assertThat(forwarded.batches).containsExactly(request);
  }

  @Test
  void logsAreAcceptedCountedAndNotPassedOnWhenTheyComeOnlyThroughTheTelemetryApi() {
    FunctionIntake intake = intake(true, false, 100);
    ReceivedBatch logs = new ReceivedBatch(Signal.LOGS,
        List.of(Samples.logs().getResourceLogs(0).toByteArray()), 3, 1, TraceSamples.NOW);

    assertThat(intake.offer(logs)).isTrue();
    assertThat(intake.offer(batch(element("fn", s(1))))).isTrue();

    assertThat(forwarded.batches).extracting(ReceivedBatch::signal).containsExactly(Signal.TRACES);
    assertThat(counters.discarded(Signal.LOGS, Discard.FUNCTION_LOGS_OFF)).isEqualTo(new Count(1, 3));
  }

  @Test
  void aFullExportQueueIsReportedToTheEndpoint() {
    FunctionIntake intake = intake(true, true, 100);
    forwarded.refuse = true;
    assertThat(intake.offer(batch(element("fn", s(1))))).isFalse();
  }

  @Test
  void aRequestItCannotReadIsPassedOnAsItCame() {
    FunctionIntake intake = intake(true, true, 100);
    ReceivedBatch garbage = new ReceivedBatch(Signal.TRACES, List.of(new byte[] {0x12, 0x7f, 1}), 1, 3,
        TraceSamples.NOW);
    assertThat(intake.offer(garbage)).isTrue();
    assertThat(forwarded.batches).containsExactly(garbage);
  }
}
