package dev.lambdatelemetry.otel.translate;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;

/**
 * An immutable log record built by the translators. The SDK's own implementations are internal or
 * tied to its logger provider; we need to set every field, the timestamp included, from the event.
 *
 * @param body any OpenTelemetry {@link Value}: a string, or a map or array for JSON messages
 * @param severityText the level as written by the function, or null
 */
public record LambdaLogRecord(
    Resource resource,
    InstrumentationScopeInfo scope,
    long timestampEpochNanos,
    long observedTimestampEpochNanos,
    SpanContext spanContext,
    Severity severity,
    String severityText,
    Value<?> body,
    Attributes attributes)
    implements LogRecordData {

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public long getTimestampEpochNanos() {
    return timestampEpochNanos;
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    return observedTimestampEpochNanos;
  }

  @Override
  public SpanContext getSpanContext() {
    return spanContext;
  }

  @Override
  public Severity getSeverity() {
    return severity;
  }

  @Override
  public String getSeverityText() {
    return severityText;
  }

  @Override
  @SuppressWarnings("deprecation") // the interface still requires it; exporters read getBodyValue()
  public Body getBody() {
    return body == null ? Body.empty() : Body.string(body.asString());
  }

  @Override
  public Value<?> getBodyValue() {
    return body;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }
}
