package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Compression;
import dev.lambdatelemetry.otel.config.OtelSettings.ExporterKind;
import dev.lambdatelemetry.otel.config.OtelSettings.Protocol;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.config.OtelSettings.Target;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/** What the OTel SDK hands a gRPC sender, for the sender tests: the traces method, no compression. */
record GrpcConfig(URI endpoint, Duration timeout, X509TrustManager trustManager) implements GrpcSenderConfig {

  static final String TRACES_METHOD = "opentelemetry.proto.collector.trace.v1.TraceService/Export";

  GrpcConfig(URI endpoint, Duration timeout) {
    this(endpoint, timeout, null);
  }

  /** The target {@link GrpcTransport#client} reads its client certificate settings from: none. */
  Target target() {
    return target(Optional.empty(), Optional.empty());
  }

  /** A target presenting this client key and certificate (PEM files) to the collector (mTLS). */
  Target target(Optional<java.nio.file.Path> clientKey, Optional<java.nio.file.Path> clientCertificate) {
    return new Target(Signal.TRACES, List.of(ExporterKind.OTLP), Protocol.GRPC, endpoint, Map.of(), Compression.NONE,
        timeout, Optional.empty(), clientKey, clientCertificate);
  }

  @Override
  public URI getEndpoint() {
    return endpoint;
  }

  @Override
  public String getFullMethodName() {
    return TRACES_METHOD;
  }

  @Override
  public Compressor getCompressor() {
    return null;
  }

  @Override
  public Duration getTimeout() {
    return timeout;
  }

  @Override
  public Duration getConnectTimeout() {
    return timeout;
  }

  @Override
  public Supplier<Map<String, List<String>>> getHeadersSupplier() {
    return Map::of;
  }

  @Override
  public RetryPolicy getRetryPolicy() {
    return null;
  }

  @Override
  public SSLContext getSslContext() {
    return null;
  }

  @Override
  public X509TrustManager getTrustManager() {
    return trustManager;
  }

  @Override
  public ExecutorService getExecutorService() {
    return null;
  }
}
