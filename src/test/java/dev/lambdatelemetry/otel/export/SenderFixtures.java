package dev.lambdatelemetry.otel.export;

import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/** What the OTel SDK hands an HTTP sender, for the sender tests. */
final class SenderFixtures {

  private SenderFixtures() {}

  /** A message writer for these bytes. */
  static MessageWriter writer(byte[] message) {
    return new MessageWriter() {
      @Override
      public void writeMessage(OutputStream out) throws IOException {
        out.write(message);
      }

      @Override
      public int getContentLength() {
        return message.length;
      }
    };
  }

  /** An exporter's configuration: protobuf, no compression, 10 s timeouts. */
  record Config(URI endpoint, Supplier<Map<String, List<String>>> headers, SSLContext sslContext)
      implements HttpSenderConfig {

    Config(URI endpoint, Supplier<Map<String, List<String>>> headers) {
      this(endpoint, headers, null);
    }

    @Override
    public URI getEndpoint() {
      return endpoint;
    }

    @Override
    public String getContentType() {
      return "application/x-protobuf";
    }

    @Override
    public Compressor getCompressor() {
      return null;
    }

    @Override
    public Duration getTimeout() {
      return Duration.ofSeconds(10);
    }

    @Override
    public Duration getConnectTimeout() {
      return Duration.ofSeconds(10);
    }

    @Override
    public Supplier<Map<String, List<String>>> getHeadersSupplier() {
      return headers;
    }

    @Override
    public ProxyOptions getProxyOptions() {
      return null;
    }

    @Override
    public RetryPolicy getRetryPolicy() {
      return null;
    }

    @Override
    public SSLContext getSslContext() {
      return sslContext;
    }

    @Override
    public X509TrustManager getTrustManager() {
      return null;
    }

    @Override
    public ExecutorService getExecutorService() {
      return null;
    }
  }
}
