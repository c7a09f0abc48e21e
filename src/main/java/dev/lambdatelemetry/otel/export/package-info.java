/** OTLP export: exporters from configuration, bounded pending queues, deadline-bounded flushes. */
package dev.lambdatelemetry.otel.export;
