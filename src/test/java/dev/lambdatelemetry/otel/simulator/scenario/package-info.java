/**
 * Scenario scripting: what the simulated platform plays. A {@link
 * dev.lambdatelemetry.otel.simulator.scenario.Scenario} is the scripted life of one execution environment (a cold
 * start, {@link dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec invocations}, SHUTDOWN); {@link
 * dev.lambdatelemetry.otel.simulator.scenario.SimulatedTime} is the one place the simulator lets time pass; a
 * {@link dev.lambdatelemetry.otel.simulator.scenario.FreezeWindow} is one real freeze of the process.
 *
 * <p>Plain values: depends only on {@code platform}'s options (the SHUTDOWN reason depends on the platform
 * played), never on measurement or on the process driver.
 */
package dev.lambdatelemetry.otel.simulator.scenario;
