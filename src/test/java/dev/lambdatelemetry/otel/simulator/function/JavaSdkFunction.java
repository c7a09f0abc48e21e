package dev.lambdatelemetry.otel.simulator.function;

import dev.lambdatelemetry.otel.simulator.FunctionCall;
import dev.lambdatelemetry.otel.simulator.FunctionRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instrumented function in this JVM, with the OpenTelemetry Java SDK and its real OTLP exporters (over
 * {@link JavaSdkSenders}): the same handler as {@code function.mjs}, for machines without Node.js. The Java SDK
 * exports {@code http/protobuf} and {@code grpc} only.
 */
public final class JavaSdkFunction implements LocalFunction {

  private static final String SCOPE = "simulated-function";
  /** The metric reader never exports on its own: the handler's forceFlush does, as in Lambda. */
  private static final Duration NEVER = Duration.ofDays(1);
  private static final AttributeKey<String> INVOCATION_ID = AttributeKey.stringKey("faas.invocation_id");
  private static final Pattern XRAY =
      Pattern.compile("Root=1-([0-9a-f]{8})-([0-9a-f]{24});Parent=([0-9a-f]{16});Sampled=([01])");
  private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key.toLowerCase(Locale.ROOT));
    }
  };

  private final FunctionSettings settings;
  private final SdkTracerProvider tracerProvider;
  private final SdkLoggerProvider loggerProvider;
  private final SdkMeterProvider meterProvider;
  private final Tracer tracer;
  private final Logger logger;
  private final LongCounter processed;

  private JavaSdkFunction(FunctionSettings settings) {
    this.settings = settings;
    boolean grpc = settings.protocol() == FunctionProtocol.GRPC;
    String endpoint = settings.endpoint();
    SpanExporter spans = grpc
        ? OtlpGrpcSpanExporter.builder().setComponentLoader(JavaSdkSenders.grpc()).setEndpoint(endpoint).build()
        : OtlpHttpSpanExporter.builder().setComponentLoader(JavaSdkSenders.http())
            .setEndpoint(endpoint + "/v1/traces").build();
    LogRecordExporter logs = grpc
        ? OtlpGrpcLogRecordExporter.builder().setComponentLoader(JavaSdkSenders.grpc()).setEndpoint(endpoint)
            .build()
        : OtlpHttpLogRecordExporter.builder().setComponentLoader(JavaSdkSenders.http())
            .setEndpoint(endpoint + "/v1/logs").build();
    MetricExporter metrics = grpc
        ? OtlpGrpcMetricExporter.builder().setComponentLoader(JavaSdkSenders.grpc()).setEndpoint(endpoint).build()
        : OtlpHttpMetricExporter.builder().setComponentLoader(JavaSdkSenders.http())
            .setEndpoint(endpoint + "/v1/metrics").build();
    Resource resource = Resource.getDefault().merge(Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName())));
    this.tracerProvider = SdkTracerProvider.builder().setResource(resource)
        .addSpanProcessor(BatchSpanProcessor.builder(spans).build()).build();
    this.loggerProvider = SdkLoggerProvider.builder().setResource(resource)
        .addLogRecordProcessor(BatchLogRecordProcessor.builder(logs).build()).build();
    this.meterProvider = SdkMeterProvider.builder().setResource(resource)
        .registerMetricReader(PeriodicMetricReader.builder(metrics).setInterval(NEVER).build()).build();
    this.tracer = tracerProvider.get(SCOPE);
    this.logger = loggerProvider.get(SCOPE);
    this.processed = meterProvider.get(SCOPE).counterBuilder("orders.processed")
        .setDescription("orders the function handled").setUnit("{order}").build();
  }

  /** The function with its SDK set up; nothing is exported before the first invocation. */
  public static JavaSdkFunction start(FunctionSettings settings) {
    if (settings.protocol() == FunctionProtocol.HTTP_JSON) {
      throw new IllegalArgumentException("the OpenTelemetry Java SDK exports http/protobuf and grpc, not http/json");
    }
    return new JavaSdkFunction(settings);
  }

  @Override
  public FunctionCall invoke(FunctionRequest request, Duration timeout) {
    Context parent = parentContext(request);
    Span entry = tracer.spanBuilder(settings.serviceName()).setSpanKind(SpanKind.SERVER).setParent(parent)
        .setAttribute(INVOCATION_ID, request.requestId()).setAttribute("faas.trigger", "http").startSpan();
    Context inEntry = Context.root().with(entry);
    List<String> children = new ArrayList<>();
    for (int i = 0; i < request.childSpans(); i++) {
      Span child = tracer.spanBuilder(i == 0 ? "GET inventory" : "step " + i).setParent(inEntry)
          .setSpanKind(i == 0 ? SpanKind.CLIENT : SpanKind.INTERNAL).setAttribute("step.index", i).startSpan();
      children.add(child.getSpanContext().getSpanId());
      child.end();
    }
    logger.logRecordBuilder().setContext(inEntry)
        .setSeverity(request.error() ? Severity.ERROR : Severity.INFO)
        .setSeverityText(request.error() ? "ERROR" : "INFO")
        .setBody("processed order for request " + request.requestId())
        .setAttribute(INVOCATION_ID, request.requestId()).emit();
    processed.add(1);
    if (request.error()) {
      entry.setStatus(StatusCode.ERROR, "TypeError");
    }
    entry.end();
    long started = System.nanoTime();
    CompletableResultCode flushed = CompletableResultCode.ofAll(
        List.of(tracerProvider.forceFlush(), loggerProvider.forceFlush(), meterProvider.forceFlush()));
    String error = outcome(flushed, timeout);
    SpanContext ids = entry.getSpanContext();
    SpanContext parentIds = Span.fromContext(parent).getSpanContext();
    return new FunctionCall(request, ids.getTraceId(), ids.getSpanId(),
        parentIds.isValid() ? parentIds.getSpanId() : null, children, millisSince(started), error, null);
  }

  @Override
  public FunctionCall shutdown(Duration timeout) {
    Span span = tracer.spanBuilder("runtime shutdown").setSpanKind(SpanKind.INTERNAL).startSpan();
    logger.logRecordBuilder().setContext(Context.root().with(span)).setSeverity(Severity.INFO)
        .setSeverityText("INFO").setBody("runtime shutting down").emit();
    span.end();
    long started = System.nanoTime();
    // Flushed first and waited for: a shutdown may stop the gRPC channel while the last export still runs.
    String error = outcome(CompletableResultCode.ofAll(
        List.of(tracerProvider.forceFlush(), loggerProvider.forceFlush(), meterProvider.forceFlush())), timeout);
    CompletableResultCode.ofAll(
        List.of(tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()))
        .join(timeout.toMillis(), TimeUnit.MILLISECONDS);
    SpanContext ids = span.getSpanContext();
    return new FunctionCall(null, ids.getTraceId(), ids.getSpanId(), null, List.of(), millisSince(started), error,
        null);
  }

  @Override
  public String description() {
    return "OpenTelemetry Java SDK in the simulator's JVM, " + settings.protocol() + " to " + settings.endpoint();
  }

  @Override
  public void close() {
    tracerProvider.shutdown().join(5, TimeUnit.SECONDS);
    loggerProvider.shutdown().join(5, TimeUnit.SECONDS);
    meterProvider.shutdown().join(5, TimeUnit.SECONDS);
  }

  /** The entry span's parent: the upstream traceparent, else the X-Ray header, else none (a new trace). */
  private static Context parentContext(FunctionRequest request) {
    if (request.traceparent() != null) {
      return W3CTraceContextPropagator.getInstance()
          .extract(Context.root(), Map.of("traceparent", request.traceparent()), MAP_GETTER);
    }
    Matcher xray = XRAY.matcher(request.xrayHeader() == null ? "" : request.xrayHeader());
    if (!xray.find()) {
      return Context.root();
    }
    SpanContext remote = SpanContext.createFromRemoteParent(xray.group(1) + xray.group(2), xray.group(3),
        xray.group(4).equals("1") ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
    return Context.root().with(Span.wrap(remote));
  }

  private static String outcome(CompletableResultCode result, Duration timeout) {
    result.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!result.isDone()) {
      return "flush still running after " + timeout.toMillis() + " ms";
    }
    return result.isSuccess() ? null : "an export failed";
  }

  private static double millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000.0;
  }
}
