/**
 * Pure conversion of {@link dev.lambdatelemetry.otel.telemetry.model} events into OpenTelemetry spans,
 * log records and metrics: no I/O, timestamps from the events.
 */
package dev.lambdatelemetry.otel.translate;
