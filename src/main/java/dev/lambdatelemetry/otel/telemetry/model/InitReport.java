package dev.lambdatelemetry.otel.telemetry.model;

import java.util.List;

/** {@code platform.initReport}; {@code status} is absent in 2022 captures. */
public record InitReport(
    String initializationType,
    String phase,
    String status,
    String errorType,
    Double durationMs,
    List<SpanRecord> spans)
    implements TelemetryRecord {}
