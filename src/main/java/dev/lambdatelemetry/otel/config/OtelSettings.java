package dev.lambdatelemetry.otel.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * {@link OtelConfig} checked and resolved per signal: the exporters, the final endpoint URL, the merged
 * headers. Built by {@link #from(OtelConfig)}.
 *
 * <p>The {@code OTEL_*} variables are the function's as much as ours: Lambda gives the function and its
 * extensions one environment, and a value the function's SDK accepts ({@code http/json}, {@code
 * otlp,console}, {@code prometheus}) must not make us fail the function's init. So, as the SDK
 * specification asks, an invalid or unsupported value never fails: it is ignored with a warning and the
 * default (or the general setting, for a per-signal one) is used. The warnings are kept in {@link
 * #warnings()} and logged once, at start-up, by {@link #validate(OtelConfig)}. Only our own {@code
 * lambda-telemetry.*} values fail init ({@link ConfigValidator}).
 */
public record OtelSettings(
    boolean sdkDisabled,
    Target traces,
    Target logs,
    Target metrics,
    Duration metricExportInterval,
    List<String> warnings) {

  /** The OTLP defaults of the specification. */
  public static final String DEFAULT_HTTP_ENDPOINT = "http://localhost:4318";

  public static final String DEFAULT_GRPC_ENDPOINT = "http://localhost:4317";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** {@code OTEL_METRIC_EXPORT_INTERVAL}'s default. */
  public static final Duration DEFAULT_METRIC_EXPORT_INTERVAL = Duration.ofSeconds(60);
  /**
   * Longest duration accepted: far beyond any useful timeout or interval, and far below what
   * overflows the nanosecond arithmetic of the SDK's builders and of our waits (292 years).
   */
  static final Duration MAX_DURATION = Duration.ofDays(365L * 100);

  static final String RESOURCE_ATTRIBUTES = "otel.resource.attributes";

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.config");
  private static final Pattern DURATION_SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

  /** Copies the warnings: the record stays immutable. */
  public OtelSettings {
    warnings = List.copyOf(warnings);
  }

  /**
   * Resolves the settings and logs each warning once (WARN); called once, at start-up. Never throws
   * for an {@code OTEL_*} value.
   *
   * @return the warnings logged
   */
  public static List<String> validate(OtelConfig config) {
    List<String> warnings = from(config).warnings();
    warnings.forEach(LOG::warn);
    return warnings;
  }

  /** Checks and resolves every signal; silent: what it ignored is in {@link #warnings()}. */
  public static OtelSettings from(OtelConfig config) {
    Set<String> warnings = new LinkedHashSet<>(); // the general settings are read once per signal
    OtelConfig.Otlp otlp = config.exporter().otlp();
    // Checked here too so that a bad entry is reported at start-up; ResourceFactory skips it.
    parseKeyValues(RESOURCE_ATTRIBUTES, config.resource().attributes().orElse(""), warnings);
    String interval = "otel.metric.export.interval";
    Duration metricInterval =
        duration(interval, config.metric().export().interval(), warnings)
            .orElse(DEFAULT_METRIC_EXPORT_INTERVAL);
    Target traces = target(Signal.TRACES, config.traces().exporter(), otlp, otlp.traces(), warnings);
    Target logs = target(Signal.LOGS, config.logs().exporter(), otlp, otlp.logs(), warnings);
    Target metrics =
        target(Signal.METRICS, config.metrics().exporter(), otlp, otlp.metrics(), warnings);
    return new OtelSettings(
        config.sdk().disabled(), traces, logs, metrics, metricInterval, new ArrayList<>(warnings));
  }

  /** The settings of one signal. */
  public Target target(Signal signal) {
    return switch (signal) {
      case TRACES -> traces;
      case LOGS -> logs;
      case METRICS -> metrics;
    };
  }

  /**
   * Parses {@code k=v,k2=v2} (W3C baggage-like, values URL-decoded) as used by {@code
   * otel.resource.attributes} and {@code otel.exporter.otlp.headers}. An entry without {@code =} or
   * key, or whose value is not URL-encoded, is skipped: the others still apply.
   */
  public static Map<String, String> parseKeyValues(String property, String raw) {
    return parseKeyValues(property, raw, new LinkedHashSet<>());
  }

  private static Map<String, String> parseKeyValues(
      String property, String raw, Collection<String> warnings) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isBlank()) {
      return out;
    }
    int position = 0;
    for (String entry : raw.split(",")) {
      position++;
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String key = eq < 0 ? "" : entry.substring(0, eq).trim();
      if (eq < 0 || key.isEmpty()) {
        // The entry may hold a secret (a header's value): name its position, never its text.
        warnings.add(named(property) + ": entry " + position + " has no key or no '=', ignored;"
            + " expected comma-separated key=value pairs");
        continue;
      }
      try {
        out.put(key, URLDecoder.decode(entry.substring(eq + 1).trim(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        warnings.add(named(property) + ": the value of '" + key + "' is not URL-encoded, ignored");
      }
    }
    return out;
  }

  private static Target target(
      Signal signal,
      String exporterRaw,
      OtelConfig.Otlp general,
      OtelConfig.OtlpCommon specific,
      Collection<String> warnings) {
    String name = signal.key();
    List<ExporterKind> exporters =
        ExporterKind.parseList("otel." + name + ".exporter", exporterRaw, warnings);
    String prefix = "otel.exporter.otlp.";
    String signalPrefix = prefix + name + ".";

    Protocol protocol =
        specific.protocol().flatMap(v -> Protocol.parse(signalPrefix + "protocol", v, warnings))
            .or(() -> general.protocol().flatMap(v -> Protocol.parse(prefix + "protocol", v, warnings)))
            .orElse(Protocol.HTTP_PROTOBUF);

    Optional<URI> endpoint =
        specific.endpoint()
            .flatMap(v -> uri(signalPrefix + "endpoint", v, warnings, "the general endpoint"));
    if (endpoint.isEmpty()) {
      String defaultBase = protocol == Protocol.GRPC ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT;
      String path = protocol == Protocol.HTTP_PROTOBUF ? "v1/" + name : "";
      String base =
          general.endpoint()
              .filter(v -> uri(prefix + "endpoint", v, warnings, "the default").isPresent())
              .orElse(defaultBase)
              .trim();
      if (!path.isEmpty()) {
        base = (base.endsWith("/") ? base : base + "/") + path;
      }
      endpoint = uri(prefix + "endpoint", base, warnings, "the default")
          .or(() -> Optional.of(URI.create(defaultBase + "/" + path)));
    }

    Map<String, String> headers = new LinkedHashMap<>();
    headers.putAll(parseKeyValues(prefix + "headers", general.headers().orElse(""), warnings));
    headers.putAll(parseKeyValues(signalPrefix + "headers", specific.headers().orElse(""), warnings));

    Compression compression =
        specific.compression()
            .flatMap(v -> Compression.parse(signalPrefix + "compression", v, warnings))
            .or(() -> general.compression()
                .flatMap(v -> Compression.parse(prefix + "compression", v, warnings)))
            .orElse(Compression.NONE);

    Duration timeout =
        specific.timeout().flatMap(v -> duration(signalPrefix + "timeout", v, warnings))
            .or(() -> general.timeout().flatMap(v -> duration(prefix + "timeout", v, warnings)))
            .orElse(DEFAULT_TIMEOUT);

    Optional<Path> certificate =
        file(signalPrefix + "certificate", specific.certificate(), warnings)
            .or(() -> file(prefix + "certificate", general.certificate(), warnings));
    Optional<Path> clientKey =
        file(signalPrefix + "client.key", specific.clientKey(), warnings)
            .or(() -> file(prefix + "client.key", general.clientKey(), warnings));
    Optional<Path> clientCertificate =
        file(signalPrefix + "client.certificate", specific.clientCertificate(), warnings)
            .or(() -> file(prefix + "client.certificate", general.clientCertificate(), warnings));
    if (clientKey.isPresent() != clientCertificate.isPresent()) {
      // Named without the signal so that the general settings, read once per signal, warn once.
      warnings.add(named(prefix + "client.key") + " / " + named(prefix + "client.certificate")
          + " (or their per-signal forms): both or neither must be set; no client certificate is"
          + " used");
      clientKey = Optional.empty();
      clientCertificate = Optional.empty();
    }
    return new Target(
        signal, exporters, protocol, endpoint.orElseThrow(), Collections.unmodifiableMap(headers),
        compression, timeout, certificate, clientKey, clientCertificate);
  }

  /** The URL, or empty with a warning naming what is used instead. */
  private static Optional<URI> uri(
      String property, String raw, Collection<String> warnings, String instead) {
    String problem;
    try {
      URI uri = new URI(raw.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return Optional.of(uri);
      }
      problem = "expected an http:// or https:// URL with a host";
    } catch (URISyntaxException e) {
      problem = "not a valid URL";
    }
    warnings.add(named(property) + "='" + Redaction.url(raw) + "': " + problem + "; using " + instead);
    return Optional.empty();
  }

  /**
   * The spec's timeout is bare milliseconds; {@code 10s}, {@code 500ms} and ISO-8601 also work.
   *
   * @throws IllegalArgumentException naming {@code property} when {@code raw} is none of these or not
   *     positive
   */
  public static Duration duration(String property, String raw) {
    String value = raw.trim();
    Duration d;
    try {
      if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
        d = Duration.ofMillis(Long.parseLong(value));
      } else {
        Matcher m = DURATION_SHORT.matcher(value);
        if (m.matches()) {
          long n = Long.parseLong(m.group(1));
          d =
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              };
        } else {
          d = Duration.parse(value);
        }
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          property + ": expected milliseconds or a duration such as 10s, got '" + raw + "'");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(property + ": must be positive, got '" + raw + "'");
    }
    if (d.compareTo(MAX_DURATION) > 0) {
      // The OTLP builders and our waits take it in nanoseconds (Duration.toNanos() throws past
      // 292 years): a value beyond it would fail later, at an exporter's construction or on a
      // background thread, instead of here.
      throw new IllegalArgumentException(
          property + ": must be at most " + MAX_DURATION.toDays() + " days, got '" + raw + "'");
    }
    return d;
  }

  /** {@link #duration(String, String)}, or empty with a warning. */
  private static Optional<Duration> duration(
      String property, String raw, Collection<String> warnings) {
    try {
      return Optional.of(duration(property, raw));
    } catch (IllegalArgumentException e) {
      warnings.add(named(property) + "='" + raw + "': expected positive milliseconds or a duration"
          + " such as 10s, of at most 100 years; ignored, the default (or the general setting) is used");
      return Optional.empty();
    }
  }

  private static Optional<Path> file(
      String property, Optional<String> raw, Collection<String> warnings) {
    if (raw.isEmpty() || raw.get().isBlank()) {
      return Optional.empty();
    }
    Path path;
    try {
      path = Path.of(raw.get().trim());
    } catch (InvalidPathException e) {
      path = null;
    }
    if (path == null || !Files.isReadable(path)) {
      warnings.add(named(property) + "='" + raw.get() + "': file not readable; ignored");
      return Optional.empty();
    }
    return Optional.of(path);
  }

  /**
   * How a property is named in a warning: the environment variable first, as the function's
   * configuration usually sets it there ({@code OTEL_EXPORTER_OTLP_PROTOCOL (otel.exporter.otlp.protocol)}).
   */
  static String named(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_') + " (" + property + ")";
  }

  /** The three signals. */
  public enum Signal {
    TRACES("traces"),
    LOGS("logs"),
    METRICS("metrics");

    private final String key;

    Signal(String key) {
      this.key = key;
    }

    /** The name used in property names and URL paths. */
    public String key() {
      return key;
    }
  }

  /** The exporters we can run for a signal ({@code otel.<signal>.exporter}); none is an empty list. */
  public enum ExporterKind {
    OTLP,
    CONSOLE;

    /**
     * Parses the specification's comma-separated list: {@code otlp}, {@code console}, {@code logging}
     * (its deprecated alias), {@code none}. Values we do not run ({@code prometheus}, {@code zipkin},
     * ...) are the function's business: ignored with a warning. A list of nothing we run means the
     * default, {@code otlp}; {@code none} alone means nothing.
     */
    static List<ExporterKind> parseList(String property, String raw, Collection<String> warnings) {
      Set<ExporterKind> kinds = new LinkedHashSet<>();
      List<String> ignored = new ArrayList<>();
      boolean none = false;
      for (String item : raw.split(",")) {
        String v = item.trim().toLowerCase(Locale.ROOT);
        switch (v) {
          case "" -> { }
          case "otlp" -> kinds.add(OTLP);
          case "console", "logging" -> kinds.add(CONSOLE);
          case "none" -> none = true;
          default -> ignored.add(item.trim());
        }
      }
      if (none && !kinds.isEmpty()) {
        warnings.add(named(property) + "='" + raw + "': 'none' beside other exporters is ignored");
      }
      if (!ignored.isEmpty()) {
        String uses = !kinds.isEmpty() ? "exporting with " + names(kinds)
            : none ? "exporting nothing" : "using the default, otlp";
        warnings.add(named(property) + "='" + raw + "': " + String.join(", ", ignored)
            + (ignored.size() == 1 ? " is" : " are") + " not supported by this extension"
            + " (it runs otlp and console); ignored, " + uses);
      }
      if (kinds.isEmpty() && !none) {
        kinds.add(OTLP);
      }
      return List.copyOf(kinds);
    }

    private static String names(Collection<ExporterKind> kinds) {
      return String.join(",", kinds.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList());
    }
  }

  /** OTLP transport protocols. */
  public enum Protocol {
    HTTP_PROTOBUF("http/protobuf"),
    GRPC("grpc");

    private final String key;

    Protocol(String key) {
      this.key = key;
    }

    /**
     * The protocol, or empty (with a warning) when it is not one of the specification's. {@code
     * http/json} is the specification's but not ours: http/protobuf goes to the same endpoints.
     */
    static Optional<Protocol> parse(String property, String raw, Collection<String> warnings) {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      if (v.equals("grpc")) {
        return Optional.of(GRPC);
      }
      if (v.equals("http/protobuf")) {
        return Optional.of(HTTP_PROTOBUF);
      }
      if (v.equals("http/json")) {
        warnings.add(named(property) + "='" + raw + "': not supported by this extension;"
            + " using http/protobuf, to the same endpoint");
        return Optional.of(HTTP_PROTOBUF);
      }
      warnings.add(named(property) + "='" + raw + "': expected grpc, http/protobuf or http/json;"
          + " ignored, the default (or the general setting) is used");
      return Optional.empty();
    }

    @Override
    public String toString() {
      return key;
    }
  }

  /** Request body compression. */
  public enum Compression {
    GZIP,
    NONE;

    static Optional<Compression> parse(String property, String raw, Collection<String> warnings) {
      return switch (raw.trim().toLowerCase(Locale.ROOT)) {
        case "gzip" -> Optional.of(GZIP);
        case "none" -> Optional.of(NONE);
        default -> {
          warnings.add(named(property) + "='" + raw + "': expected gzip or none;"
              + " ignored, the default (or the general setting) is used");
          yield Optional.empty();
        }
      };
    }
  }

  /**
   * Everything needed to build one signal's exporters. Header values never leave through toString,
   * nor the endpoint's userinfo or query.
   *
   * @param exporters what the signal is exported with, in order; empty when it is not exported
   */
  public record Target(
      Signal signal,
      List<ExporterKind> exporters,
      Protocol protocol,
      URI endpoint,
      Map<String, String> headers,
      Compression compression,
      Duration timeout,
      Optional<Path> certificate,
      Optional<Path> clientKey,
      Optional<Path> clientCertificate) {

    /** Copies the list of exporters. */
    public Target {
      exporters = List.copyOf(exporters);
    }

    /** Whether the signal is exported with {@code kind}. */
    public boolean exportsWith(ExporterKind kind) {
      return exporters.contains(kind);
    }

    @Override
    public String toString() {
      StringBuilder h = new StringBuilder("{");
      headers.keySet().forEach(k -> h.append(h.length() > 1 ? ", " : "").append(k).append("=OBFUSCATED"));
      return "Target{signal=" + signal.key() + ", exporters=" + exporters + ", protocol=" + protocol
          + ", endpoint=" + Redaction.url(endpoint.toString()) + ", headers=" + h.append('}')
          + ", compression=" + compression + ", timeout=" + timeout + ", certificate="
          + certificate.orElse(null) + ", clientKey=" + clientKey.orElse(null)
          + ", clientCertificate=" + clientCertificate.orElse(null) + "}";
    }
  }
}
