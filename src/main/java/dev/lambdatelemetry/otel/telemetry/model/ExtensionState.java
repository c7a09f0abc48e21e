package dev.lambdatelemetry.otel.telemetry.model;

import java.util.List;

/** {@code platform.extension}: one per extension at the end of init. */
public record ExtensionState(String name, String state, List<String> events, String errorType)
    implements TelemetryRecord {}
