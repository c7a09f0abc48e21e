package dev.lambdatelemetry.otel.telemetry.model;

import dev.lambdatelemetry.otel.json.JsonValue;

/**
 * A {@code function} or {@code extension} event. Exactly one of {@code text} and {@code object} is
 * non-null: a text-format line (a string record), or a JSON-format record (an object whose
 * {@code message} may be any JSON value).
 */
public record LogLine(LogSource source, String text, JsonValue.JsonObject object) implements TelemetryRecord {}
