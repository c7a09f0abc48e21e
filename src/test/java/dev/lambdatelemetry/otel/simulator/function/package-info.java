/**
 * The instrumented function the simulated runtime runs (test scope only): a handler whose OpenTelemetry SDK
 * exports spans, log records and metrics to the extension's local OTLP endpoint, implementing the simulator's
 * {@link dev.lambdatelemetry.otel.simulator.InstrumentedFunction}. {@link
 * dev.lambdatelemetry.otel.simulator.function.NodeFunction} runs {@code src/test/node/function.mjs} with the
 * OpenTelemetry JS SDK (what most Lambda users run); {@link
 * dev.lambdatelemetry.otel.simulator.function.JavaSdkFunction} does the same with the OpenTelemetry Java SDK in
 * this JVM, for machines without Node.js. {@link dev.lambdatelemetry.otel.simulator.function.LocalFunctions}
 * picks one. Depends on the entry point's contract only.
 */
package dev.lambdatelemetry.otel.simulator.function;
