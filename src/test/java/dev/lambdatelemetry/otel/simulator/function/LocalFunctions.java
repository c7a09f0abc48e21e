package dev.lambdatelemetry.otel.simulator.function;

import java.io.IOException;

/** Picks the instrumented function this machine can run. */
public final class LocalFunctions {

  private LocalFunctions() {}

  /**
   * The Node.js function when node and its npm packages are there, else the Java SDK function (which exports
   * {@code http/json} as {@code http/protobuf}: the Java SDK has no JSON exporter).
   */
  public static LocalFunction start(FunctionSettings settings) throws IOException {
    if (NodeFunction.unavailable().isEmpty()) {
      return NodeFunction.start(settings);
    }
    return JavaSdkFunction.start(settings.protocol() == FunctionProtocol.HTTP_JSON
        ? new FunctionSettings(FunctionProtocol.HTTP_PROTOBUF, settings.httpPort(), settings.grpcPort(),
            settings.serviceName())
        : settings);
  }
}
