package dev.lambdatelemetry.otel.config;

import dev.lambdatelemetry.otel.export.FlushPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks every {@code lambda-telemetry.*} value that SmallRye's type conversion lets through: ranges
 * the platform enforces, bounds our queues and loops need, and values we must never use. The one
 * place these are checked, before init completes: a value that passed here must not fail later, on
 * a background thread, where it would only cost the telemetry. Each problem names the property, so
 * the message in {@code init/error} and in the log says what to fix.
 */
public final class ConfigValidator {

  static final String PREFIX = "lambda-telemetry.";
  /** Ports the platform or other common extensions use. */
  static final Set<Integer> RESERVED_PORTS = Set.of(9001, 4317, 4318, 8124, 8125, 8126, 8999, 53612);
  static final Set<String> TYPES = Set.of("platform", "function", "extension");
  static final Set<String> SCHEMAS = Set.of("2022-07-01", "2022-12-13", "2025-01-29");
  /** The platform's range of {@code subscription.buffering.max-bytes}. */
  static final int MIN_BUFFERING_BYTES = 262_144;
  static final int MAX_BUFFERING_BYTES = 1_048_576;
  /**
   * Upper bound of {@code export.queue.max-mib}: no Lambda function has the memory for two queues
   * this large beside its own work (the launcher gives the JVM 64 MiB at most).
   */
  static final int MAX_QUEUE_MIB = 1024;
  /**
   * Upper bound of every duration: far above any useful value (an invocation lasts 15 minutes at
   * most), and far below what overflows the nanosecond arithmetic of the waits (292 years).
   */
  static final Duration MAX_DURATION = Duration.ofDays(1);

  /** The local endpoint's body limit: an SDK's batch of one span fits in 1 KiB; 64 MiB fits no heap of ours. */
  static final int MIN_OTLP_BODY_BYTES = 1024;
  static final int MAX_OTLP_BODY_BYTES = 64 * 1024 * 1024;
  /** The grace after runtimeDone is billed to the user: a second is already far too long. */
  static final Duration MAX_OTLP_GRACE = Duration.ofSeconds(1);

  private ConfigValidator() {}

  /** Returns the problems found, empty when the configuration is valid. */
  public static List<String> problems(ExtensionConfig c, boolean managedInstances) {
    List<String> p = new ArrayList<>();
    ExtensionConfig.Buffering b = c.subscription().buffering();
    range(p, "subscription.buffering.max-items", b.maxItems(), 1_000, 10_000);
    range(p, "subscription.buffering.max-bytes", b.maxBytes(), MIN_BUFFERING_BYTES,
        MAX_BUFFERING_BYTES);
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
    if (c.functionLogs() == ExtensionConfig.FunctionLogs.OTLP && List.of("function").equals(types)) {
      p.add(PREFIX + "function-logs=otlp leaves nothing of " + PREFIX + "subscription.types=function"
          + " to subscribe to; add platform or extension, or choose function-logs=both");
    }
    c.subscription().schemaVersion().ifPresent(v -> {
      if (!SCHEMAS.contains(v)) {
        p.add(PREFIX + "subscription.schema-version must be one of " + SCHEMAS + ", was " + v);
      } else if (managedInstances && !"2025-01-29".equals(v)) {
        p.add(PREFIX + "subscription.schema-version must be 2025-01-29 on Lambda Managed Instances,"
            + " was " + v);
      }
    });
    atLeastOne(p, "inbox.max-batches", c.inbox().maxBatches());
    c.inbox().maxBytes().ifPresent(bytes -> {
      if (bytes < b.maxBytes() * 2L) {
        p.add(PREFIX + "inbox.max-bytes must hold at least two batches (2 x max-bytes = "
            + b.maxBytes() * 2L + "), was " + bytes);
      }
    });
    notNegative(p, "invoke.max-wait", c.invoke().maxWait());
    notNegative(p, "invoke.deadline-margin", c.invoke().deadlineMargin());
    notNegative(p, "shutdown.grace", c.shutdown().grace());
    notNegative(p, "shutdown.safety-margin", c.shutdown().safetyMargin());
    String path = c.listener().path();
    if (!path.startsWith("/") || path.contains(" ") || path.contains("?")) {
      p.add(PREFIX + "listener.path must be an absolute path such as /telemetry, was '" + path + "'");
    }
    atLeastOne(p, "conversion.max-open-invocations", c.conversion().maxOpenInvocations());
    export(p, c.export());
    otlpReceiver(p, c.otlpReceiver(), port);
    destination(p, c.otlp(), c.otlpReceiver());
    return p;
  }

