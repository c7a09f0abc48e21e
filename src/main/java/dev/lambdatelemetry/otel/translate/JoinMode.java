package dev.lambdatelemetry.otel.translate;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the platform invocation span and the function's own entry span of the same invocation are
 * joined into one trace ({@code lambda-telemetry.join}).
 */
public enum JoinMode {

  /**
   * The function's entry span becomes a child of the platform invocation span; where the two are
   * not already in one trace, the platform's spans take the entry span's trace id and parent.
   */
  REWRITE("rewrite"),

  /** No id is changed: the two spans get a span link to each other. */
  LINK("link"),

  /** No join: platform and function spans are exported exactly as they are made and received. */
  OFF("off");

  /** The default of {@code lambda-telemetry.join}. */
  public static final JoinMode DEFAULT = REWRITE;

  private final String configName;

  JoinMode(String configName) {
    this.configName = configName;
  }

  /** The value as written in configuration: {@code rewrite}, {@code link} or {@code off}. */
  public String configName() {
    return configName;
  }

  /**
   * The mode a configured value names, ignoring case and surrounding blanks; empty for anything
   * else (the caller names the property and {@link #configNames()} in its error).
   */
  public static Optional<JoinMode> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(m -> m.configName.equals(wanted)).findFirst();
  }

  /** The accepted values, for error messages: {@code rewrite|link|off}. */
  public static String configNames() {
    return Arrays.stream(values()).map(JoinMode::configName).collect(Collectors.joining("|"));
  }

  @Override
  public String toString() {
    return configName;
  }
}
