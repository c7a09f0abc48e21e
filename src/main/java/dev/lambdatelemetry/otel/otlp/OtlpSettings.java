package dev.lambdatelemetry.otel.otlp;

/**
 * How the local OTLP endpoint runs ({@code lambda-telemetry.otlp-receiver.*}).
 *
 * @param enabled whether to start it at all
 * @param host the address to bind: always loopback ({@link #LOOPBACK}); a field so tests and logs name it
 * @param httpPort OTLP/HTTP port, 0 for any free port (tests)
 * @param grpcPort OTLP/gRPC port, 0 for any free port (tests)
 * @param maxBodyBytes the largest request body, before and after gzip inflation
 * @param maxInFlightBytes the bodies being received and decoded at one time, all requests together
 * @param queueMaxBytes what {@link ReceivedQueue} keeps before refusing the newest
 */
public record OtlpSettings(boolean enabled, String host, int httpPort, int grpcPort, int maxBodyBytes,
    long maxInFlightBytes, long queueMaxBytes) {

  public static final String PREFIX = "lambda-telemetry.otlp-receiver.";
  public static final String HTTP_PORT_PROPERTY = PREFIX + "http-port";
  public static final String GRPC_PORT_PROPERTY = PREFIX + "grpc-port";
  public static final String LOOPBACK = "127.0.0.1";
  public static final int DEFAULT_HTTP_PORT = 4318;
  public static final int DEFAULT_GRPC_PORT = 4317;
  /**
   * 4 MiB, gRPC's default message limit, which SDKs and collectors already respect; a batch of 512
   * spans of a typical instrumented function (a dozen attributes each) is about 150 KiB.
   */
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
  /** Two largest bodies at once (a compressed body and its inflation, or two signals in parallel). */
  public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 2L * DEFAULT_MAX_BODY_BYTES;
  public static final long DEFAULT_QUEUE_MAX_BYTES = 4L * 1024 * 1024;

  public OtlpSettings {
    if (httpPort < 0 || httpPort > 65535 || grpcPort < 0 || grpcPort > 65535) {
      throw new IllegalArgumentException("ports must be 0..65535: " + httpPort + ", " + grpcPort);
    }
    if (maxBodyBytes <= 0 || maxInFlightBytes < maxBodyBytes || queueMaxBytes <= 0) {
      throw new IllegalArgumentException("body, in-flight and queue bounds must be positive, in-flight "
          + "at least one body: " + maxBodyBytes + ", " + maxInFlightBytes + ", " + queueMaxBytes);
    }
  }

  public static OtlpSettings defaults() {
    return new OtlpSettings(true, LOOPBACK, DEFAULT_HTTP_PORT, DEFAULT_GRPC_PORT,
        DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IN_FLIGHT_BYTES, DEFAULT_QUEUE_MAX_BYTES);
  }

  public OtlpSettings withPorts(int http, int grpc) {
    return new OtlpSettings(enabled, host, http, grpc, maxBodyBytes, maxInFlightBytes, queueMaxBytes);
  }

  public OtlpSettings withLimits(int maxBody, long maxInFlight, long queueMax) {
    return new OtlpSettings(enabled, host, httpPort, grpcPort, maxBody, maxInFlight, queueMax);
  }
}
