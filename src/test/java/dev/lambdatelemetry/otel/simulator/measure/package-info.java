/**
 * Benchmark measurement: what one run measured ({@link
 * dev.lambdatelemetry.otel.simulator.measure.SimulationResult}: start-up times, per-invocation added time and
 * CPU, RSS samples, the warm phase's ingest, and the JSON report {@code deploy/benchmark.sh} reads), the healthy
 * collector that counts what arrives without keeping it ({@link
 * dev.lambdatelemetry.otel.simulator.measure.BenchmarkCollector}) and the external probe run at chosen moments
 * ({@link dev.lambdatelemetry.otel.simulator.measure.ProbeCommand}).
 *
 * <p>Depends on {@code platform} (JSON, the HTTP server's tuning) and {@code scenario} (an invocation's scripted
 * outcome); never on the process driver.
 */
package dev.lambdatelemetry.otel.simulator.measure;
