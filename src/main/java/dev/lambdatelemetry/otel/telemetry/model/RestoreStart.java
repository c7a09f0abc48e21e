package dev.lambdatelemetry.otel.telemetry.model;

/** {@code platform.restoreStart} (SnapStart); the record may be {@code {}}. */
public record RestoreStart(
    String functionName,
    String functionVersion,
    String instanceId,
    Long instanceMaxMemory,
    String runtimeVersion,
    String runtimeVersionArn)
    implements TelemetryRecord {}
