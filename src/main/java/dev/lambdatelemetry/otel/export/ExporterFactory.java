package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.Compression;
import dev.lambdatelemetry.otel.config.OtelSettings.ExporterKind;
import dev.lambdatelemetry.otel.config.OtelSettings.Protocol;
import dev.lambdatelemetry.otel.config.OtelSettings.Target;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Builds each signal's exporter from {@link OtelSettings}: the OTel OTLP exporters over our {@link
 * SocketHttpSender} (http/protobuf) or {@link VertxGrpcSender} (grpc), handed in through a {@link
 * ComponentLoader}, so no ServiceLoader scan picks a sender and nothing is loaded reflectively; the
 * console printer; both for {@code otlp,console}; or nothing for {@code none}.
 */
final class ExporterFactory {

  private ExporterFactory() {}

  /** The three exporters; a null one means the signal is not exported. */
  record Exporters(SpanExporter spans, LogRecordExporter logs, MetricExporter metrics) {}

  static Exporters create(OtelSettings settings, InFlight inFlight, Executor executor, PrintStream console) {
    if (settings.sdkDisabled()) {
      return new Exporters(null, null, null);
    }
    ComponentLoader loader = senderLoader(inFlight, executor);
    // Created only if a signal uses gRPC (GrpcExporters is not even loaded otherwise).
    GrpcTransport[] grpc = new GrpcTransport[1];
    java.util.function.Supplier<GrpcTransport> transport =
        () -> grpc[0] == null ? (grpc[0] = new GrpcTransport()) : grpc[0];
    Target t = settings.traces();
    Target l = settings.logs();
    Target m = settings.metrics();
    List<SpanExporter> spans = new ArrayList<>();
    List<LogRecordExporter> logs = new ArrayList<>();
    List<MetricExporter> metrics = new ArrayList<>();
    for (ExporterKind kind : t.exporters()) {
      spans.add(switch (kind) {
        case CONSOLE -> new ConsoleExporter.Spans(console);
        case OTLP -> t.protocol() == Protocol.GRPC ? GrpcExporters.spans(t, inFlight, transport.get()) : httpSpans(t, loader);
      });
    }
    for (ExporterKind kind : l.exporters()) {
      logs.add(switch (kind) {
        case CONSOLE -> new ConsoleExporter.Logs(console);
        case OTLP -> l.protocol() == Protocol.GRPC ? GrpcExporters.logs(l, inFlight, transport.get()) : httpLogs(l, loader);
      });
    }
    for (ExporterKind kind : m.exporters()) {
      metrics.add(switch (kind) {
        case CONSOLE -> new ConsoleExporter.Metrics(console);
        case OTLP ->
            m.protocol() == Protocol.GRPC ? GrpcExporters.metrics(m, inFlight, transport.get()) : httpMetrics(m, loader);
      });
    }
    // Several exporters for a signal (otlp,console): one export goes to each, and its result fails
    // when one of them fails (CompletableResultCode.ofAll keeps the failure's cause for FailureClass).
    // A retried request is printed again by the console exporter: it only costs a repeated line.
    return new Exporters(
        spans.isEmpty() ? null : spans.size() == 1 ? spans.get(0) : SpanExporter.composite(spans),
        logs.isEmpty() ? null : logs.size() == 1 ? logs.get(0) : LogRecordExporter.composite(logs),
        metrics.isEmpty() ? null : metrics.size() == 1 ? metrics.get(0) : new CompositeMetrics(metrics));
  }

  /**
   * The SDK has composites of span and log exporters but not of metric exporters. The temporality and
   * aggregation are the first exporter's (OTLP's when listed: both of ours answer cumulative).
   */
  static final class CompositeMetrics implements MetricExporter {
    private final List<MetricExporter> exporters;

    CompositeMetrics(List<MetricExporter> exporters) {
      this.exporters = List.copyOf(exporters);
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return CompletableResultCode.ofAll(exporters.stream().map(e -> e.export(metrics)).toList());
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofAll(exporters.stream().map(MetricExporter::flush).toList());
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofAll(exporters.stream().map(MetricExporter::shutdown).toList());
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return exporters.get(0).getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
      return exporters.get(0).getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
      return exporters.get(0).getMemoryMode();
    }

    List<MetricExporter> exporters() {
      return exporters;
    }
  }

  private static ComponentLoader senderLoader(InFlight inFlight, Executor executor) {
    HttpSenderProvider provider = config -> new SocketHttpSender(config, inFlight, executor);
    return new ComponentLoader() {
      @Override
      public <T> Iterable<T> load(Class<T> type) {
        return type == HttpSenderProvider.class ? List.of(type.cast(provider)) : List.of();
      }
    };
  }

  private static SpanExporter httpSpans(Target t, ComponentLoader loader) {
    OtlpHttpSpanExporterBuilder b =
        OtlpHttpSpanExporter.builder()
            .setComponentLoader(loader)
            .setEndpoint(t.endpoint().toString())
            .setTimeout(t.timeout())
            .setCompression(compression(t));
    t.headers().forEach(b::addHeader);
    tls(t, b::setTrustedCertificates, b::setClientTls);
    return b.build();
  }

  private static LogRecordExporter httpLogs(Target t, ComponentLoader loader) {
    OtlpHttpLogRecordExporterBuilder b =
        OtlpHttpLogRecordExporter.builder()
            .setComponentLoader(loader)
            .setEndpoint(t.endpoint().toString())
            .setTimeout(t.timeout())
            .setCompression(compression(t));
    t.headers().forEach(b::addHeader);
    tls(t, b::setTrustedCertificates, b::setClientTls);
    return b.build();
  }

  private static MetricExporter httpMetrics(Target t, ComponentLoader loader) {
    OtlpHttpMetricExporterBuilder b =
        OtlpHttpMetricExporter.builder()
            .setComponentLoader(loader)
            .setEndpoint(t.endpoint().toString())
            .setTimeout(t.timeout())
            .setCompression(compression(t));
    t.headers().forEach(b::addHeader);
    tls(t, b::setTrustedCertificates, b::setClientTls);
    return b.build();
  }

  static String compression(Target t) {
    return t.compression() == Compression.GZIP ? "gzip" : "none";
  }

  static void tls(
      Target t,
      java.util.function.Consumer<byte[]> trusted,
      java.util.function.BiConsumer<byte[], byte[]> client) {
    t.certificate().ifPresent(p -> trusted.accept(read(p)));
    if (t.clientKey().isPresent() && t.clientCertificate().isPresent()) {
      client.accept(read(t.clientKey().get()), read(t.clientCertificate().get()));
    }
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }
}
