package dev.lambdatelemetry.otel.telemetry.model;

import java.util.List;

/** {@code platform.restoreRuntimeDone} (SnapStart). */
public record RestoreRuntimeDone(String status, String errorType, List<SpanRecord> spans)
    implements TelemetryRecord {}
