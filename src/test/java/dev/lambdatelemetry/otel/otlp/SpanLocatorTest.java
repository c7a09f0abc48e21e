package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanLocatorTest {

  record Found(String spanId, String traceId, String parentId, String invocationKey, String invocationId,
      byte[] span) {}

  @Test
  void findsEachSpansIdsAndInvocationAttribute() throws Exception {
    ResourceSpans rs = Samples.traces().getResourceSpans(0);
    List<Found> found = locate(rs.toByteArray());
    assertThat(found).hasSize(3);
    Found handler = found.get(0);
    assertThat(handler.spanId()).isEqualTo(Samples.SPAN_ID);
    assertThat(handler.traceId()).isEqualTo(Samples.TRACE_ID);
    assertThat(handler.parentId()).as("a root span has no parent_span_id").isNull();
    assertThat(handler.invocationKey()).isEqualTo("faas.invocation_id");
    assertThat(handler.invocationId()).isEqualTo("req-1");
    assertThat(Span.parseFrom(handler.span())).as("the span's range is the whole span")
        .isEqualTo(rs.getScopeSpans(0).getSpans(0));
    assertThat(found.get(1).parentId()).isEqualTo(Samples.SPAN_ID);
    assertThat(found.get(1).invocationKey()).isNull();
    assertThat(found.get(2).invocationKey()).as("spans of the second scope too").isEqualTo("aws.request_id");
    assertThat(found.get(2).invocationId()).isEqualTo("req-x");
  }

  @Test
  void faasInvocationIdWinsOverAwsRequestIdWhicheverComesFirst() throws Exception {
    Span span = Samples.span("s", Samples.SPAN_ID, null, Samples.attr("faas.execution", "e"),
        Samples.attr("aws.request_id", "a"), Samples.attr("faas.invocation_id", "f"),
        Samples.attr("other", "o"));
    ResourceSpans rs = ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span)).build();
    Found f = locate(rs.toByteArray()).get(0);
    assertThat(f.invocationKey()).isEqualTo("faas.invocation_id");
    assertThat(f.invocationId()).isEqualTo("f");
  }

  @Test
  void anIdRewrittenInPlaceIsWhatProtobufReadsBack() throws Exception {
    ResourceSpans rs = Samples.traces().getResourceSpans(0);
    byte[] bytes = rs.toByteArray();
    byte[] newTrace = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");
    SpanLocator.forEachSpan(bytes, s -> System.arraycopy(newTrace, 0, bytes, s.traceIdStart(), 16));
    ResourceSpans rewritten = ResourceSpans.parseFrom(bytes);
    assertThat(rewritten.getScopeSpansList()).flatMap(ScopeSpans::getSpansList)
        .allSatisfy(s -> assertThat(s.getTraceId().toByteArray()).isEqualTo(newTrace));
  }

  @Test
  void readsTheStartTimeAndWhatTheFlagsSayOfTheParent() throws Exception {
    Span remote = Samples.span("r", Samples.SPAN_ID, Samples.PARENT_ID).toBuilder()
        .setFlags(SpanLocator.HAS_IS_REMOTE | SpanLocator.IS_REMOTE | 1).build();
    Span local = Samples.span("l", "0000000000000002", Samples.SPAN_ID).toBuilder()
        .setFlags(SpanLocator.HAS_IS_REMOTE | 1).build();
    Span unsaid = Samples.span("u", "0000000000000003", Samples.SPAN_ID).toBuilder().setFlags(1).build();
    Span root = Samples.span("root", "0000000000000004", null).toBuilder()
        .setFlags(SpanLocator.HAS_IS_REMOTE | 1).build();
    ResourceSpans rs = ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
        .addSpans(remote).addSpans(local).addSpans(unsaid).addSpans(root)).build();
    List<String> seen = new ArrayList<>();
    SpanLocator.forEachSpan(rs.toByteArray(), s -> seen.add(s.startTimeUnixNano() + " remote="
        + s.parentKnownRemote() + " local=" + s.parentKnownLocal()));
    long start = remote.getStartTimeUnixNano();
    assertThat(seen).containsExactly(start + " remote=true local=false", start + " remote=false local=true",
        start + " remote=false local=false", start + " remote=false local=false");
  }

  private static List<Found> locate(byte[] bytes) throws MalformedMessageException {
    List<Found> out = new ArrayList<>();
    SpanLocator.forEachSpan(bytes, s -> out.add(new Found(
        hex(bytes, s.spanIdStart(), s.spanIdLength()), hex(bytes, s.traceIdStart(), s.traceIdLength()),
        hex(bytes, s.parentStart(), s.parentLength()), s.invocationKey(),
        s.invocationIdStart() < 0 ? null
            : new String(bytes, s.invocationIdStart(), s.invocationIdLength(), StandardCharsets.UTF_8),
        Arrays.copyOfRange(bytes, s.start(), s.end()))));
    return out;
  }

  private static String hex(byte[] b, int start, int length) {
    return start < 0 ? null : HexFormat.of().formatHex(b, start, start + length);
  }
}
