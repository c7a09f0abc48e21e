package dev.lambdatelemetry.otel.telemetry.model;

import java.time.Instant;

/**
 * An element of a {@code spans[]} array ({@code responseLatency}, {@code runtimeOverhead}, ...). The
 * parser keeps only elements with a name, a parseable start and a finite, non-negative duration.
 */
public record SpanRecord(String name, Instant start, double durationMs) {}
