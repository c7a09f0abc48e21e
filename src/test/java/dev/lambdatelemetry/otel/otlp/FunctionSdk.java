package dev.lambdatelemetry.otel.otlp;

import dev.lambdatelemetry.otel.simulator.function.JavaSdkSenders;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The function's side for tests: OTel Java SDK exporters (the real {@code OtlpHttp*Exporter} and
 * {@code OtlpGrpc*Exporter} classes) over senders the test class path can run: the JDK HTTP client for
 * OTLP/HTTP (the OkHttp sender is excluded from the build), grpc-java on Netty for OTLP/gRPC, the
 * simulator's {@link JavaSdkSenders}. The exporters encode, compress and interpret answers themselves;
 * the senders only move bytes.
 */
final class FunctionSdk {

  private FunctionSdk() {}

  static SpanExporter httpSpans(int port, boolean gzip) {
    var b = OtlpHttpSpanExporter.builder().setComponentLoader(http())
        .setEndpoint("http://127.0.0.1:" + port + "/v1/traces");
    return (gzip ? b.setCompression("gzip") : b).build();
  }

  static LogRecordExporter httpLogs(int port) {
    return OtlpHttpLogRecordExporter.builder().setComponentLoader(http())
        .setEndpoint("http://127.0.0.1:" + port + "/v1/logs").build();
  }

  static MetricExporter httpMetrics(int port) {
    return OtlpHttpMetricExporter.builder().setComponentLoader(http())
        .setEndpoint("http://127.0.0.1:" + port + "/v1/metrics").build();
  }

  static SpanExporter grpcSpans(int port, boolean gzip) {
    var b = OtlpGrpcSpanExporter.builder().setComponentLoader(grpc())
        .setEndpoint("http://127.0.0.1:" + port);
    return (gzip ? b.setCompression("gzip") : b).build();
  }

  static LogRecordExporter grpcLogs(int port) {
    return OtlpGrpcLogRecordExporter.builder().setComponentLoader(grpc())
        .setEndpoint("http://127.0.0.1:" + port).build();
  }

  static MetricExporter grpcMetrics(int port) {
    return OtlpGrpcMetricExporter.builder().setComponentLoader(grpc())
        .setEndpoint("http://127.0.0.1:" + port).build();
  }

  private static ComponentLoader http() {
    return JavaSdkSenders.http();
  }

  private static ComponentLoader grpc() {
    return JavaSdkSenders.grpc();
  }
}
