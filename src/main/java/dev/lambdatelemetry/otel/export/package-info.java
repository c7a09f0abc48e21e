/**
 * OTLP export: exporters from configuration, bounded pending queues, deadline-bounded flushes, and the
 * function's own telemetry (received on the local OTLP endpoint) sent in the same flushes, as it came.
 */
package dev.lambdatelemetry.otel.export;
