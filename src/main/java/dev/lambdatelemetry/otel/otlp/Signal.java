package dev.lambdatelemetry.otel.otlp;

/** The three OTLP signals, with the names each one goes by on the wire. */
public enum Signal {
  TRACES("/v1/traces", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", "rejectedSpans",
      "spans"),
  LOGS("/v1/logs", "/opentelemetry.proto.collector.logs.v1.LogsService/Export", "rejectedLogRecords",
      "log records"),
  METRICS("/v1/metrics", "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
      "rejectedDataPoints", "data points");

  private final String httpPath;
  private final String grpcPath;
  private final String rejectedJsonField;
  private final String itemName;

  Signal(String httpPath, String grpcPath, String rejectedJsonField, String itemName) {
    this.httpPath = httpPath;
    this.grpcPath = grpcPath;
    this.rejectedJsonField = rejectedJsonField;
    this.itemName = itemName;
  }

  /** The OTLP/HTTP path, e.g. {@code /v1/traces}. */
  public String httpPath() {
    return httpPath;
  }

  /** The gRPC {@code :path} of the signal's {@code Export} method. */
  public String grpcPath() {
    return grpcPath;
  }

  /** What one item of this signal is called in messages (spans, log records, data points). */
  public String itemName() {
    return itemName;
  }

  /** The JSON name of the {@code rejected_*} field of the signal's partial success. */
  String rejectedJsonField() {
    return rejectedJsonField;
  }

  static Signal ofHttpPath(String path) {
    for (Signal s : values()) {
      if (s.httpPath.equals(path)) {
        return s;
      }
    }
    return null;
  }

  static Signal ofGrpcPath(String path) {
    for (Signal s : values()) {
      if (s.grpcPath.equals(path)) {
        return s;
      }
    }
    return null;
  }
}
