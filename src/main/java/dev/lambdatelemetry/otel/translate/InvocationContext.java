package dev.lambdatelemetry.otel.translate;

import io.opentelemetry.api.trace.SpanContext;

/**
 * What a log record needs to know about the invocation it belongs to.
 *
 * @param requestId the AWS request id ({@code faas.invocation_id})
 * @param spanContext the invocation span's context (trace id, span id, flags)
 */
public record InvocationContext(String requestId, SpanContext spanContext) {}
