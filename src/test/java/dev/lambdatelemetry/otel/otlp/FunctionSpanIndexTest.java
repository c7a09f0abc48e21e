package dev.lambdatelemetry.otel.otlp;

import static dev.lambdatelemetry.otel.otlp.TraceSamples.LOCAL_PARENT;
import static dev.lambdatelemetry.otel.otlp.TraceSamples.REMOTE_PARENT;
import static dev.lambdatelemetry.otel.otlp.TraceSamples.UNKNOWN;
import static dev.lambdatelemetry.otel.otlp.TraceSamples.batch;
import static dev.lambdatelemetry.otel.otlp.TraceSamples.decode;
import static dev.lambdatelemetry.otel.otlp.TraceSamples.element;
import static dev.lambdatelemetry.otel.otlp.TraceSamples.span;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.otlp.TraceSamples.Captured;
import dev.lambdatelemetry.otel.translate.FunctionSpan;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The join's view of the function's spans: which is an invocation's entry, and the edits of its bytes. */
class FunctionSpanIndexTest {

  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String OTHER_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String PLATFORM_SPAN = "00f067aa0ba902b7";
  private static final String UPSTREAM = "b7ad6b7169203331";

  private final Captured exported = new Captured();
  private FunctionSpanIndex index = new FunctionSpanIndex();
  private FunctionIntake intake = intake(index);

  private FunctionIntake intake(FunctionSpanIndex idx) {
    return new FunctionIntake(exported, new FunctionIntake.Options(false, true, 1024), Attributes::empty,
        idx, new ReceiverCounters());
  }

  /** What the endpoint does with a request, then what the export queue gets. */
  private ReceivedBatch receive(ResourceSpans... elements) {
    assertThat(intake.offer(batch(elements))).isTrue();
    return exported.batches.get(exported.batches.size() - 1);
  }

  @Test
  void findsTheEntrySpanByTheInvocationItNames() {
    receive(Samples.traces().getResourceSpans(0));
    assertThat(index.entrySpan("req-1", null)).contains(
        new FunctionSpan(Samples.TRACE_ID, Samples.SPAN_ID, null, "req-1"));
    assertThat(index.entrySpan("req-x", null)).as("aws.request_id names an invocation too").contains(
        new FunctionSpan(Samples.TRACE_ID, "0000000000000003", Samples.SPAN_ID, "req-x"));
    assertThat(index.entrySpan("req-2", null)).isEmpty();
  }

  @Test
  void byTraceIdTheEntryIsTheEarliestSpanWhoseParentIsOutsideTheFunctionAcrossRequests() {
    // Children end (and are exported) before their parent: the entry span comes last.
    receive(element("fn", span(TRACE, "0000000000000002", "0000000000000001", 20, LOCAL_PARENT),
        span(TRACE, "0000000000000005", null, 50, UNKNOWN)));
    assertThat(index.entrySpan("unknown-request", TRACE)).map(FunctionSpan::spanId)
        .as("a root span so far").contains("0000000000000005");
    receive(element("fn", span(TRACE, "0000000000000001", UPSTREAM, 10, REMOTE_PARENT)));
    assertThat(index.entrySpan("unknown-request", TRACE.toUpperCase(Locale.ROOT)))
        .contains(new FunctionSpan(TRACE, "0000000000000001", UPSTREAM, null));
    assertThat(index.entrySpan(null, OTHER_TRACE)).isEmpty();
  }

