/** The Telemetry API side: the delivery listeners (HTTP, TCP), the batch parser, the inbox and the runtimeDone barrier. */
package dev.lambdatelemetry.otel.telemetry;
