package dev.lambdatelemetry.otel.telemetry.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An event whose type we do not model (legacy {@code platform.fault}, {@code platform.end}, a future
 * type), or whose record has the wrong JSON shape for its type. Kept raw, never fails a batch.
 *
 * @param raw the record as received; may be a {@code NullNode}
 */
public record Unknown(String type, JsonNode raw) implements TelemetryRecord {}
