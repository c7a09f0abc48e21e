package dev.lambdatelemetry.otel.telemetry.model;

/** The {@code record} of a Telemetry API event, one variant per event type. */
public sealed interface TelemetryRecord
    permits InitStart,
        InitRuntimeDone,
        InitReport,
        Start,
        RuntimeDone,
        Report,
        RestoreStart,
        RestoreRuntimeDone,
        RestoreReport,
        ExtensionState,
        TelemetrySubscription,
        LogsDropped,
        LogLine,
        Unknown {}
