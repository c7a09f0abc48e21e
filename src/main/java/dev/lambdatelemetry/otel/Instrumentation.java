package dev.lambdatelemetry.otel;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;

/**
 * The one instrumentation scope of everything the extension produces: platform spans, logs and
 * metrics, and its own {@code lambda_telemetry.*} counters. One name, so that a backend groups them
 * together and a query on the scope finds all of them.
 */
public final class Instrumentation {

  /** The scope's name, as a backend shows it. */
  public static final String SCOPE_NAME = "lambda-telemetry-otel";

  /** The scope of every signal we produce. */
  public static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create(SCOPE_NAME);

  private Instrumentation() {}
}
