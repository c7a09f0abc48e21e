package dev.lambdatelemetry.otel.simulator.function;

/** The OTLP protocol a function's SDK exports with, by its {@code OTEL_EXPORTER_OTLP_PROTOCOL} name. */
public enum FunctionProtocol {
  HTTP_PROTOBUF("http/protobuf"),
  HTTP_JSON("http/json"),
  GRPC("grpc");

  private final String otelName;

  FunctionProtocol(String otelName) {
    this.otelName = otelName;
  }

  /** The value of {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
  public String otelName() {
    return otelName;
  }

  public static FunctionProtocol fromOtelName(String name) {
    for (FunctionProtocol protocol : values()) {
      if (protocol.otelName.equals(name)) {
        return protocol;
      }
    }
    throw new IllegalArgumentException("unknown OTLP protocol '" + name + "' (http/protobuf, http/json, grpc)");
  }

  @Override
  public String toString() {
    return otelName;
  }
}
