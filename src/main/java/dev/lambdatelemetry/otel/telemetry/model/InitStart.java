package dev.lambdatelemetry.otel.telemetry.model;

/**
 * {@code platform.initStart}. Every field may be absent (the 2022 shape has only
 * {@code initializationType} and {@code phase}).
 *
 * @param instanceMaxMemory bytes (the wire may say number or string)
 * @param instanceId in practice the log stream name
 */
public record InitStart(
    String initializationType,
    String phase,
    String runtimeVersion,
    String runtimeVersionArn,
    String functionName,
    String functionVersion,
    String instanceId,
    Long instanceMaxMemory,
    String functionArn)
    implements TelemetryRecord {}
