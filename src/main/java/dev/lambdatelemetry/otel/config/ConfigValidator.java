package dev.lambdatelemetry.otel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks what SmallRye cannot: ranges the platform enforces and values we must never use. Each
 * problem names the property, so the message in {@code init/error} and in the log says what to fix.
 */
public final class ConfigValidator {

  static final String PREFIX = "lambda-telemetry.";
  /** Ports the platform or other common extensions use. */
  static final Set<Integer> RESERVED_PORTS = Set.of(9001, 4317, 4318, 8124, 8125, 8126, 8999, 53612);
  static final Set<String> TYPES = Set.of("platform", "function", "extension");
  static final Set<String> SCHEMAS = Set.of("2022-07-01", "2022-12-13", "2025-01-29");

  private ConfigValidator() {}

  /** Returns the problems found, empty when the configuration is valid. */
  public static List<String> problems(ExtensionConfig c, boolean managedInstances) {
    List<String> p = new ArrayList<>();
    ExtensionConfig.Buffering b = c.subscription().buffering();
    range(p, "subscription.buffering.max-items", b.maxItems(), 1_000, 10_000);
    range(p, "subscription.buffering.max-bytes", b.maxBytes(), 262_144, 1_048_576);
    range(p, "subscription.buffering.timeout-ms", b.timeoutMs(), 25, 30_000);
    int port = c.listener().port();
    if (port < 1 || port > 65_535) {
      p.add(PREFIX + "listener.port must be 1..65535, was " + port);
    } else if (RESERVED_PORTS.contains(port)) {
      p.add(PREFIX + "listener.port " + port + " is reserved by Lambda or a common extension;"
          + " choose another (not 9001, 4317, 4318, 8124-8126, 8999, 53612)");
    }
    List<String> types = c.subscription().types();
    if (types.isEmpty() || !TYPES.containsAll(types)) {
      p.add(PREFIX + "subscription.types must be a non-empty subset of platform,function,extension,"
          + " was " + String.join(",", types));
    }
    c.subscription().schemaVersion().ifPresent(v -> {
      if (!SCHEMAS.contains(v)) {
        p.add(PREFIX + "subscription.schema-version must be one of " + SCHEMAS + ", was " + v);
      } else if (managedInstances && !"2025-01-29".equals(v)) {
        p.add(PREFIX + "subscription.schema-version must be 2025-01-29 on Lambda Managed Instances,"
            + " was " + v);
      }
    });
    if (c.inbox().maxBatches() < 1) {
      p.add(PREFIX + "inbox.max-batches must be at least 1, was " + c.inbox().maxBatches());
    }
    c.inbox().maxBytes().ifPresent(bytes -> {
      if (bytes < b.maxBytes() * 2L) {
        p.add(PREFIX + "inbox.max-bytes must hold at least two batches (2 x max-bytes = "
            + b.maxBytes() * 2L + "), was " + bytes);
      }
    });
    if (c.invoke().maxWait().isNegative() || c.invoke().deadlineMargin().isNegative()) {
      p.add(PREFIX + "invoke.max-wait and invoke.deadline-margin must not be negative");
    }
    if (c.shutdown().grace().isNegative() || c.shutdown().safetyMargin().isNegative()) {
      p.add(PREFIX + "shutdown.grace and shutdown.safety-margin must not be negative");
    }
    String path = c.listener().path();
    if (!path.startsWith("/") || path.contains(" ") || path.contains("?")) {
      p.add(PREFIX + "listener.path must be an absolute path such as /telemetry, was '" + path + "'");
    }
    if (c.conversion().maxOpenInvocations() < 1) {
      p.add(PREFIX + "conversion.max-open-invocations must be at least 1");
    }
    return p;
  }

  private static void range(List<String> p, String key, int v, int min, int max) {
    if (v < min || v > max) {
      p.add(PREFIX + key + " must be " + min + ".." + max + " (the platform's limits), was " + v);
    }
  }
}
