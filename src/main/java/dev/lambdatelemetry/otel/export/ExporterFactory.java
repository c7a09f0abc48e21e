package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.Compression;
import dev.lambdatelemetry.otel.config.OtelSettings.Protocol;
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
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Builds each signal's exporter from {@link OtelSettings}: the OTel OTLP exporters over our {@link
 * SocketHttpSender} (http/protobuf) or {@link VertxGrpcSender} (grpc), handed in through a {@link
 * ComponentLoader}, so no ServiceLoader scan picks a sender and nothing is loaded reflectively; the
 * console printer; or nothing for {@code none}.
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
    return new Exporters(
        switch (t.kind()) {
          case NONE -> null;
          case CONSOLE -> new ConsoleExporter.Spans(console);
          case OTLP -> t.protocol() == Protocol.GRPC ? GrpcExporters.spans(t, inFlight, transport.get()) : httpSpans(t, loader);
        },
        switch (l.kind()) {
          case NONE -> null;
          case CONSOLE -> new ConsoleExporter.Logs(console);
          case OTLP -> l.protocol() == Protocol.GRPC ? GrpcExporters.logs(l, inFlight, transport.get()) : httpLogs(l, loader);
        },
        switch (m.kind()) {
          case NONE -> null;
          case CONSOLE -> new ConsoleExporter.Metrics(console);
          case OTLP ->
              m.protocol() == Protocol.GRPC ? GrpcExporters.metrics(m, inFlight, transport.get()) : httpMetrics(m, loader);
        });
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
