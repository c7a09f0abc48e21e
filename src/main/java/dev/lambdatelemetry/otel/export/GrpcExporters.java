package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Target;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.List;

/**
 * OTLP/gRPC exporters: OTel's gRPC exporters over our {@link VertxGrpcSender}, handed in through a
 * {@link ComponentLoader} as the HTTP sender is. This class, and with it the sender, is only loaded when
 * a signal is configured with {@code protocol=grpc}.
 */
final class GrpcExporters {

  private GrpcExporters() {}

  /** A loader that offers exactly one {@link GrpcSenderProvider}: ours, for {@code target}. */
  static ComponentLoader loader(Target target, InFlight inFlight, GrpcTransport transport) {
    GrpcSenderProvider provider =
        config -> new VertxGrpcSender(config, inFlight, transport, transport.client(target, config));
    return new ComponentLoader() {
      @Override
      public <T> Iterable<T> load(Class<T> type) {
        return type == GrpcSenderProvider.class ? List.of(type.cast(provider)) : List.of();
      }
    };
  }

  static SpanExporter spans(Target t, InFlight inFlight, GrpcTransport transport) {
    OtlpGrpcSpanExporterBuilder b =
        OtlpGrpcSpanExporter.builder()
            .setComponentLoader(loader(t, inFlight, transport))
            .setEndpoint(t.endpoint().toString())
            .setTimeout(t.timeout())
            .setCompression(ExporterFactory.compression(t));
    t.headers().forEach(b::addHeader);
    ExporterFactory.tls(t, b::setTrustedCertificates, b::setClientTls);
    return b.build();
  }

  static LogRecordExporter logs(Target t, InFlight inFlight, GrpcTransport transport) {
    OtlpGrpcLogRecordExporterBuilder b =
        OtlpGrpcLogRecordExporter.builder()
            .setComponentLoader(loader(t, inFlight, transport))
            .setEndpoint(t.endpoint().toString())
            .setTimeout(t.timeout())
            .setCompression(ExporterFactory.compression(t));
    t.headers().forEach(b::addHeader);
    ExporterFactory.tls(t, b::setTrustedCertificates, b::setClientTls);
    return b.build();
  }

  static MetricExporter metrics(Target t, InFlight inFlight, GrpcTransport transport) {
    OtlpGrpcMetricExporterBuilder b =
        OtlpGrpcMetricExporter.builder()
            .setComponentLoader(loader(t, inFlight, transport))
            .setEndpoint(t.endpoint().toString())
            .setTimeout(t.timeout())
            .setCompression(ExporterFactory.compression(t));
    t.headers().forEach(b::addHeader);
    ExporterFactory.tls(t, b::setTrustedCertificates, b::setClientTls);
    return b.build();
  }
}
