/** The lifecycle against the Runtime API: register, subscribe to the Telemetry API, the event loop, init and exit errors. */
package dev.lambdatelemetry.otel.lifecycle;
