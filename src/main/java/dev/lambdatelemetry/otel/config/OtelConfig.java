package dev.lambdatelemetry.otel.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.Optional;

/**
 * The standard OpenTelemetry SDK settings, under their standard names: {@code OTEL_EXPORTER_OTLP_ENDPOINT}
 * as an environment variable is {@code otel.exporter.otlp.endpoint} in {@code application.properties}.
 * Values are kept as the user wrote them (the spec's forms, such as a timeout in bare milliseconds, are not
 * SmallRye's); {@link OtelSettings#from(OtelConfig)} resolves them at start-up. They are the function's
 * settings too, so an invalid or unsupported one is ignored with a warning, never an init failure.
 *
 * @see <a href="https://opentelemetry.io/docs/specs/otel/protocol/exporter/">OTLP exporter configuration</a>
 */
@ConfigMapping(prefix = "otel")
public interface OtelConfig {

  /** {@code otel.sdk.disabled}: when true nothing is exported (conversion still runs). */
  Sdk sdk();

  /** {@code otel.service.name}: the resource's service.name; unset means the function name. */
  Service service();

  /** {@code otel.resource.attributes}: {@code k=v,k2=v2} merged into the resource, user values win. */
  Resource resource();

  /** {@code otel.exporter.*}. */
  Exporter exporter();

  /** {@code otel.traces.exporter}: a list of otlp and console, or none. */
  SignalChoice traces();

  /** {@code otel.metrics.exporter}: a list of otlp and console, or none. */
  SignalChoice metrics();

  /** {@code otel.logs.exporter}: a list of otlp and console, or none. */
  SignalChoice logs();

  /** {@code otel.metric.*}. */
  MetricSettings metric();

  /** {@code otel.metric.*}. */
  interface MetricSettings {
    /** {@code otel.metric.export.*}. */
    MetricExport export();
  }

  /** {@code otel.metric.export.*}. */
  interface MetricExport {
    /**
     * {@code OTEL_METRIC_EXPORT_INTERVAL}: milliseconds (or {@code 30s}) between metric exports.
     * Metrics are cumulative, so exporting them at every invocation would only cost time; they are
     * also exported at SHUTDOWN.
     */
    @WithDefault("60000")
    String interval();
  }

  /** {@code otel.sdk.*}. */
  interface Sdk {
    /** Disables every exporter. */
    @WithDefault("false")
    boolean disabled();
  }

  /** {@code otel.service.*}. */
  interface Service {
    /** The service name. */
    Optional<String> name();
  }

  /** {@code otel.resource.*}. */
  interface Resource {
    /** Comma-separated {@code key=value} pairs, values URL-encoded. */
    Optional<String> attributes();
  }

  /** {@code otel.<signal>.exporter}. */
  interface SignalChoice {
    /**
     * Comma-separated: otlp (default), console (or its deprecated alias logging), both, or none;
     * other values (prometheus, zipkin, ...) are warned about and ignored.
     */
    @WithDefault("otlp")
    String exporter();
  }

  /** {@code otel.exporter.*}. */
  interface Exporter {
    /** {@code otel.exporter.otlp.*}. */
    Otlp otlp();
  }

  /** Settings shared by every signal, each overridable per signal. */
  interface OtlpCommon {
    /**
     * Endpoint. The general one gets {@code /v1/traces|logs|metrics} appended for http/protobuf; a
     * per-signal one is used as-is. Default {@code http://localhost:4318} (http) or {@code :4317} (grpc).
     */
    Optional<String> endpoint();

    /** {@code http/protobuf} (default) or {@code grpc}; {@code http/json} means http/protobuf here. */
    Optional<String> protocol();

    /** Request headers, {@code k=v,k2=v2}, values URL-decoded. Never logged. */
    Optional<String> headers();

    /** {@code gzip} or {@code none} (default). */
    Optional<String> compression();

    /** Request timeout: bare milliseconds as in the spec ({@code 10000}) or a duration ({@code 10s}). */
    Optional<String> timeout();

    /** PEM file of trusted CA certificates. */
    Optional<String> certificate();

    /** PEM file of the client's private key (mTLS). */
    @WithName("client.key")
    Optional<String> clientKey();

    /** PEM file of the client's certificate chain (mTLS). */
    @WithName("client.certificate")
    Optional<String> clientCertificate();
  }

  /** {@code otel.exporter.otlp.*} with the per-signal groups. */
  interface Otlp extends OtlpCommon {
    /** {@code otel.exporter.otlp.traces.*}. */
    OtlpCommon traces();

    /** {@code otel.exporter.otlp.logs.*}. */
    OtlpCommon logs();

    /** {@code otel.exporter.otlp.metrics.*}. */
    OtlpCommon metrics();
  }
}
