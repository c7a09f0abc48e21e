package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.DROPPED_BYTES;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.DROPPED_RECORDS;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.FAAS_INVOCATION_ID;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.LOG_SOURCE;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.STATUS_SUCCESS;

import dev.lambdatelemetry.otel.telemetry.model.LogsDropped;
import dev.lambdatelemetry.otel.telemetry.model.Report;
import dev.lambdatelemetry.otel.telemetry.model.ReportMetrics;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;
import java.util.Locale;

/**
 * Log records made from {@code platform.*} events: the WARN record of {@code platform.logsDropped},
 * and, when {@link ConverterOptions#platformLogLines()} asks for them, the START/END/REPORT lines
 * CloudWatch Logs shows for every invocation, so users who search for them still find them.
 */
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

  /** {@code START RequestId: <id> Version: <v>} at {@code platform.start}. */
  static LambdaLogRecord start(String requestId, String version, Instant time, SpanContext invocation,
      Resource resource, InstrumentationScopeInfo scope) {
    String body = "START RequestId: " + requestId + " Version: " + (version == null ? "$LATEST" : version);
    return line(body, requestId, time, invocation, resource, scope);
  }

  /** {@code END RequestId: <id>} at {@code platform.runtimeDone} (or at the report on Managed Instances). */
  static LambdaLogRecord end(String requestId, Instant time, SpanContext invocation, Resource resource,
      InstrumentationScopeInfo scope) {
    return line("END RequestId: " + requestId, requestId, time, invocation, resource, scope);
  }

  /**
   * The tab-separated REPORT line as CloudWatch prints it: durations with two decimals, sizes in MB,
   * only the fields the report has, and the status and error type when it is not a success.
   */
  static LambdaLogRecord report(Report report, Instant time, SpanContext invocation, Resource resource,
      InstrumentationScopeInfo scope) {
    ReportMetrics m = report.metrics() == null ? ReportMetrics.EMPTY : report.metrics();
    StringBuilder body = new StringBuilder(160).append("REPORT RequestId: ").append(report.requestId());
    appendMillis(body, "Duration", m.durationMs());
    appendWhole(body, "Billed Duration", m.billedDurationMs(), "ms");
    appendWhole(body, "Memory Size", m.memorySizeMB(), "MB");
    appendWhole(body, "Max Memory Used", m.maxMemoryUsedMB(), "MB");
    appendMillis(body, "Init Duration", m.initDurationMs());
    appendMillis(body, "Restore Duration", m.restoreDurationMs());
    appendWhole(body, "Billed Restore Duration", m.billedRestoreDurationMs(), "ms");
    if (report.status() != null && !STATUS_SUCCESS.equals(report.status())) {
      body.append("\tStatus: ").append(report.status());
      if (report.errorType() != null) {
        body.append("\tError Type: ").append(report.errorType());
      }
    }
    return line(body.toString(), report.requestId(), time, invocation, resource, scope);
  }

  private static LambdaLogRecord line(String body, String requestId, Instant time, SpanContext invocation,
      Resource resource, InstrumentationScopeInfo scope) {
    long nanos = SpanTranslator.nanos(time);
    return new LambdaLogRecord(
        resource,
        scope,
        nanos,
        nanos,
        invocation,
        Severity.INFO,
        null,
        Value.of(body),
        Attributes.of(LOG_SOURCE, SOURCE_PLATFORM, FAAS_INVOCATION_ID, requestId));
  }

  private static void appendMillis(StringBuilder body, String label, Double millis) {
    if (millis != null) {
      body.append('\t').append(label).append(": ").append(String.format(Locale.ROOT, "%.2f", millis)).append(" ms");
    }
  }

  private static void appendWhole(StringBuilder body, String label, Long value, String unit) {
    if (value != null) {
      body.append('\t').append(label).append(": ").append(value).append(' ').append(unit);
    }
  }
}
