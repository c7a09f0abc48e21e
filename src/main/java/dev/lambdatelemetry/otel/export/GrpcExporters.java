package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Target;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** OTLP/gRPC exporters. */
final class GrpcExporters {

  private GrpcExporters() {}

  static SpanExporter spans(Target t, InFlight inFlight) {
    throw new IllegalArgumentException("otel.exporter.otlp.protocol: grpc is not available yet");
  }

  static LogRecordExporter logs(Target t, InFlight inFlight) {
    throw new IllegalArgumentException("otel.exporter.otlp.protocol: grpc is not available yet");
  }

  static MetricExporter metrics(Target t, InFlight inFlight) {
    throw new IllegalArgumentException("otel.exporter.otlp.protocol: grpc is not available yet");
  }
}
