package dev.lambdatelemetry.otel.simulator.function;

/**
 * Where and how the instrumented function's SDK exports: the extension's local endpoint on loopback.
 *
 * @param protocol the OTLP protocol
 * @param httpPort the extension's OTLP/HTTP port (4318 in Lambda; a free one in tests that run in parallel)
 * @param grpcPort the extension's OTLP/gRPC port (4317 in Lambda)
 * @param serviceName the function's {@code service.name} (also its entry span's name)
 */
public record FunctionSettings(FunctionProtocol protocol, int httpPort, int grpcPort, String serviceName) {

  /** The ports an SDK with no endpoint configured exports to. */
  public static final int DEFAULT_HTTP_PORT = 4318;
  public static final int DEFAULT_GRPC_PORT = 4317;
  /** Distinct from the extension's {@code OTEL_SERVICE_NAME} in the tests, so each side's resource is visible. */
  public static final String DEFAULT_SERVICE_NAME = "orders-function";

  /** The SDK's defaults: {@code protocol} to localhost's standard ports. */
  public static FunctionSettings defaults(FunctionProtocol protocol) {
    return new FunctionSettings(protocol, DEFAULT_HTTP_PORT, DEFAULT_GRPC_PORT, DEFAULT_SERVICE_NAME);
  }

  public FunctionSettings withPorts(int http, int grpc) {
    return new FunctionSettings(protocol, http, grpc, serviceName);
  }

  /** {@code OTEL_EXPORTER_OTLP_ENDPOINT}: the base URL, without a {@code /v1/...} path. */
  public String endpoint() {
    return "http://127.0.0.1:" + (protocol == FunctionProtocol.GRPC ? grpcPort : httpPort);
  }
}
