/** The Telemetry API side: subscription, the delivery listener, the inbox and the runtimeDone barrier. */
package dev.lambdatelemetry.otel.telemetry;
