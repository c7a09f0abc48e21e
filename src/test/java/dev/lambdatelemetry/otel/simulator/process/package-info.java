/**
 * The process driver: the packaged extension started as a child process the way Lambda starts
 * {@code /opt/extensions/*} ({@link dev.lambdatelemetry.otel.simulator.process.ExtensionProcess}), and the
 * command lines built on the simulator: {@link dev.lambdatelemetry.otel.simulator.process.SimulatorMain} (the
 * benchmark's and the layer's AOT training run's driver) and {@link
 * dev.lambdatelemetry.otel.simulator.process.LocalRun} (the README's first command).
 *
 * <p>The top of the simulator: depends on every other part; nothing in the simulator depends on it (the
 * scenario runner sees a process only through {@link dev.lambdatelemetry.otel.simulator.SandboxProcess}).
 */
package dev.lambdatelemetry.otel.simulator.process;
