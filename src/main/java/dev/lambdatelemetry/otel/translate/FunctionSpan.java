package dev.lambdatelemetry.otel.translate;

/**
 * One span the function's own SDK sent to the local OTLP endpoint, as the join sees it: its ids only
 * (lower-case hex), never its bytes.
 *
 * @param traceId 32 hex digits
 * @param spanId 16 hex digits
 * @param parentSpanId 16 hex digits, or null for a root span
 * @param requestId the invocation it names ({@code faas.invocation_id}, else {@code aws.request_id},
 *     else {@code faas.execution}), or null when it names none
 */
public record FunctionSpan(String traceId, String spanId, String parentSpanId, String requestId) {}
