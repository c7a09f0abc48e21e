package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.ExporterKind;
import dev.lambdatelemetry.otel.config.OtelSettings.Protocol;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Builds each signal's exporter from {@link OtelSettings}: OTLP over the signal's protocol ({@link
 * HttpExporters}, {@link GrpcExporters}, both configured by {@link OtlpBuilder}), the console printer,
 * both for {@code otlp,console}, or nothing for {@code none}; and beside each, the {@link
 * FunctionSender} that sends the function's data of the signal the same way (through the OTLP
 * exporter's own sender, to the console as a line per batch, or nowhere).
 */
final class ExporterFactory {

  private ExporterFactory() {}

  /**
   * The three exporters; a null one means the signal is not exported.
   *
   * @param function per signal, how the function's data goes; a signal missing is not exported
   */
  record Exporters(SpanExporter spans, LogRecordExporter logs, MetricExporter metrics,
      Map<Signal, FunctionSender> function) {

    Exporters {
      function = Map.copyOf(function);
    }

    /** Exporters of the platform's data only (tests): the function's is not exported. */
    Exporters(SpanExporter spans, LogRecordExporter logs, MetricExporter metrics) {
      this(spans, logs, metrics, Map.of());
    }
  }

  /**
   * The OTLP exporters of one protocol, per signal. Each hands the sender it builds its exporter on to
   * {@code sender}, wrapped as a {@link FunctionSender}.
   */
  interface OtlpProtocol {
    SpanExporter spans(Target target, Consumer<FunctionSender> sender);

    LogRecordExporter logs(Target target, Consumer<FunctionSender> sender);

    MetricExporter metrics(Target target, Consumer<FunctionSender> sender);
  }

  static Exporters create(OtelSettings settings, InFlight inFlight, Executor executor, PrintStream console) {
    if (settings.sdkDisabled()) {
      return new Exporters(null, null, null);
    }
    Protocols protocols = new Protocols(inFlight, executor);
    Map<Signal, FunctionSender> function = new EnumMap<>(Signal.class);
    // Several exporters for a signal (otlp,console): one export goes to each, and its result fails
    // when one of them fails (CompletableResultCode.ofAll keeps the failure's cause for FailureClass).
    // A retried request is printed again by the console exporter: it only costs a repeated line.
    return new Exporters(
        exporter(settings.traces(), () -> new ConsoleExporter.Spans(console),
            (t, s) -> protocols.of(t).spans(t, s), SpanExporter::composite, "spans", console, function),
        exporter(settings.logs(), () -> new ConsoleExporter.Logs(console),
            (t, s) -> protocols.of(t).logs(t, s), LogRecordExporter::composite, "log records", console,
            function),
        exporter(settings.metrics(), () -> new ConsoleExporter.Metrics(console),
            (t, s) -> protocols.of(t).metrics(t, s), CompositeMetrics::new, "data points", console,
            function),
        function);
  }

  /**
   * The exporter of one signal: the one listed, several combined, or null for none; and into {@code
   * function}, the function's sender of the signal, made of the same exporters.
   */
  private static <E> E exporter(
      Target target,
      Supplier<E> console,
      BiFunction<Target, Consumer<FunctionSender>, E> otlp,
      Function<List<E>, E> composite,
      String itemName,
      PrintStream out,
      Map<Signal, FunctionSender> function) {
    List<E> exporters = new ArrayList<>();
    List<FunctionSender> senders = new ArrayList<>();
    for (ExporterKind kind : target.exporters()) {
      exporters.add(switch (kind) {
        case CONSOLE -> {
          senders.add(FunctionSender.console(target.signal().key(), itemName, out));
          yield console.get();
        }
        case OTLP -> otlp.apply(target, senders::add);
      });
    }
    if (!senders.isEmpty()) {
      function.put(target.signal(), FunctionSender.all(senders));
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
