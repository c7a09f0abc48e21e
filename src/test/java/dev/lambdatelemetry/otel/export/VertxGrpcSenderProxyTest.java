package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.lambdatelemetry.otel.testing.OtlpGrpcReceiver;
import dev.lambdatelemetry.otel.testing.TestCertificates;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VertxGrpcSender} through a forward proxy on loopback ({@link TestProxy}): both h2c and TLS go
 * through a CONNECT tunnel with the proxy's credentials, to a collector whose name only the proxy
 * resolves; TLS is checked against the collector's name.
 */
class VertxGrpcSenderProxyTest {

  private static final String COLLECTOR = "collector.test";
  private static final String AUTHORIZATION =
      "Basic " + Base64.getEncoder().encodeToString("otel:s3cr:t".getBytes(StandardCharsets.UTF_8));
  private static final byte[] MESSAGE = ExportTraceServiceRequest.newBuilder()
      .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(
          Span.newBuilder().setName("through-the-proxy")
              .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
              .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})))))
      .build().toByteArray();

  @TempDir Path dir;
  private final InFlight inFlight = new InFlight(Clock.systemUTC());
  private OtlpGrpcReceiver receiver;
  private TestProxy proxy;
  private VertxGrpcSender sender;

  @AfterEach
  void stop() throws IOException {
    if (sender != null) {
      sender.shutdown();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void h2cGoesThroughAConnectTunnelWithTheProxyCredentials() throws Exception {
    receiver = OtlpGrpcReceiver.start();
    proxy = new TestProxy(Map.of(COLLECTOR, "127.0.0.1"));
    proxy.requireAuthorization(AUTHORIZATION);
    ProxySettings proxies = ProxySettings.of(
        Map.of("HTTP_PROXY", "http://otel:s3cr%3At@127.0.0.1:" + proxy.port()), Map.of());

    Object outcome = send(new GrpcConfig(URI.create("http://" + COLLECTOR + ":" + receiver.port()),
        Duration.ofSeconds(10)), proxies);

    assertThat(outcome).isInstanceOf(GrpcResponse.class);
    assertThat(receiver.spans()).extracting(Span::getName).containsExactly("through-the-proxy");
    assertThat(proxy.seen).isNotEmpty().allSatisfy(seen -> {
      assertThat(seen.requestLine()).isEqualTo("CONNECT " + COLLECTOR + ":" + receiver.port() + " HTTP/1.1");
      assertThat(seen.headers()).containsEntry("proxy-authorization", AUTHORIZATION);
    });
  }

  @Test
  void tlsGoesThroughAConnectTunnelAndChecksTheCollectorsName() throws Exception {
    KeyStore keys = TestCertificates.keyStore(dir, "dns:" + COLLECTOR);
    receiver = OtlpGrpcReceiver.startTls(
        TestCertificates.certificatePem(keys, dir.resolve("cert.pem")),
        TestCertificates.privateKeyPem(keys, dir.resolve("key.pem")));
    proxy = new TestProxy(Map.of(COLLECTOR, "127.0.0.1"));
    ProxySettings proxies = ProxySettings.of(Map.of("https_proxy", "127.0.0.1:" + proxy.port()), Map.of());

    Object outcome = send(new GrpcConfig(URI.create("https://" + COLLECTOR + ":" + receiver.port()),
        Duration.ofSeconds(10), trusting(keys)), proxies);

    assertThat(outcome).isInstanceOf(GrpcResponse.class);
    assertThat(receiver.spans()).extracting(Span::getName).containsExactly("through-the-proxy");
    assertThat(proxy.seen).isNotEmpty().allSatisfy(seen ->
        assertThat(seen.requestLine()).isEqualTo("CONNECT " + COLLECTOR + ":" + receiver.port() + " HTTP/1.1"));
  }

  @Test
  void aProxyThatRefusesIsARetryableFailureNamingNoCredentials() throws Exception {
    receiver = OtlpGrpcReceiver.start();
    proxy = new TestProxy(Map.of(COLLECTOR, "127.0.0.1"));
    proxy.refuseWith(502);
    ProxySettings proxies = ProxySettings.of(
        Map.of("HTTPS_PROXY", "http://otel:s3cr%3At@127.0.0.1:" + proxy.port()), Map.of());
    KeyStore keys = TestCertificates.keyStore(dir, "dns:" + COLLECTOR);

    Object outcome = send(new GrpcConfig(URI.create("https://" + COLLECTOR + ":" + receiver.port()),
        Duration.ofSeconds(10), trusting(keys)), proxies);

    assertThat(outcome).isInstanceOfSatisfying(Throwable.class, t -> {
      assertThat(FailureClass.of(t).kind()).isEqualTo(FailureClass.Kind.RETRYABLE);
      for (Throwable c = t; c != null; c = c.getCause()) {
        assertThat(String.valueOf(c.getMessage())).doesNotContain("s3cr").doesNotContain(AUTHORIZATION.substring(6));
      }
    });
    assertThat(proxy.seen).isNotEmpty();
    assertThat(receiver.requestCount()).isZero();
  }

  @Test
  void aProxyThatRefusesTheH2cTunnelIsARetryableFailureNotALostAnswer() throws Exception {
    // The loopback tunnel accepts at once and closes when the proxy refuses: the call must not
    // count as written (a lost answer is abandoned after one retry; this is a refused connect).
    receiver = OtlpGrpcReceiver.start();
    proxy = new TestProxy(Map.of(COLLECTOR, "127.0.0.1"));
    proxy.refuseWith(502);
    ProxySettings proxies = ProxySettings.of(
        Map.of("HTTP_PROXY", "http://127.0.0.1:" + proxy.port()), Map.of());

    Object outcome = send(new GrpcConfig(URI.create("http://" + COLLECTOR + ":" + receiver.port()),
        Duration.ofSeconds(10), null), proxies);

    assertThat(outcome).isInstanceOfSatisfying(Throwable.class,
        t -> assertThat(FailureClass.of(t).kind()).isEqualTo(FailureClass.Kind.RETRYABLE));
    assertThat(receiver.requestCount()).isZero();
  }

  private Object send(GrpcConfig config, ProxySettings proxies) throws Exception {
    GrpcTransport transport = new GrpcTransport(proxies);
    sender = new VertxGrpcSender(config, inFlight, transport, transport.client(config.target(), config));
    inFlight.open(Instant.now().plusSeconds(10));
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    sender.send(SenderFixtures.writer(MESSAGE), outcome::complete, outcome::complete);
    return outcome.get(15, TimeUnit.SECONDS);
  }

  private static X509TrustManager trusting(KeyStore keys) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("no X509TrustManager");
  }
}
