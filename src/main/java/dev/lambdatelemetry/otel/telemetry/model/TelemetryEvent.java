package dev.lambdatelemetry.otel.telemetry.model;

import java.time.Instant;

/**
 * One element of a Telemetry API batch: the envelope {@code {time, type, record}}.
 *
 * @param time when the platform generated the record (envelope {@code time}); never null (the parser
 *     substitutes the receive time when the envelope time is missing or unparseable)
 * @param type the raw {@code type} string, e.g. {@code platform.start}
 * @param record the typed record
 */
public record TelemetryEvent(Instant time, String type, TelemetryRecord record) {}
