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
import java.util.function.Consumer;

/**
 * OTLP/gRPC exporters: OTel's gRPC exporters over our {@link VertxGrpcSender}, handed in through a
 * {@link ComponentLoader} as the HTTP sender is. This class, and with it the sender and its
 * transport, is only loaded when a signal is configured with {@code protocol=grpc}.
 */
final class GrpcExporters implements ExporterFactory.OtlpProtocol {

  private static final OtlpBuilder<OtlpGrpcSpanExporterBuilder, SpanExporter> SPANS =
      new OtlpBuilder<>(OtlpGrpcSpanExporter::builder, OtlpGrpcSpanExporterBuilder::setComponentLoader,
          OtlpGrpcSpanExporterBuilder::setEndpoint, OtlpGrpcSpanExporterBuilder::setTimeout,
          OtlpGrpcSpanExporterBuilder::setCompression, OtlpGrpcSpanExporterBuilder::addHeader,
          OtlpGrpcSpanExporterBuilder::setTrustedCertificates, OtlpGrpcSpanExporterBuilder::setClientTls,
          OtlpGrpcSpanExporterBuilder::build);
  private static final OtlpBuilder<OtlpGrpcLogRecordExporterBuilder, LogRecordExporter> LOGS =
      new OtlpBuilder<>(OtlpGrpcLogRecordExporter::builder,
          OtlpGrpcLogRecordExporterBuilder::setComponentLoader, OtlpGrpcLogRecordExporterBuilder::setEndpoint,
          OtlpGrpcLogRecordExporterBuilder::setTimeout, OtlpGrpcLogRecordExporterBuilder::setCompression,
          OtlpGrpcLogRecordExporterBuilder::addHeader, OtlpGrpcLogRecordExporterBuilder::setTrustedCertificates,
          OtlpGrpcLogRecordExporterBuilder::setClientTls, OtlpGrpcLogRecordExporterBuilder::build);
  private static final OtlpBuilder<OtlpGrpcMetricExporterBuilder, MetricExporter> METRICS =
      new OtlpBuilder<>(OtlpGrpcMetricExporter::builder, OtlpGrpcMetricExporterBuilder::setComponentLoader,
          OtlpGrpcMetricExporterBuilder::setEndpoint, OtlpGrpcMetricExporterBuilder::setTimeout,
          OtlpGrpcMetricExporterBuilder::setCompression, OtlpGrpcMetricExporterBuilder::addHeader,
          OtlpGrpcMetricExporterBuilder::setTrustedCertificates, OtlpGrpcMetricExporterBuilder::setClientTls,
          OtlpGrpcMetricExporterBuilder::build);

  private final InFlight inFlight;
  /** Shared by every gRPC signal: one Vert.x instance, a client per endpoint. */
  private final GrpcTransport transport = new GrpcTransport();

  GrpcExporters(InFlight inFlight) {
    this.inFlight = inFlight;
  }

  /**
   * A loader that offers exactly one {@link GrpcSenderProvider}: ours, for {@code target}, which hands
   * each sender it creates to {@code created} too (the function's data of the signal goes through it).
   */
  private ComponentLoader senders(Target target, Consumer<FunctionSender> created) {
    GrpcSenderProvider provider = config -> {
      VertxGrpcSender sender =
          new VertxGrpcSender(config, inFlight, transport, transport.client(target, config));
      created.accept(FunctionSender.overGrpc(sender));
      return sender;
    };
    return new ComponentLoader() {
      @Override
      public <T> Iterable<T> load(Class<T> type) {
        return type == GrpcSenderProvider.class ? List.of(type.cast(provider)) : List.of();
      }
    };
  }

  @Override
  public SpanExporter spans(Target target, Consumer<FunctionSender> sender) {
    return SPANS.build(target, senders(target, sender));
  }

  @Override
  public LogRecordExporter logs(Target target, Consumer<FunctionSender> sender) {
    return LOGS.build(target, senders(target, sender));
  }

  @Override
  public MetricExporter metrics(Target target, Consumer<FunctionSender> sender) {
    return METRICS.build(target, senders(target, sender));
  }
}
