/**
 * The lifecycle against the Runtime API: register, subscribe to the Telemetry API, the event loop,
 * init and exit errors. Read in this order: {@link dev.lambdatelemetry.otel.lifecycle.Main}
 * (register before anything else), {@code ExtensionApplication} (init: check the configuration,
 * start the telemetry side, subscribe), {@code EventLoop} ({@code next}, dispatch, fail open),
 * {@code InvocationFlow} (one invocation: wait for runtimeDone, flush within the budget) and {@code
 * ShutdownSequence} (SHUTDOWN, top to bottom). The last two reach the converter and the export
 * pipeline only through {@code TelemetrySide}, built by {@code TelemetryStartup} on its own thread
 * and handed over by {@code Ready}. {@link dev.lambdatelemetry.otel.lifecycle.LambdaApi} holds the
 * API's paths, headers and environment variables.
 */
package dev.lambdatelemetry.otel.lifecycle;
