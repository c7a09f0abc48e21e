package dev.lambdatelemetry.otel.translate;

import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;

/** Where converted spans and log records go (the export pipeline, or a list in a test). */
public interface SignalSink {

  /** Accepts one finished span; must not block. */
  void span(SpanData span);

  /** Accepts one log record; must not block. */
  void log(LogRecordData log);
}