  /** {@code lambda-telemetry.otlp-receiver.*}. */
  private static void otlpReceiver(List<String> p, ExtensionConfig.OtlpReceiver r, int listenerPort) {
    int http = r.httpPort();
    int grpc = r.grpcPort();
    range(p, "otlp-receiver.http-port", http, 1, 65_535, "");
    range(p, "otlp-receiver.grpc-port", grpc, 1, 65_535, "");
    if (r.enabled() && http == grpc) {
      p.add(PREFIX + "otlp-receiver.http-port and " + PREFIX + "otlp-receiver.grpc-port must differ,"
          + " both were " + http);
    }
    if (r.enabled() && !RESERVED_PORTS.contains(listenerPort)
        && (http == listenerPort || grpc == listenerPort)) {
      p.add(PREFIX + "otlp-receiver ports must differ from " + PREFIX + "listener.port ("
          + listenerPort + ")");
    }
    range(p, "otlp-receiver.max-body-bytes", r.maxBodyBytes(), MIN_OTLP_BODY_BYTES,
        MAX_OTLP_BODY_BYTES, "");
    notNegative(p, "otlp-receiver.grace", r.grace());
    if (r.grace().compareTo(MAX_OTLP_GRACE) > 0) {
      p.add(PREFIX + "otlp-receiver.grace must be at most " + MAX_OTLP_GRACE.toMillis()
          + " ms (it is added to the invocation when the function's export races its response), was "
          + r.grace());
    }
  }

  /**
   * {@code lambda-telemetry.otlp.*}: ours, so unlike {@code OTEL_*} a bad value fails init; and it
   * must not name our own local endpoint, which would send everything back to us.
   */
  private static void destination(List<String> p, ExtensionConfig.Destination d,
      ExtensionConfig.OtlpReceiver r) {
    d.endpoint().map(String::trim).filter(v -> !v.isEmpty()).ifPresent(raw -> {
      URI uri;
      try {
        uri = new URI(raw);
      } catch (URISyntaxException e) {
        p.add(OtelSettings.OwnDestination.ENDPOINT + " is not a URL: '" + Redaction.url(raw) + "'");
        return;
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        p.add(OtelSettings.OwnDestination.ENDPOINT + " must be an http:// or https:// URL with a host,"
            + " was '" + Redaction.url(raw) + "'");
        return;
      }
      if (r.enabled() && OtelSettings.isLoopback(uri)
          && (OtelSettings.port(uri) == r.httpPort() || OtelSettings.port(uri) == r.grpcPort())) {
        p.add(OtelSettings.OwnDestination.ENDPOINT + " '" + Redaction.url(raw) + "' is this"
            + " extension's own local OTLP endpoint (" + PREFIX + "otlp-receiver.*): set it to your"
            + " collector, or turn the receiver off");
      }
    });
    d.protocol().map(String::trim).filter(v -> !v.isEmpty()).ifPresent(v -> {
      String lower = v.toLowerCase(Locale.ROOT);
      if (!lower.equals("grpc") && !lower.equals("http/protobuf")) {
        p.add(OtelSettings.OwnDestination.PROTOCOL + " must be grpc or http/protobuf, was '" + v + "'");
      }
    });
    d.headers().map(String::trim).filter(v -> !v.isEmpty()).ifPresent(v -> {
      Set<String> bad = new LinkedHashSet<>();
      LenientValues.keyValues(OtelSettings.OwnDestination.HEADERS, v, bad);
      if (!bad.isEmpty()) {
        // The values are secrets: the message names the property, never the text.
        p.add(OtelSettings.OwnDestination.HEADERS + " must be k=v pairs separated by commas, values"
            + " URL-encoded; " + bad.size() + " entr" + (bad.size() == 1 ? "y is" : "ies are")
            + " malformed");
      }
    });
  }

