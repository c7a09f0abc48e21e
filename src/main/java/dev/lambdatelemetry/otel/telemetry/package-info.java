/**
 * The Telemetry API side: the delivery listeners (HTTP, TCP), the bounded inbox, the batch parser,
 * the processing thread that feeds the converter, and the runtimeDone barrier.
 */
package dev.lambdatelemetry.otel.telemetry;
