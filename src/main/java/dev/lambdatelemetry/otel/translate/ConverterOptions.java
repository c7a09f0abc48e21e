package dev.lambdatelemetry.otel.translate;

import dev.lambdatelemetry.otel.config.ExtensionConfig.Conversion;
import java.util.Objects;

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
 * @param join {@code lambda-telemetry.join}: how platform and function spans of one invocation are
 *     joined (nothing is joined while the converter has no {@link FunctionTraces})
 */
public record ConverterOptions(
    boolean platformLogLines,
    int maxOpenInvocations,
    String environmentInitType,
    boolean userServiceInstanceId,
    JoinMode join) {

  /**
   * An assertion only: the configured value is checked, with a message naming its property, by
   * {@code ConfigValidator} at init, so that conversion never has to.
   */
  public ConverterOptions {
    if (maxOpenInvocations < 1) {
      throw new IllegalArgumentException("maxOpenInvocations must be >= 1: " + maxOpenInvocations);
    }
    Objects.requireNonNull(join, "join");
  }

  /** Options with the default join ({@link JoinMode#DEFAULT}). */
  public ConverterOptions(boolean platformLogLines, int maxOpenInvocations, String environmentInitType,
      boolean userServiceInstanceId) {
    this(platformLogLines, maxOpenInvocations, environmentInitType, userServiceInstanceId, JoinMode.DEFAULT);
  }

  /** These options with another join mode. */
  public ConverterOptions withJoin(JoinMode mode) {
    return new ConverterOptions(platformLogLines, maxOpenInvocations, environmentInitType, userServiceInstanceId,
        mode);
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
