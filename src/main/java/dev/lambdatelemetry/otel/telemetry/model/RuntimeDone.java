package dev.lambdatelemetry.otel.telemetry.model;

import java.util.List;

/** {@code platform.runtimeDone} (never sent on Lambda Managed Instances). */
public record RuntimeDone(
    String requestId,
    String status,
    String errorType,
    Double durationMs,
    Long producedBytes,
    List<SpanRecord> spans,
    Tracing tracing,
    String tenantId)
    implements TelemetryRecord {}
