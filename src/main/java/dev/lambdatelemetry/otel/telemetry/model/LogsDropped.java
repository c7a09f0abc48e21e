package dev.lambdatelemetry.otel.telemetry.model;

/** {@code platform.logsDropped}: the platform dropped records it could not deliver. */
public record LogsDropped(long droppedRecords, long droppedBytes, String reason)
    implements TelemetryRecord {}
