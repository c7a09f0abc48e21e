package dev.lambdatelemetry.otel.telemetry.model;

import java.util.List;

/** {@code platform.telemetrySubscription}: ours and other extensions' subscriptions. */
public record TelemetrySubscription(String name, String state, List<String> types)
    implements TelemetryRecord {}
