package dev.lambdatelemetry.otel.simulator;

import java.io.IOException;
import java.time.Duration;

/**
 * The function's code, when it is instrumented with an OpenTelemetry SDK: what the simulated runtime runs
 * during each invocation, between {@code platform.start} and {@code platform.runtimeDone}. Its SDK exports to
 * the extension's local OTLP endpoint and flushes before the handler returns, as the OpenTelemetry Lambda
 * instrumentations do. The implementations (a Node.js process with the OpenTelemetry JS SDK, the OpenTelemetry
 * Java SDK in this JVM) live in {@code simulator.function}; the scenario runner depends on this contract only.
 */
public interface InstrumentedFunction {

  /**
   * Runs one invocation's handler: an entry span, child spans, a log record and a counter increment, flushed
   * before it returns. Returns within {@code timeout}, or throws.
   */
  FunctionCall invoke(FunctionRequest request, Duration timeout) throws IOException, InterruptedException;

  /**
   * What the runtime does on SIGTERM at the end of the environment: one last span and log record, then the
   * SDK's shutdown, which exports them. Returns within {@code timeout}, or throws.
   */
  FunctionCall shutdown(Duration timeout) throws IOException, InterruptedException;
}
