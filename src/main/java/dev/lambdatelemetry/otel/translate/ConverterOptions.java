package dev.lambdatelemetry.otel.translate;

/**
 * How {@link TelemetryConverter} behaves in this environment.
 *
 * @param platformLogLines also emit CloudWatch-style START/END/REPORT log records (source
 *     {@code platform}) from {@code platform.start}, {@code runtimeDone} and {@code report}
 * @param maxOpenInvocations how many invocation spans may be held waiting for their
 *     {@code platform.report}; beyond it the oldest is emitted with what is known; at least 1
 * @param environmentInitType {@code AWS_LAMBDA_INITIALIZATION_TYPE}, or null when unset
 * @param userServiceInstanceId true when the user configured {@code service.instance.id}, which a
 *     SnapStart restore must then leave alone
 */
public record ConverterOptions(
    boolean platformLogLines,
    int maxOpenInvocations,
    String environmentInitType,
    boolean userServiceInstanceId) {

  /** A sensible bound: Managed Instances run tens of concurrent requests, default Lambda one. */
  public static final int DEFAULT_MAX_OPEN_INVOCATIONS = 512;

  /** Validates at configuration time, so conversion never has to. */
  public ConverterOptions {
    if (maxOpenInvocations < 1) {
      throw new IllegalArgumentException("maxOpenInvocations must be >= 1: " + maxOpenInvocations);
    }
  }

  /** Defaults for an environment of the given type (may be null). */
  public static ConverterOptions defaults(String environmentInitType) {
    return new ConverterOptions(false, DEFAULT_MAX_OPEN_INVOCATIONS, environmentInitType, false);
  }
}
