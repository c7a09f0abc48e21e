package dev.lambdatelemetry.otel.telemetry.model;

import dev.lambdatelemetry.otel.json.JsonValue;

/**
 * An event whose type we do not model (legacy {@code platform.fault}, {@code platform.end}, a future
 * type), or whose record has the wrong JSON shape for its type. Kept raw, never fails a batch.
 *
 * @param raw the record as received; may be {@link JsonValue.JsonNull}
 */
public record Unknown(String type, JsonValue raw) implements TelemetryRecord {}
