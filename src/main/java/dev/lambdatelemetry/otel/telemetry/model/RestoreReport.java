package dev.lambdatelemetry.otel.telemetry.model;

import java.util.List;

/** {@code platform.restoreReport} (SnapStart). */
public record RestoreReport(
    String status, String errorType, Double durationMs, List<SpanRecord> spans)
    implements TelemetryRecord {}
