/**
 * The platform fake: the Lambda Extensions API and Telemetry API served on loopback with RAPID's validation
 * and answers ({@code ExtensionsApiHandler}, {@code TelemetryApiHandler}), the registry of extensions and their
 * pending events, the telemetry bus and one dispatcher per subscriber that batches and delivers events the way
 * the platform does, the builders of the platform's event shapes ({@link
 * dev.lambdatelemetry.otel.simulator.platform.PlatformEvents}), and the conformance recorder of every call and
 * every rule broken. {@link dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions} says which platform to
 * play.
 *
 * <p>It plays no scenario and knows no process: it answers, delivers and records, while whoever drives it
 * publishes events and hands out INVOKE and SHUTDOWN. Depends on no other part of the simulator.
 */
package dev.lambdatelemetry.otel.simulator.platform;
