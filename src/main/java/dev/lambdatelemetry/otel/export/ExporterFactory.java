package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.ExporterKind;
import dev.lambdatelemetry.otel.config.OtelSettings.Protocol;
import dev.lambdatelemetry.otel.config.OtelSettings.Target;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Builds each signal's exporter from {@link OtelSettings}: OTLP over the signal's protocol ({@link
 * HttpExporters}, {@link GrpcExporters}, both configured by {@link OtlpBuilder}), the console printer,
 * both for {@code otlp,console}, or nothing for {@code none}.
 */
final class ExporterFactory {

  private ExporterFactory() {}

  /** The three exporters; a null one means the signal is not exported. */
  record Exporters(SpanExporter spans, LogRecordExporter logs, MetricExporter metrics) {}

  /** The OTLP exporters of one protocol, per signal. */
  interface OtlpProtocol {
    SpanExporter spans(Target target);

    LogRecordExporter logs(Target target);

    MetricExporter metrics(Target target);
  }

  static Exporters create(OtelSettings settings, InFlight inFlight, Executor executor, PrintStream console) {
    if (settings.sdkDisabled()) {
      return new Exporters(null, null, null);
    }
    Protocols protocols = new Protocols(inFlight, executor);
    // Several exporters for a signal (otlp,console): one export goes to each, and its result fails
    // when one of them fails (CompletableResultCode.ofAll keeps the failure's cause for FailureClass).
    // A retried request is printed again by the console exporter: it only costs a repeated line.
    return new Exporters(
        exporter(settings.traces(), () -> new ConsoleExporter.Spans(console),
            t -> protocols.of(t).spans(t), SpanExporter::composite),
        exporter(settings.logs(), () -> new ConsoleExporter.Logs(console),
            t -> protocols.of(t).logs(t), LogRecordExporter::composite),
        exporter(settings.metrics(), () -> new ConsoleExporter.Metrics(console),
            t -> protocols.of(t).metrics(t), CompositeMetrics::new));
  }

  /** The exporter of one signal: the one listed, several combined, or null for none. */
  private static <E> E exporter(
      Target target, Supplier<E> console, Function<Target, E> otlp, Function<List<E>, E> composite) {
    List<E> exporters = new ArrayList<>();
    for (ExporterKind kind : target.exporters()) {
      exporters.add(switch (kind) {
        case CONSOLE -> console.get();
        case OTLP -> otlp.apply(target);
      });
    }
    return exporters.isEmpty() ? null : exporters.size() == 1 ? exporters.get(0) : composite.apply(exporters);
  }

  /**
   * Each protocol created at its first use: the gRPC one (its class, the Vert.x transport) only if a
   * signal uses gRPC.
   */
  private static final class Protocols {
    private final InFlight inFlight;
    private final Executor executor;
    private OtlpProtocol http;
    private OtlpProtocol grpc;

    Protocols(InFlight inFlight, Executor executor) {
      this.inFlight = inFlight;
      this.executor = executor;
    }

    OtlpProtocol of(Target target) {
      if (target.protocol() == Protocol.GRPC) {
        return grpc == null ? (grpc = new GrpcExporters(inFlight)) : grpc;
      }
      return http == null ? (http = new HttpExporters(inFlight, executor)) : http;
    }
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
}