  @Test
  void ofSpansNamingTheSameInvocationTheEarliestIsTheEntryAndTheOnlyOneKept() {
    receive(element("fn",
        span(TRACE, "0000000000000002", "0000000000000001", 20, LOCAL_PARENT, Samples.attr("faas.invocation_id", "r1")),
        span(TRACE, "0000000000000001", UPSTREAM, 10, REMOTE_PARENT, Samples.attr("faas.invocation_id", "r1")),
        span(TRACE, "0000000000000003", "0000000000000001", 30, LOCAL_PARENT,
            Samples.attr("faas.invocation_id", "r1"))));
    assertThat(index.entrySpan("r1", null)).map(FunctionSpan::spanId).contains("0000000000000001");
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void aSpanWhoseParentTheSdkSaysIsLocalIsNeverTheTracesEntryEvenIfItStartsFirst() {
    receive(element("fn", span(TRACE, "0000000000000002", "0000000000000001", 0, LOCAL_PARENT),
        span(TRACE, "0000000000000003", "0000000000000009", 5, UNKNOWN)));
    assertThat(index.entrySpan(null, TRACE)).map(FunctionSpan::spanId)
        .as("without flags the parent may be outside: the earliest such span")
        .contains("0000000000000003");
  }

  @Test
  void reparentOverwritesTheParentIdInPlaceAndChangesNothingElse() throws Exception {
    ResourceSpans sent = element("fn", span(TRACE, "0000000000000002", "0000000000000001", 20, LOCAL_PARENT),
        span(TRACE, "0000000000000001", UPSTREAM, 10, REMOTE_PARENT, Samples.attr("faas.invocation_id", "r1")));
    ReceivedBatch queued = receive(sent);
    byte[] before = queued.resources().get(0).clone();
    FunctionSpan entry = index.entrySpan("r1", null).orElseThrow();

    assertThat(index.reparent(entry, PLATFORM_SPAN)).isTrue();
    ReceivedBatch out = index.beforeExport(queued);

    ResourceSpans expected = sent.toBuilder().setScopeSpans(0, sent.getScopeSpans(0).toBuilder()
        .setSpans(1, sent.getScopeSpans(0).getSpans(1).toBuilder().setParentSpanId(Samples.hex(PLATFORM_SPAN))))
        .build();
    assertThat(decode(out)).containsExactly(expected);
    assertThat(out.resources().get(0)).as("same length: written over").hasSize(before.length);
    assertThat(out.items()).isEqualTo(2);
    assertThat(queued.resources().get(0)).as("the received bytes are not changed").isEqualTo(before);
  }

  @Test
  void reparentOfARootSpanInsertsTheParentFieldAndFixesTheLengths() throws Exception {
    ResourceSpans sent = Samples.traces().getResourceSpans(0);
    ResourceSpans second = Samples.traces().getResourceSpans(1);
    ReceivedBatch queued = receive(sent, second);
    FunctionSpan entry = index.entrySpan("req-1", null).orElseThrow();

    assertThat(index.reparent(entry, PLATFORM_SPAN)).isTrue();
    ReceivedBatch out = index.beforeExport(queued);

    ResourceSpans expected = sent.toBuilder().setScopeSpans(0, sent.getScopeSpans(0).toBuilder()
        .setSpans(0, sent.getScopeSpans(0).getSpans(0).toBuilder().setParentSpanId(Samples.hex(PLATFORM_SPAN))))
        .build();
    assertThat(decode(out)).containsExactly(expected, second);
    assertThat(out.resources().get(1)).as("an element without edits is not copied")
        .isSameAs(queued.resources().get(1));
    assertThat(out.bytes()).isEqualTo(queued.bytes() + 10);
  }

  @Test
  void linkAppendsASpanLinkNamingTheOtherSpanAndChangesNothingElse() throws Exception {
    ResourceSpans sent = Samples.traces().getResourceSpans(0);
    ReceivedBatch queued = receive(sent);
    FunctionSpan entry = index.entrySpan("req-x", null).orElseThrow();

    assertThat(index.link(entry, OTHER_TRACE, PLATFORM_SPAN)).isTrue();
    ReceivedBatch out = index.beforeExport(queued);

    Span http = sent.getScopeSpans(1).getSpans(0);
    ResourceSpans expected = sent.toBuilder().setScopeSpans(1, sent.getScopeSpans(1).toBuilder()
        .setSpans(0, http.toBuilder().addLinks(Span.Link.newBuilder()
            .setTraceId(Samples.hex(OTHER_TRACE)).setSpanId(Samples.hex(PLATFORM_SPAN))))).build();
    assertThat(decode(out)).containsExactly(expected);
  }

  @Test
  void aParentAndALinkOnTheSameSpanAreBothApplied() throws Exception {
    ResourceSpans sent = Samples.traces().getResourceSpans(0);
    ReceivedBatch queued = receive(sent);
    FunctionSpan entry = index.entrySpan("req-1", null).orElseThrow();
    assertThat(index.reparent(entry, PLATFORM_SPAN)).isTrue();
    assertThat(index.link(entry, OTHER_TRACE, PLATFORM_SPAN)).isTrue();

    Span handler = decode(index.beforeExport(queued)).get(0).getScopeSpans(0).getSpans(0);

    assertThat(handler).isEqualTo(sent.getScopeSpans(0).getSpans(0).toBuilder()
        .setParentSpanId(Samples.hex(PLATFORM_SPAN)).addLinks(Span.Link.newBuilder()
            .setTraceId(Samples.hex(OTHER_TRACE)).setSpanId(Samples.hex(PLATFORM_SPAN))).build());
  }

  @Test
  void onceExportedASpanCanNoLongerBeFoundNorEdited() throws Exception {
    ReceivedBatch queued = receive(Samples.traces().getResourceSpans(0));
    FunctionSpan entry = index.entrySpan("req-1", null).orElseThrow();

    ReceivedBatch out = index.beforeExport(queued);

    assertThat(out).as("nothing asked: sent as it came").isSameAs(queued);
    assertThat(index.entrySpan("req-1", null)).isEmpty();
    assertThat(index.reparent(entry, PLATFORM_SPAN)).isFalse();
    assertThat(index.link(entry, OTHER_TRACE, PLATFORM_SPAN)).isFalse();
    assertThat(index.size()).isZero();
  }

  @Test
  void anEditWaitsForTheBatchThatHoldsItsSpan() throws Exception {
    ReceivedBatch first = receive(element("fn", span(TRACE, "0000000000000007", null, 0, UNKNOWN)));
    ResourceSpans sent = element("fn", span(OTHER_TRACE, "0000000000000008", null, 0, UNKNOWN,
        Samples.attr("faas.invocation_id", "r2")));
    ReceivedBatch second = receive(sent);
    assertThat(index.reparent(index.entrySpan("r2", null).orElseThrow(), PLATFORM_SPAN)).isTrue();

    assertThat(index.beforeExport(first)).isSameAs(first);
    assertThat(decode(index.beforeExport(second)).get(0).getScopeSpans(0).getSpans(0).getParentSpanId())
        .isEqualTo(Samples.hex(PLATFORM_SPAN));
  }

  @Test
  void logsAndMetricsPassUntouched() {
    ReceivedBatch logs = new ReceivedBatch(Signal.LOGS, List.of(Samples.logs().getResourceLogs(0).toByteArray()),
        3, 10, TraceSamples.NOW);
    receive(Samples.traces().getResourceSpans(0));
    assertThat(index.beforeExport(logs)).isSameAs(logs);
  }

  @Test
  void malformedIdsAreRefusedNotThrown() {
    receive(Samples.traces().getResourceSpans(0));
    FunctionSpan entry = index.entrySpan("req-1", null).orElseThrow();
    assertThat(index.reparent(entry, "xyz")).isFalse();
    assertThat(index.link(entry, "short", PLATFORM_SPAN)).isFalse();
    assertThat(index.reparent(new FunctionSpan(TRACE, "not-hex", null, null), PLATFORM_SPAN)).isFalse();
  }

  @Test
  void keepsAtMostItsBoundForgettingTheOldestFirst() {
    index = new FunctionSpanIndex(3);
    intake = intake(index);
    List<FunctionSpan> entries = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      receive(element("fn", span(TRACE, String.format("%016x", i), null, i, UNKNOWN,
          Samples.attr("faas.invocation_id", "r" + i))));
      entries.add(index.entrySpan("r" + i, null).orElseThrow());
    }
    assertThat(index.size()).isEqualTo(3);
    assertThat(index.entrySpan("r1", null)).isEmpty();
    assertThat(index.entrySpan("r2", null)).isEmpty();
    assertThat(index.entrySpan("r5", null)).contains(entries.get(4));
    assertThat(index.reparent(entries.get(0), PLATFORM_SPAN)).as("forgotten: not edited").isFalse();
    assertThat(index.reparent(entries.get(2), PLATFORM_SPAN)).isTrue();
  }

