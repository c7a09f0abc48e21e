package dev.lambdatelemetry.otel.telemetry.model;

import java.util.List;

/** {@code platform.report}; a missing {@code status} means success (older data). */
public record Report(
    String requestId,
    String status,
    String errorType,
    ReportMetrics metrics,
    List<SpanRecord> spans,
    Tracing tracing,
    String tenantId)
    implements TelemetryRecord {}
