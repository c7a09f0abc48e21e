package dev.lambdatelemetry.otel.telemetry.model;

/** {@code platform.start}; {@code tracing} is present only for sampled requests. */
public record Start(
    String requestId, String version, Tracing tracing, String functionArn, String tenantId)
    implements TelemetryRecord {}