  @Test
  void spansTheExportQueueRefusedAreForgotten() {
    exported.refuse = true;
    assertThat(intake.offer(batch(Samples.traces().getResourceSpans(0)))).isFalse();
    assertThat(index.entrySpan("req-1", null)).isEmpty();
    assertThat(index.size()).isZero();
  }

  @Test
  void underConcurrentIndexingEditingAndExportingNoEditIsLost() throws Exception {
    int spans = 1_000;
    LinkedBlockingQueue<ReceivedBatch> queue = new LinkedBlockingQueue<>();
    FunctionIntake concurrent = new FunctionIntake(queue::offer, new FunctionIntake.Options(false, true, 1024),
        Attributes::empty, index, new ReceiverCounters());
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    Set<String> applied = ConcurrentHashMap.newKeySet();
    // The export thread takes each batch as soon as it is queued, racing the edits asked for below.
    CompletableFuture<Void> exporter = CompletableFuture.runAsync(() -> {
      try {
        for (int seen = 0; seen < spans; seen++) {
          ReceivedBatch b = queue.poll(30, TimeUnit.SECONDS);
          assertThat(b).as("batch %d queued", seen).isNotNull();
          Span s = decode(index.beforeExport(b)).get(0).getScopeSpans(0).getSpans(0);
          if (s.getParentSpanId().equals(Samples.hex(PLATFORM_SPAN))) {
            applied.add(s.getAttributes(0).getValue().getStringValue());
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    for (int i = 0; i < spans; i++) {
      String request = "r" + i;
      assertThat(concurrent.offer(batch(element("fn", span(TRACE, String.format("%016x", i + 1), null, i,
          UNKNOWN, Samples.attr("faas.invocation_id", request)))))).isTrue();
      index.entrySpan(request, null).ifPresent(e -> {
        if (index.reparent(e, PLATFORM_SPAN)) {
          accepted.add(request);
        }
      });
    }
    exporter.get(60, TimeUnit.SECONDS);
    assertThat(accepted).as("some edits were asked in time").isNotEmpty();
    assertThat(applied).as("an edit is applied exactly when reparent said it would be")
        .isEqualTo(accepted);
    assertThat(index.size()).isZero();
  }
}
