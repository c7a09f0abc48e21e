package dev.lambdatelemetry.otel.telemetry.model;

import java.util.List;

/** {@code platform.initRuntimeDone}; {@code phase} is absent in 2022 captures. */
public record InitRuntimeDone(
    String initializationType, String phase, String status, String errorType, List<SpanRecord> spans)
    implements TelemetryRecord {}
