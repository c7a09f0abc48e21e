package dev.lambdatelemetry.otel.translate;

import dev.lambdatelemetry.otel.config.ExtensionConfig.Conversion;

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

  /**
   * An assertion only: the configured value is checked, with a message naming its property, by
   * {@code ConfigValidator} at init, so that conversion never has to.
   */
  public ConverterOptions {
    if (maxOpenInvocations < 1) {
      throw new IllegalArgumentException("maxOpenInvocations must be >= 1: " + maxOpenInvocations);
    }
  }

  /**
   * The configuration's defaults ({@code lambda-telemetry.conversion.*}) for an environment of the
   * given type (may be null), with no user {@code service.instance.id}.
   */
  public static ConverterOptions defaults(String environmentInitType) {
    return new ConverterOptions(Conversion.DEFAULT_PLATFORM_LOG_LINES,
        Conversion.DEFAULT_MAX_OPEN_INVOCATIONS, environmentInitType, false);
  }
}
