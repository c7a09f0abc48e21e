package dev.lambdatelemetry.otel.telemetry.model;

/**
 * A TraceContext: {@code {spanId?, type: "X-Amzn-Trace-Id", value: "Root=...;Parent=...;Sampled=1"}}.
 *
 * @param spanId 16 hex characters when present; nullable
 * @param type normally {@code X-Amzn-Trace-Id}; nullable
 * @param value the X-Ray header; nullable
 */
public record Tracing(String spanId, String type, String value) {}