  /** {@code lambda-telemetry.export.*}. */
  private static void export(List<String> p, ExportConfig e) {
    positive(p, "export.flush-budget", e.flushBudget());
    positive(p, "export.first-flush-budget", e.firstFlushBudget());
    atLeastOne(p, "export.max-batch-items", e.maxBatchItems());

    ExportConfig.Queue q = e.queue();
    atLeastOne(p, "export.queue.max-spans", q.maxSpans());
    atLeastOne(p, "export.queue.max-logs", q.maxLogs());
    q.maxMib().ifPresent(mib -> {
      if (mib < 1 || mib > MAX_QUEUE_MIB) {
        p.add(PREFIX + "export.queue.max-mib must be 1.." + MAX_QUEUE_MIB + ", was " + mib);
      }
    });

    ExportConfig.Retry r = e.retry();
    atLeastOne(p, "export.retry.max-attempts", r.maxAttempts());
    ordered(p, "export.retry.initial-backoff", r.initialBackoff(),
        "export.retry.max-backoff", r.maxBackoff());

    ExportConfig.Breaker br = e.breaker();
    atLeastOne(p, "export.breaker.failure-threshold", br.failureThreshold());
    ordered(p, "export.breaker.initial-wait", br.initialWait(),
        "export.breaker.max-wait", br.maxWait());

    ExportConfig.Adaptive a = e.adaptive();
    atLeastOne(p, "export.adaptive.frequent-invocations", a.frequentInvocations());
    positive(p, "export.adaptive.window", a.window());
    positive(p, "export.adaptive.interval", a.interval());
    positive(p, "export.adaptive.backstop", a.backstop());

    // The strategy's own parse, so that its message (naming the property) is reported here with the
    // others; it also checks a periodic or continuous interval.
    try {
      FlushPolicy.from(e);
    } catch (IllegalArgumentException ex) {
      p.add(ex.getMessage());
    }
  }

  private static void range(List<String> p, String key, int v, int min, int max) {
    range(p, key, v, min, max, " (the platform's limits)");
  }

  private static void range(List<String> p, String key, int v, int min, int max, String why) {
    if (v < min || v > max) {
      p.add(PREFIX + key + " must be " + min + ".." + max + why + ", was " + v);
    }
  }

  private static void atLeastOne(List<String> p, String key, long v) {
    if (v < 1) {
      p.add(PREFIX + key + " must be at least 1, was " + v);
    }
  }

  private static void notNegative(List<String> p, String key, Duration d) {
    if (d.isNegative()) {
      p.add(PREFIX + key + " must not be negative, was " + d);
    } else {
      notTooLong(p, key, d);
    }
  }

  /** False, with the problem added, when {@code d} is zero, negative or too long. */
  private static boolean positive(List<String> p, String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      p.add(PREFIX + key + " must be positive, was " + d);
      return false;
    }
    return notTooLong(p, key, d);
  }

  private static boolean notTooLong(List<String> p, String key, Duration d) {
    if (d.compareTo(MAX_DURATION) > 0) {
      p.add(PREFIX + key + " must be at most " + MAX_DURATION + ", was " + d);
      return false;
    }
    return true;
  }

  /** Both positive, and the first (an initial value) no larger than the second (its cap). */
  private static void ordered(
      List<String> p, String firstKey, Duration first, String capKey, Duration cap) {
    boolean firstOk = positive(p, firstKey, first);
    boolean capOk = positive(p, capKey, cap);
    if (firstOk && capOk && first.compareTo(cap) > 0) {
      p.add(PREFIX + firstKey + " (" + first + ") must not exceed " + PREFIX + capKey + " ("
          + cap + ")");
    }
  }
}
