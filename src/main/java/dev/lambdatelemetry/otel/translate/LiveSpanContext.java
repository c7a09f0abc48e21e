package dev.lambdatelemetry.otel.translate;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

/**
 * The invocation span's context as the invocation's log records carry it, while a join may still
 * move the span into the function's trace. Log records are made as their lines arrive, before the
 * join is decided, and wait in the export queue until the flush: reading the ids at export, not at
 * creation, keeps them correlated with the span as it is finally exported. (A record exported before
 * the decision, by a backstop flush during a long invocation, keeps the ids of that moment.)
 *
 * <p>Written by the converter's thread, read by the exporting one: one volatile reference to an
 * immutable context, so a reader never sees the trace id of one and the span id of the other.
 */
final class LiveSpanContext implements SpanContext {

  private volatile SpanContext current;

  LiveSpanContext(SpanContext initial) {
    this.current = initial;
  }

  void set(SpanContext context) {
    current = context;
  }

  @Override
  public String getTraceId() {
    return current.getTraceId();
  }

  @Override
  public byte[] getTraceIdBytes() {
    return current.getTraceIdBytes();
  }

  @Override
  public String getSpanId() {
    return current.getSpanId();
  }

  @Override
  public byte[] getSpanIdBytes() {
    return current.getSpanIdBytes();
  }

  @Override
  public TraceFlags getTraceFlags() {
    return current.getTraceFlags();
  }

  @Override
  public TraceState getTraceState() {
    return current.getTraceState();
  }

  @Override
  public boolean isValid() {
    return current.isValid();
  }

  @Override
  public boolean isRemote() {
    return current.isRemote();
  }

  @Override
  public String toString() {
    return "LiveSpanContext{" + current + "}";
  }
}
