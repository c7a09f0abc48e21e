package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.FAAS_INVOCATION_ID;

import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A converter wired to a recording sink, a deterministic id source and a fake log factory that
 * records which invocation context each line was given.
 */
final class ConverterHarness implements SignalSink {

  static final Resource BASE = Resource.create(Attributes.of(
      AttributeKey.stringKey("faas.name"), "orders-api",
      AttributeKey.stringKey("service.instance.id"), "initial-instance"));

  /** What the fake log factory saw for one line. */
  record LogCall(LogLine line, InvocationContext open, InvocationContext byId) {}

  final List<SpanData> spans = new ArrayList<>();
  final List<LogRecordData> logs = new ArrayList<>();
  final List<LogCall> logCalls = new ArrayList<>();
  final SequentialIds ids = new SequentialIds();
  final TelemetryConverter converter;

  ConverterHarness(ConverterOptions options) {
    this.converter = new TelemetryConverter(BASE, this, options, this::fakeLog, ids);
  }

  /** A converter that joins its spans with the function's ({@code options.join()}). */
  ConverterHarness(ConverterOptions options, FunctionTraces functionTraces) {
    this.converter = new TelemetryConverter(BASE, this, options, this::fakeLog, ids, functionTraces);
  }

  ConverterHarness() {
    this(ConverterOptions.defaults(null));
  }

  ConverterHarness accept(TelemetryEvent... events) {
    Arrays.stream(events).forEach(converter::accept);
    return this;
  }

  @Override
  public void span(SpanData span) {
    spans.add(span);
  }

  @Override
  public void log(LogRecordData log) {
    logs.add(log);
  }

  List<SpanData> invocationSpans() {
    return spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();
  }

  SpanData invocationSpan(String requestId) {
    List<SpanData> matching = invocationSpans().stream()
        .filter(s -> requestId.equals(s.getAttributes().get(FAAS_INVOCATION_ID)))
        .toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected one span for " + requestId + " but got " + matching);
    }
    return matching.get(0);
  }

  List<SpanData> named(String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }

  List<SpanData> childrenOf(SpanData parent) {
    return spans.stream()
        .filter(s -> s.getParentSpanContext().isValid()
            && s.getParentSpanId().equals(parent.getSpanId())
            && s.getTraceId().equals(parent.getTraceId()))
        .toList();
  }

  /** The value of a counter, or empty when the instrument has no data. */
  Optional<Long> counter(String name) {
    return metric(name).map(m -> m.getLongSumData().getPoints().iterator().next().getValue());
  }

  /** The histogram point of an instrument, or empty when it has no data. */
  Optional<HistogramPointData> histogram(String name) {
    return metric(name).map(m -> m.getHistogramData().getPoints().iterator().next());
  }

  Optional<MetricData> metric(String name) {
    return converter.collectMetrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  private LogRecordData fakeLog(LogLine line, java.time.Instant time,
      java.util.function.Function<String, InvocationContext> byId, InvocationContext open, Resource resource) {
    String requestId = line.text() == null ? null : line.text().split("\t", -1).length > 1
        ? line.text().split("\t", -1)[1] : null;
    InvocationContext known = requestId == null ? null : byId.apply(requestId);
    logCalls.add(new LogCall(line, open, known));
    SpanContext context = open != null ? open.spanContext() : SpanContext.getInvalid();
    long nanos = SpanTranslator.nanos(time);
    return new LambdaLogRecord(resource, InstrumentationScopeInfo.create("test"), nanos, nanos, context,
        Severity.UNDEFINED_SEVERITY_NUMBER, null, Value.of(line.text()), Attributes.empty());
  }

  /** Ids that are valid, distinct and predictable; counts reseeds. */
  static final class SequentialIds implements IdSource {
    private long next = 1;
    int reseeds;

    @Override
    public String traceId() {
      return String.format("%032x", 0xabc0000L + next++);
    }

    @Override
    public String spanId() {
      return String.format("%016x", 0xdef0000L + next++);
    }

    @Override
    public void reseed() {
      reseeds++;
      next += 1_000_000;
    }
  }
}
