package dev.lambdatelemetry.otel.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link OtelConfig} checked and resolved per signal: the exporter kind, the final endpoint URL, the
 * merged headers. Built once at start-up by {@link #from(OtelConfig)}, which fails fast with an
 * {@link IllegalArgumentException} naming the offending property.
 */
public record OtelSettings(
    boolean sdkDisabled, Target traces, Target logs, Target metrics, Duration metricExportInterval) {

  /** The OTLP defaults of the specification. */
  public static final String DEFAULT_HTTP_ENDPOINT = "http://localhost:4318";

  public static final String DEFAULT_GRPC_ENDPOINT = "http://localhost:4317";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern DURATION_SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

  /** Throws {@link IllegalArgumentException} naming the property when a setting is invalid. */
  public static void validate(OtelConfig config) {
    from(config);
  }

  /** Checks and resolves every signal. */
  public static OtelSettings from(OtelConfig config) {
    OtelConfig.Otlp otlp = config.exporter().otlp();
    return new OtelSettings(
        config.sdk().disabled(),
        target(Signal.TRACES, config.traces().exporter(), otlp, otlp.traces()),
        target(Signal.LOGS, config.logs().exporter(), otlp, otlp.logs()),
        target(Signal.METRICS, config.metrics().exporter(), otlp, otlp.metrics()),
        duration("otel.metric.export.interval", config.metric().export().interval()));
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
   * otel.resource.attributes} and {@code otel.exporter.otlp.headers}.
   *
   * @throws IllegalArgumentException naming {@code property} on an entry without {@code =} or key
   */
  public static Map<String, String> parseKeyValues(String property, String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isBlank()) {
      return out;
    }
    for (String entry : raw.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String key = eq < 0 ? "" : entry.substring(0, eq).trim();
      if (eq < 0 || key.isEmpty()) {
        // The entry may hold a secret: name its position, not its text.
        throw new IllegalArgumentException(
            property + ": expected comma-separated key=value pairs, got an entry without a key or '='");
      }
      try {
        out.put(key, URLDecoder.decode(entry.substring(eq + 1).trim(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(property + ": value of '" + key + "' is not URL-encoded");
      }
    }
    return out;
  }

  private static Target target(
      Signal signal, String exporterRaw, OtelConfig.Otlp general, OtelConfig.OtlpCommon specific) {
    String name = signal.key();
    ExporterKind kind = ExporterKind.parse("otel." + name + ".exporter", exporterRaw);
    String prefix = "otel.exporter.otlp.";
    String signalPrefix = prefix + name + ".";

    Protocol protocol;
    String protocolProperty;
    if (specific.protocol().isPresent()) {
      protocolProperty = signalPrefix + "protocol";
      protocol = Protocol.parse(protocolProperty, specific.protocol().get());
    } else {
      protocolProperty = prefix + "protocol";
      protocol = Protocol.parse(protocolProperty, general.protocol().orElse(Protocol.HTTP_PROTOBUF.key));
    }

    URI endpoint;
    if (specific.endpoint().isPresent()) {
      endpoint = uri(signalPrefix + "endpoint", specific.endpoint().get());
    } else {
      String base =
          general
              .endpoint()
              .orElse(protocol == Protocol.GRPC ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT);
      uri(prefix + "endpoint", base);
      if (protocol == Protocol.HTTP_PROTOBUF) {
        base = (base.endsWith("/") ? base : base + "/") + "v1/" + name;
      }
      endpoint = uri(prefix + "endpoint", base);
    }

    Map<String, String> headers = new LinkedHashMap<>();
    headers.putAll(parseKeyValues(prefix + "headers", general.headers().orElse("")));
    headers.putAll(parseKeyValues(signalPrefix + "headers", specific.headers().orElse("")));

    Compression compression =
        specific.compression().isPresent()
            ? Compression.parse(signalPrefix + "compression", specific.compression().get())
            : Compression.parse(prefix + "compression", general.compression().orElse("none"));

    Duration timeout =
        specific.timeout().isPresent()
            ? duration(signalPrefix + "timeout", specific.timeout().get())
            : general.timeout().map(t -> duration(prefix + "timeout", t)).orElse(DEFAULT_TIMEOUT);

    Optional<Path> certificate =
        file(signalPrefix + "certificate", specific.certificate())
            .or(() -> file(prefix + "certificate", general.certificate()));
    Optional<Path> clientKey =
        file(signalPrefix + "client.key", specific.clientKey())
            .or(() -> file(prefix + "client.key", general.clientKey()));
    Optional<Path> clientCertificate =
        file(signalPrefix + "client.certificate", specific.clientCertificate())
            .or(() -> file(prefix + "client.certificate", general.clientCertificate()));
    if (clientKey.isPresent() != clientCertificate.isPresent()) {
      throw new IllegalArgumentException(
          signalPrefix + "client.key / client.certificate: both or neither must be set");
    }
    return new Target(
        signal, kind, protocol, endpoint, Collections.unmodifiableMap(headers), compression, timeout,
        certificate, clientKey, clientCertificate);
  }

  private static URI uri(String property, String raw) {
    try {
      URI uri = URI.create(raw.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException(
            property + ": expected an http:// or https:// URL, got '" + raw + "'");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(property)) {
        throw e;
      }
      throw new IllegalArgumentException(property + ": not a valid URL: '" + raw + "'", e);
    }
  }

  /** The spec's timeout is bare milliseconds; {@code 10s}, {@code 500ms} and ISO-8601 also work. */
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
    return d;
  }

  private static Optional<Path> file(String property, Optional<String> raw) {
    if (raw.isEmpty() || raw.get().isBlank()) {
      return Optional.empty();
    }
    Path path = Path.of(raw.get().trim());
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(property + ": file not readable: '" + raw.get() + "'");
    }
    return Optional.of(path);
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

  /** {@code otel.<signal>.exporter} values. */
  public enum ExporterKind {
    OTLP,
    CONSOLE,
    NONE;

    static ExporterKind parse(String property, String raw) {
      return switch (raw.trim().toLowerCase(Locale.ROOT)) {
        case "otlp" -> OTLP;
        case "console", "logging" -> CONSOLE;
        case "none" -> NONE;
        default ->
            throw new IllegalArgumentException(
                property + ": expected otlp, console or none, got '" + raw + "'");
      };
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

    static Protocol parse(String property, String raw) {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      if (v.equals("grpc")) {
        return GRPC;
      }
      if (v.equals("http/protobuf")) {
        return HTTP_PROTOBUF;
      }
      throw new IllegalArgumentException(
          property + ": expected grpc or http/protobuf, got '" + raw + "'");
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

    static Compression parse(String property, String raw) {
      return switch (raw.trim().toLowerCase(Locale.ROOT)) {
        case "gzip" -> GZIP;
        case "none" -> NONE;
        default ->
            throw new IllegalArgumentException(
                property + ": expected gzip or none, got '" + raw + "'");
      };
    }
  }

  /** Everything needed to build one signal's exporter. Header values never leave through toString. */
  public record Target(
      Signal signal,
      ExporterKind kind,
      Protocol protocol,
      URI endpoint,
      Map<String, String> headers,
      Compression compression,
      Duration timeout,
      Optional<Path> certificate,
      Optional<Path> clientKey,
      Optional<Path> clientCertificate) {

    @Override
    public String toString() {
      StringBuilder h = new StringBuilder("{");
      headers.keySet().forEach(k -> h.append(h.length() > 1 ? ", " : "").append(k).append("=OBFUSCATED"));
      return "Target{signal=" + signal.key() + ", exporter=" + kind + ", protocol=" + protocol
          + ", endpoint=" + endpoint + ", headers=" + h.append('}') + ", compression=" + compression
          + ", timeout=" + timeout + ", certificate=" + certificate.orElse(null)
          + ", clientKey=" + clientKey.orElse(null) + ", clientCertificate="
          + clientCertificate.orElse(null) + "}";
    }
  }
}
