package dev.lambdatelemetry.otel.translate;

import dev.lambdatelemetry.otel.telemetry.model.InitReport;
import dev.lambdatelemetry.otel.telemetry.model.InitRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.InitStart;
import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import dev.lambdatelemetry.otel.telemetry.model.LogSource;
import dev.lambdatelemetry.otel.telemetry.model.LogsDropped;
import dev.lambdatelemetry.otel.telemetry.model.Report;
import dev.lambdatelemetry.otel.telemetry.model.ReportMetrics;
import dev.lambdatelemetry.otel.telemetry.model.RestoreReport;
import dev.lambdatelemetry.otel.telemetry.model.RestoreRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.RestoreStart;
import dev.lambdatelemetry.otel.telemetry.model.RuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.SpanRecord;
import dev.lambdatelemetry.otel.telemetry.model.Start;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.telemetry.model.Tracing;
import java.time.Instant;
import java.util.List;

/** Builds Telemetry API events in code, shaped like the wire events of the fixtures. */
final class Events {

  private Events() {}

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  static Tracing xray(String spanId, String header) {
    return new Tracing(spanId, "X-Amzn-Trace-Id", header);
  }

  static SpanRecord span(String name, String start, double durationMs) {
    return new SpanRecord(name, at(start), durationMs);
  }

  static TelemetryEvent initStart(String time, String type, String phase, String instanceId) {
    return new TelemetryEvent(at(time), "platform.initStart",
        new InitStart(type, phase, null, null, null, null, instanceId, null, null));
  }

  static TelemetryEvent initRuntimeDone(String time, String type, String phase, String status, String errorType) {
    return new TelemetryEvent(at(time), "platform.initRuntimeDone",
        new InitRuntimeDone(type, phase, status, errorType, null));
  }

  static TelemetryEvent initReport(String time, String type, String phase, String status, Double durationMs) {
    return new TelemetryEvent(at(time), "platform.initReport",
        new InitReport(type, phase, status, null, durationMs, null));
  }

  static TelemetryEvent start(String time, String requestId, String version, Tracing tracing) {
    return new TelemetryEvent(at(time), "platform.start", new Start(requestId, version, tracing, null, null));
  }

  static TelemetryEvent start(String time, String requestId) {
    return start(time, requestId, "$LATEST", null);
  }

  static TelemetryEvent lmiStart(String time, String requestId, String functionArn) {
    return new TelemetryEvent(at(time), "platform.start", new Start(requestId, "1", null, functionArn, null));
  }

  static TelemetryEvent runtimeDone(String time, String requestId, String status, String errorType,
      Double durationMs, Long producedBytes, Tracing tracing, List<SpanRecord> spans) {
    return new TelemetryEvent(at(time), "platform.runtimeDone",
        new RuntimeDone(requestId, status, errorType, durationMs, producedBytes, spans, tracing, null));
  }

  static TelemetryEvent runtimeDone(String time, String requestId, String status, double durationMs) {
    return runtimeDone(time, requestId, status, null, durationMs, null, null, List.of());
  }

  static TelemetryEvent report(String time, String requestId, String status, String errorType,
      ReportMetrics metrics, Tracing tracing, List<SpanRecord> spans) {
    return new TelemetryEvent(at(time), "platform.report",
        new Report(requestId, status, errorType, metrics, spans, tracing, null));
  }

  static TelemetryEvent report(String time, String requestId, String status, ReportMetrics metrics) {
    return report(time, requestId, status, null, metrics, null, List.of());
  }

  static ReportMetrics metrics(double durationMs, long billed, long memory, long maxUsed, Double initMs) {
    return new ReportMetrics(durationMs, billed, memory, maxUsed, initMs, null, null);
  }

  static ReportMetrics durationOnly(double durationMs) {
    return new ReportMetrics(durationMs, null, null, null, null, null, null);
  }

  static TelemetryEvent restoreStart(String time, String instanceId) {
    return new TelemetryEvent(at(time), "platform.restoreStart",
        new RestoreStart(null, null, instanceId, null, null, null));
  }

  static TelemetryEvent restoreRuntimeDone(String time, String status, String errorType) {
    return new TelemetryEvent(at(time), "platform.restoreRuntimeDone",
        new RestoreRuntimeDone(status, errorType, null));
  }

  static TelemetryEvent restoreReport(String time, String status, String errorType, Double durationMs) {
    return new TelemetryEvent(at(time), "platform.restoreReport",
        new RestoreReport(status, errorType, durationMs, null));
  }

  static TelemetryEvent functionLog(String time, String text) {
    return new TelemetryEvent(at(time), "function", new LogLine(LogSource.FUNCTION, text, null));
  }

  static TelemetryEvent extensionLog(String time, String text) {
    return new TelemetryEvent(at(time), "extension", new LogLine(LogSource.EXTENSION, text, null));
  }

  static TelemetryEvent logsDropped(String time, long records, long bytes, String reason) {
    return new TelemetryEvent(at(time), "platform.logsDropped", new LogsDropped(records, bytes, reason));
  }
}
