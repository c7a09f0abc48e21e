package dev.lambdatelemetry.otel.config;

import static dev.lambdatelemetry.otel.config.LenientValues.file;
import static dev.lambdatelemetry.otel.config.LenientValues.keyValues;
import static dev.lambdatelemetry.otel.config.LenientValues.lenientDuration;
import static dev.lambdatelemetry.otel.config.LenientValues.named;
import static dev.lambdatelemetry.otel.config.LenientValues.uri;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
 * #warnings()} and logged once, at start-up, by {@link #logWarnings()}. Only our own {@code
 * lambda-telemetry.*} values fail init ({@link ConfigValidator}). Each value is read by {@link
 * LenientValues}; this record resolves them per signal (per-signal setting, else general setting,
 * else the specification's default).
 */
public record OtelSettings(
    boolean sdkDisabled,
    Target traces,
    Target logs,
    Target metrics,
    Duration metricExportInterval,
    List<String> warnings) {

  /** The OTLP defaults of the specification. */
  static final String DEFAULT_HTTP_ENDPOINT = "http://localhost:4318";

  static final String DEFAULT_GRPC_ENDPOINT = "http://localhost:4317";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** {@code OTEL_METRIC_EXPORT_INTERVAL}'s default. */
  static final Duration DEFAULT_METRIC_EXPORT_INTERVAL = Duration.ofSeconds(60);
  static final String RESOURCE_ATTRIBUTES = "otel.resource.attributes";

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.config");

  /** Copies the warnings: the record stays immutable. */
  public OtelSettings {
    warnings = List.copyOf(warnings);
  }

  /** Logs each warning once (WARN); called once, at start-up. */
  public OtelSettings logWarnings() {
    warnings.forEach(LOG::warn);
    return this;
  }

  /** Checks and resolves every signal; silent: what it ignored is in {@link #warnings()}. */
  public static OtelSettings from(OtelConfig config) {
    return from(config, OwnDestination.NONE);
  }

  /**
   * As {@link #from(OtelConfig)}, with the extension-only destination ({@code lambda-telemetry.otlp.*})
   * winning over its {@code OTEL_*} counterparts. Its values were checked by {@link ConfigValidator}.
   */
  public static OtelSettings from(OtelConfig config, OwnDestination own) {
    Set<String> warnings = new LinkedHashSet<>(); // the general settings are read once per signal
    OtelConfig.Otlp otlp = config.exporter().otlp();
    // Checked here too so that a bad entry is reported at start-up; ResourceFactory skips it.
    LenientValues.keyValues(
        RESOURCE_ATTRIBUTES, config.resource().attributes().orElse(""), warnings);
    String interval = "otel.metric.export.interval";
    Duration metricInterval =
        lenientDuration(interval, config.metric().export().interval(), warnings)
            .orElse(DEFAULT_METRIC_EXPORT_INTERVAL);
    Target traces =
        target(Signal.TRACES, config.traces().exporter(), otlp, otlp.traces(), own, warnings);
    Target logs = target(Signal.LOGS, config.logs().exporter(), otlp, otlp.logs(), own, warnings);
    Target metrics =
        target(Signal.METRICS, config.metrics().exporter(), otlp, otlp.metrics(), own, warnings);
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
    return LenientValues.keyValues(property, raw, new LinkedHashSet<>());
  }

  /**
   * The spec's timeout is bare milliseconds; {@code 10s}, {@code 500ms} and ISO-8601 also work.
   *
   * @throws IllegalArgumentException naming {@code property} when {@code raw} is none of these, not
   *     positive, or beyond {@link LenientValues#MAX_DURATION}
   */
  public static Duration duration(String property, String raw) {
    return LenientValues.duration(property, raw);
  }

  private static Target target(
      Signal signal,
      String exporterRaw,
      OtelConfig.Otlp general,
      OtelConfig.OtlpCommon specific,
      OwnDestination own,
      Collection<String> warnings) {
    String name = signal.key();
    List<ExporterKind> exporters =
        ExporterKind.parseList("otel." + name + ".exporter", exporterRaw, warnings);
    String prefix = "otel.exporter.otlp.";
    String signalPrefix = prefix + name + ".";

    Protocol protocol = own.protocol()
        .flatMap(v -> Protocol.parse(OwnDestination.PROTOCOL, v, warnings))
        .or(() -> specific.protocol().flatMap(v -> Protocol.parse(signalPrefix + "protocol", v, warnings))
            .or(() -> general.protocol().flatMap(v -> Protocol.parse(prefix + "protocol", v, warnings))))
            .orElse(Protocol.HTTP_PROTOBUF);

    // Ours replaces both the per-signal and the general OTEL_* endpoint: those may be the function's.
    Optional<URI> endpoint = own.endpoint().isPresent()
        ? Optional.empty()
        : specific.endpoint()
            .flatMap(v -> uri(signalPrefix + "endpoint", v, warnings, "the general endpoint"));
    if (endpoint.isEmpty()) {
      String defaultBase = protocol == Protocol.GRPC ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT;
      String path = protocol == Protocol.HTTP_PROTOBUF ? "v1/" + name : "";
      String base =
          own.endpoint()
              .or(() -> general.endpoint()
                  .filter(v -> uri(prefix + "endpoint", v, warnings, "the default").isPresent()))
              .orElse(defaultBase)
              .trim();
      if (!path.isEmpty()) {
        base = (base.endsWith("/") ? base : base + "/") + path;
      }
      endpoint = uri(prefix + "endpoint", base, warnings, "the default")
          .or(() -> Optional.of(URI.create(defaultBase + "/" + path)));
    }

    Map<String, String> headers = new LinkedHashMap<>();
    if (own.headers().isPresent()) {
      headers.putAll(keyValues(OwnDestination.HEADERS, own.headers().get(), warnings));
    } else {
      headers.putAll(keyValues(prefix + "headers", general.headers().orElse(""), warnings));
      headers.putAll(keyValues(signalPrefix + "headers", specific.headers().orElse(""), warnings));
    }

    Compression compression =
        specific.compression()
            .flatMap(v -> Compression.parse(signalPrefix + "compression", v, warnings))
            .or(() -> general.compression()
                .flatMap(v -> Compression.parse(prefix + "compression", v, warnings)))
            .orElse(Compression.NONE);

    Duration timeout =
        specific.timeout().flatMap(v -> lenientDuration(signalPrefix + "timeout", v, warnings))
            .or(() -> general.timeout().flatMap(v -> lenientDuration(prefix + "timeout", v, warnings)))
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

  /**
   * The extension-only destination ({@code lambda-telemetry.otlp.*}, e.g. {@code
   * LAMBDA_TELEMETRY_OTLP_ENDPOINT}): a name the function's SDK does not read, so that the SDK can
   * send to our local endpoint while we send to the collector. Each value set wins over its {@code
   * OTEL_*} counterparts (the endpoint over the general and per-signal ones; the headers replace
   * theirs).
   */
  public record OwnDestination(
      Optional<String> endpoint, Optional<String> headers, Optional<String> protocol) {

    public static final String ENDPOINT = "lambda-telemetry.otlp.endpoint";
    public static final String HEADERS = "lambda-telemetry.otlp.headers";
    public static final String PROTOCOL = "lambda-telemetry.otlp.protocol";
    /** Nothing set: the {@code OTEL_*} settings alone. */
    public static final OwnDestination NONE =
        new OwnDestination(Optional.empty(), Optional.empty(), Optional.empty());

    public OwnDestination {
      endpoint = endpoint.map(String::trim).filter(v -> !v.isEmpty());
      headers = headers.map(String::trim).filter(v -> !v.isEmpty());
      protocol = protocol.map(String::trim).filter(v -> !v.isEmpty());
    }

    public static OwnDestination of(ExtensionConfig.Destination d) {
      return new OwnDestination(d.endpoint(), d.headers(), d.protocol());
    }
  }

  /**
   * The signals whose OTLP destination is a loopback address at one of {@code ports}: with our
   * local endpoint on those ports, what we export would come back to us.
   */
  public List<Signal> loopingBackTo(Set<Integer> ports) {
    List<Signal> looping = new ArrayList<>();
    for (Target t : List.of(traces, logs, metrics)) {
      if (!sdkDisabled && t.exporters().contains(ExporterKind.OTLP) && isLoopback(t.endpoint())
          && ports.contains(port(t.endpoint()))) {
        looping.add(t.signal());
      }
    }
    return looping;
  }

  /** {@code localhost}, {@code 127.x.y.z}, {@code ::1} or {@code 0.0.0.0} (which reaches loopback). */
  static boolean isLoopback(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0.0.0.0")
        || h.equals("0:0:0:0:0:0:0:1");
  }

  static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
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
