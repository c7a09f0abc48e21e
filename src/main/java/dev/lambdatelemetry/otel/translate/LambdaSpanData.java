package dev.lambdatelemetry.otel.translate;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * An immutable, finished span built from telemetry events. The SDK builds {@link SpanData} only from
 * live spans with wall-clock times; ours take every time and id from the events.
 *
 * @param parentSpanContext {@link SpanContext#getInvalid()} for a root span
 * @param links span links (the join's, in {@code lambda-telemetry.join=link}); usually empty
 */
record LambdaSpanData(
    String name,
    SpanKind kind,
    SpanContext spanContext,
    SpanContext parentSpanContext,
    StatusData status,
    long startEpochNanos,
    long endEpochNanos,
    Attributes attributes,
    Resource resource,
    InstrumentationScopeInfo scope,
    List<LinkData> links)
    implements SpanData {

  /** A span without links. */
  LambdaSpanData(String name, SpanKind kind, SpanContext spanContext, SpanContext parentSpanContext,
      StatusData status, long startEpochNanos, long endEpochNanos, Attributes attributes, Resource resource,
      InstrumentationScopeInfo scope) {
    this(name, kind, spanContext, parentSpanContext, status, startEpochNanos, endEpochNanos, attributes, resource,
        scope, List.of());
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return kind;
  }

  @Override
  public SpanContext getSpanContext() {
    return spanContext;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parentSpanContext;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public long getStartEpochNanos() {
    return startEpochNanos;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public List<EventData> getEvents() {
    return List.of();
  }

  @Override
  public List<LinkData> getLinks() {
    return links;
  }

  @Override
  public long getEndEpochNanos() {
    return endEpochNanos;
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public int getTotalRecordedEvents() {
    return 0;
  }

  @Override
  public int getTotalRecordedLinks() {
    return links.size();
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  @Override
  @SuppressWarnings("deprecation") // still abstract in SpanData; exporters read the scope instead
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public Resource getResource() {
    return resource;
  }
}
