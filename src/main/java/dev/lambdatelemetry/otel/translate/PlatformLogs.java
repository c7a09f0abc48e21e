package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.DROPPED_BYTES;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.DROPPED_RECORDS;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.LOG_SOURCE;

import dev.lambdatelemetry.otel.telemetry.model.LogsDropped;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;

/** Log records made from {@code platform.*} events. */
final class PlatformLogs {

  /** {@code aws.lambda.log.source} of records the platform, not the function, is the origin of. */
  static final String SOURCE_PLATFORM = "platform";

  private PlatformLogs() {}

  /**
   * A WARN record for {@code platform.logsDropped}: often the only trace of lost records, and lost
   * records are a problem of this pipeline the user must see.
   */
  static LambdaLogRecord logsDropped(
      LogsDropped dropped, Instant time, Resource resource, InstrumentationScopeInfo scope) {
    String reason = dropped.reason() == null ? "Telemetry API dropped records" : dropped.reason();
    String body = reason + " (droppedRecords=" + dropped.droppedRecords()
        + ", droppedBytes=" + dropped.droppedBytes() + ")";
    long nanos = SpanTranslator.nanos(time);
    return new LambdaLogRecord(
        resource,
        scope,
        nanos,
        nanos,
        SpanContext.getInvalid(),
        Severity.WARN,
        Severity.WARN.name(),
        Value.of(body),
        Attributes.of(
            LOG_SOURCE, SOURCE_PLATFORM,
            DROPPED_RECORDS, dropped.droppedRecords(),
            DROPPED_BYTES, dropped.droppedBytes()));
  }
}
