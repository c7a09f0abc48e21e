package dev.lambdatelemetry.otel.translate;

import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;
import java.util.function.Function;

/** Turns one {@code function}/{@code extension} event into exactly one OpenTelemetry log record. */
public final class LogTranslator {

  /**
   * Translates one log line.
   *
   * @param line the log event's record
   * @param envelopeTime the event's envelope {@code time}: the timestamp when the record's own one
   *     does not parse
   * @param invocationById looks up an open or known invocation by request id (for object records that
   *     carry {@code requestId}); returns null when unknown
   * @param openInvocation the invocation open in this environment (between platform.start and its
   *     runtimeDone/report) for text records, or null (init phase, Managed Instances)
   * @param resource the environment's resource
   */
  public LogRecordData translate(
      LogLine line,
      Instant envelopeTime,
      Function<String, InvocationContext> invocationById,
      InvocationContext openInvocation,
      Resource resource) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
