package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Target;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * OTLP/gRPC exporters: NOT WIRED YET. OpenTelemetry 1.68 has no JDK gRPC sender (the JDK HttpClient can
 * neither speak h2c with prior knowledge nor read HTTP/2 trailers, where grpc-status lives); gRPC needs
 * the OkHttp sender (OkHttp 5 + okio + Kotlin stdlib) or grpc-java. Until one is added, choosing grpc
 * fails at start-up with a message naming the property, rather than silently exporting nothing.
 */
final class GrpcExporters {

  private GrpcExporters() {}

  static SpanExporter spans(Target t, InFlight inFlight) {
    throw unsupported(t);
  }

  static LogRecordExporter logs(Target t, InFlight inFlight) {
    throw unsupported(t);
  }

  static MetricExporter metrics(Target t, InFlight inFlight) {
    throw unsupported(t);
  }

  private static IllegalArgumentException unsupported(Target t) {
    return new IllegalArgumentException(
        "otel.exporter.otlp.protocol (" + t.signal().key()
            + "): grpc is not supported by this build yet; use http/protobuf");
  }
}
