package dev.lambdatelemetry.otel.export;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import dev.lambdatelemetry.otel.Instrumentation;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Sample data run through the OTLP marshalers once, off the hot path, so that they are loaded. */
final class WarmUp {


  private WarmUp() {}

  static void marshalSamples(Resource resource) {
    SpanContext ctx = SpanContext.create(
        "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(),
        TraceState.getDefault());
    try {
      TraceRequestMarshaler.create(List.of(SampleSpan.of(resource, ctx)))
          .writeBinaryTo(OutputStream.nullOutputStream());
      LogsRequestMarshaler.create(List.of(SampleLog.of(resource, ctx)))
          .writeBinaryTo(OutputStream.nullOutputStream());
      MetricData metric = ImmutableMetricData.createLongSum(
          resource, Instrumentation.SCOPE, "warm-up", "", "1",
          ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE,
              List.of(ImmutableLongPointData.create(1, 2, Attributes.empty(), 1))));
      MetricsRequestMarshaler.create(List.of(metric)).writeBinaryTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record SampleSpan(Resource resource, SpanContext ctx) implements SpanData {
    static SampleSpan of(Resource resource, SpanContext ctx) {
      return new SampleSpan(resource, ctx);
    }

    @Override public String getName() { return "warm-up"; }
    @Override public SpanKind getKind() { return SpanKind.SERVER; }
    @Override public SpanContext getSpanContext() { return ctx; }
    @Override public SpanContext getParentSpanContext() { return SpanContext.getInvalid(); }
    @Override public StatusData getStatus() { return StatusData.ok(); }
    @Override public long getStartEpochNanos() { return 1; }
    @Override public Attributes getAttributes() { return Attributes.builder().put("k", "v").build(); }
    @Override public List<EventData> getEvents() { return List.of(); }
    @Override public List<LinkData> getLinks() { return List.of(); }
    @Override public long getEndEpochNanos() { return 2; }
    @Override public boolean hasEnded() { return true; }
    @Override public int getTotalRecordedEvents() { return 0; }
    @Override public int getTotalRecordedLinks() { return 0; }
    @Override public int getTotalAttributeCount() { return 1; }
    @Override public InstrumentationScopeInfo getInstrumentationScopeInfo() { return Instrumentation.SCOPE; }
    @Override public Resource getResource() { return resource; }

    @Override
    @SuppressWarnings("deprecation") // still abstract in the SDK
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
      return InstrumentationLibraryInfo.create(Instrumentation.SCOPE.getName(), null);
    }
  }

  private record SampleLog(Resource resource, SpanContext ctx) implements LogRecordData {
    static SampleLog of(Resource resource, SpanContext ctx) {
      return new SampleLog(resource, ctx);
    }

    @Override public Resource getResource() { return resource; }
    @Override public InstrumentationScopeInfo getInstrumentationScopeInfo() { return Instrumentation.SCOPE; }
    @Override public long getTimestampEpochNanos() { return 1; }
    @Override public long getObservedTimestampEpochNanos() { return 1; }
    @Override public SpanContext getSpanContext() { return ctx; }
    @Override public Severity getSeverity() { return Severity.INFO; }
    @Override public String getSeverityText() { return "INFO"; }
    @Override public Value<?> getBodyValue() { return Value.of("warm-up"); }
    @Override public Attributes getAttributes() { return Attributes.builder().put("k", 1L).build(); }
    @Override public int getTotalAttributeCount() { return 1; }

    @Override
    @SuppressWarnings("deprecation") // still abstract in the SDK
    public Body getBody() {
      return Body.string("warm-up");
    }
  }
}
