package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Target;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * OTLP/HTTP (http/protobuf) exporters: OTel's HTTP exporters over our {@link SocketHttpSender}, handed
 * in through a {@link ComponentLoader}, so no ServiceLoader scan picks a sender and nothing is loaded
 * reflectively. Its own class, as {@link GrpcExporters} is, so that only the protocols in use are
 * loaded. Each signal's sender is also handed out as a {@link FunctionSender}: the function's data of
 * the signal goes through it, on its connections.
 */
final class HttpExporters implements ExporterFactory.OtlpProtocol {

  private static final OtlpBuilder<OtlpHttpSpanExporterBuilder, SpanExporter> SPANS =
      new OtlpBuilder<>(OtlpHttpSpanExporter::builder, OtlpHttpSpanExporterBuilder::setComponentLoader,
          OtlpHttpSpanExporterBuilder::setEndpoint, OtlpHttpSpanExporterBuilder::setTimeout,
          OtlpHttpSpanExporterBuilder::setCompression, OtlpHttpSpanExporterBuilder::addHeader,
          OtlpHttpSpanExporterBuilder::setTrustedCertificates, OtlpHttpSpanExporterBuilder::setClientTls,
          OtlpHttpSpanExporterBuilder::build);
  private static final OtlpBuilder<OtlpHttpLogRecordExporterBuilder, LogRecordExporter> LOGS =
      new OtlpBuilder<>(OtlpHttpLogRecordExporter::builder,
          OtlpHttpLogRecordExporterBuilder::setComponentLoader, OtlpHttpLogRecordExporterBuilder::setEndpoint,
          OtlpHttpLogRecordExporterBuilder::setTimeout, OtlpHttpLogRecordExporterBuilder::setCompression,
          OtlpHttpLogRecordExporterBuilder::addHeader, OtlpHttpLogRecordExporterBuilder::setTrustedCertificates,
          OtlpHttpLogRecordExporterBuilder::setClientTls, OtlpHttpLogRecordExporterBuilder::build);
  private static final OtlpBuilder<OtlpHttpMetricExporterBuilder, MetricExporter> METRICS =
      new OtlpBuilder<>(OtlpHttpMetricExporter::builder, OtlpHttpMetricExporterBuilder::setComponentLoader,
          OtlpHttpMetricExporterBuilder::setEndpoint, OtlpHttpMetricExporterBuilder::setTimeout,
          OtlpHttpMetricExporterBuilder::setCompression, OtlpHttpMetricExporterBuilder::addHeader,
          OtlpHttpMetricExporterBuilder::setTrustedCertificates, OtlpHttpMetricExporterBuilder::setClientTls,
          OtlpHttpMetricExporterBuilder::build);

  private final InFlight inFlight;
  private final Executor executor;

  HttpExporters(InFlight inFlight, Executor executor) {
    this.inFlight = inFlight;
    this.executor = executor;
  }

  /**
   * A loader that offers one {@link HttpSenderProvider}: ours, which hands each sender it creates to
   * {@code created} too, so that the function's data of the signal goes through the very sender (its
   * endpoint, headers, compression, TLS, proxy and kept-alive connections) of the signal's exporter.
   */
  private ComponentLoader senders(Consumer<FunctionSender> created) {
    HttpSenderProvider provider = config -> {
      SocketHttpSender sender = new SocketHttpSender(config, inFlight, executor);
      created.accept(FunctionSender.overHttp(sender));
      return sender;
    };
    return new ComponentLoader() {
      @Override
      public <T> Iterable<T> load(Class<T> type) {
        return type == HttpSenderProvider.class ? List.of(type.cast(provider)) : List.of();
      }
    };
  }

  @Override
  public SpanExporter spans(Target target, Consumer<FunctionSender> sender) {
    return SPANS.build(target, senders(sender));
  }

  @Override
  public LogRecordExporter logs(Target target, Consumer<FunctionSender> sender) {
    return LOGS.build(target, senders(sender));
  }

  @Override
  public MetricExporter metrics(Target target, Consumer<FunctionSender> sender) {
    return METRICS.build(target, senders(sender));
  }
}
