/**
 * A built-in Lambda platform (test scope only, never in a production build or in the Lambda layer), used by the
 * README's local run, the end-to-end tests, the benchmarks and the layer's AOT training run.
 *
 * <p>{@link dev.lambdatelemetry.otel.simulator.LambdaSimulator} is the one entry point: it starts the platform
 * fake and plays a scenario on it ({@code ScenarioRunner}, {@code InvocationPlayer}), seeing the extension
 * process only through {@link dev.lambdatelemetry.otel.simulator.SandboxProcess} and the instrumented function
 * only through {@link dev.lambdatelemetry.otel.simulator.InstrumentedFunction}. The rest is split by role,
 * each sub-package depending only on the ones before it:
 *
 * <ol>
 * <li>{@code platform}: the platform fake (the Extensions and Telemetry APIs on loopback, telemetry delivery,
 *     the conformance recorder) and how it is configured. Depends on no other part of the simulator.</li>
 * <li>{@code scenario}: what to play (scenarios, invocations, simulated time, freeze windows). Depends on
 *     {@code platform}'s options only.</li>
 * <li>{@code measure}: what a run measured and the benchmark's instruments (result and report, the counting
 *     collector, the external probe). Depends on {@code platform} and {@code scenario}.</li>
 * <li>{@code function}: the instrumented function (a Node.js process with the OpenTelemetry JS SDK, or the
 *     OpenTelemetry Java SDK in this JVM). Depends on the entry point's contract only.</li>
 * <li>{@code process}: the extension as a child process and the command lines ({@code SimulatorMain},
 *     {@code LocalRun}). Depends on everything; nothing depends on it.</li>
 * </ol>
 *
 * This package (the entry point) depends on {@code platform}, {@code scenario} and {@code measure}, never on
 * {@code process} or {@code function}. {@code SimulatorLayeringTest} checks these rules.
 */
package dev.lambdatelemetry.otel.simulator;
