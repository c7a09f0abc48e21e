package dev.lambdatelemetry.otel.simulator.function;

import dev.lambdatelemetry.otel.simulator.InstrumentedFunction;

/** An {@link InstrumentedFunction} this JVM started, and stops. */
public interface LocalFunction extends InstrumentedFunction, AutoCloseable {

  /** What runs, for a run's output: the SDK and the protocol. */
  String description();

  /** Stops the function; a process is gone when this returns. */
  @Override
  void close();
}
