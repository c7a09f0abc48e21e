package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.lambdatelemetry.otel.testing.OtlpReceiver;
import dev.lambdatelemetry.otel.testing.TestCertificates;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.export.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link SocketHttpSender} through a forward proxy on loopback ({@link TestProxy}): plain requests in
 * absolute form, TLS through CONNECT with the certificate checked against the collector's name (which
 * does not resolve on the client: only the proxy knows it), proxy credentials, NO_PROXY, and a proxy
 * that refuses.
 */
class SocketHttpSenderProxyTest {

  /** A name only the proxy resolves (to loopback): the client never looks it up. */
  private static final String COLLECTOR = "collector.test";
  private static final String SECRET = "s3cr%3At";
  private static final String AUTHORIZATION =
      "Basic " + Base64.getEncoder().encodeToString("otel:s3cr:t".getBytes(StandardCharsets.UTF_8));
  private static final byte[] MESSAGE = ExportTraceServiceRequest.newBuilder()
      .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(
          Span.newBuilder().setName("through-the-proxy")
              .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
              .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})))))
      .build().toByteArray();

  @TempDir Path dir;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final InFlight inFlight = new InFlight(Clock.systemUTC());
  private TestProxy proxy;
  private SSLServerSocket tlsCollector;

  @AfterEach
  void stop() throws IOException {
    executor.shutdownNow();
    if (proxy != null) {
      proxy.close();
    }
    if (tlsCollector != null) {
      tlsCollector.close();
    }
  }

  @Test
  void aPlainRequestGoesToTheProxyInAbsoluteFormWithTheProxyCredentials() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      proxy = new TestProxy(Map.of(COLLECTOR, "127.0.0.1"));
      proxy.requireAuthorization(AUTHORIZATION);
      URI endpoint = URI.create("http://" + COLLECTOR + ":" + receiver.port() + "/v1/traces");
      ProxySettings proxies = ProxySettings.of(
          Map.of("HTTP_PROXY", "http://otel:" + SECRET + "@127.0.0.1:" + proxy.port()), Map.of());

      Object outcome = send(new SenderFixtures.Config(endpoint, Map::of), proxies);

      assertThat(outcome).isInstanceOf(HttpResponse.class);
      assertThat(proxy.seen).hasSize(1);
      assertThat(proxy.seen.get(0).requestLine())
          .isEqualTo("POST http://" + COLLECTOR + ":" + receiver.port() + "/v1/traces HTTP/1.1");
      assertThat(proxy.seen.get(0).headers())
          .containsEntry("proxy-authorization", AUTHORIZATION)
          .containsEntry("host", COLLECTOR + ":" + receiver.port());
      assertThat(receiver.spans()).extracting(Span::getName).containsExactly("through-the-proxy");
      assertThat(receiver.requestHeaders().get(0)).doesNotContainKey("proxy-authorization");
    }
  }

  @Test
  void aTlsRequestGoesThroughAConnectTunnelAndChecksTheCollectorsCertificateNotTheProxys() throws Exception {
    KeyStore keys = TestCertificates.keyStore(dir, "dns:" + COLLECTOR);
    CompletableFuture<String> received = serveTlsOnce(keys);
    proxy = new TestProxy(Map.of(COLLECTOR, "127.0.0.1"));
    proxy.requireAuthorization(AUTHORIZATION);
    URI endpoint = URI.create("https://" + COLLECTOR + ":" + tlsCollector.getLocalPort() + "/v1/logs");
    ProxySettings proxies = ProxySettings.of(
        Map.of("https_proxy", "otel:" + SECRET + "@127.0.0.1:" + proxy.port()), Map.of());

    Object outcome = send(new SenderFixtures.Config(endpoint, Map::of, clientTrusting(keys)), proxies);

    assertThat(outcome).isInstanceOf(HttpResponse.class);
    assertThat(proxy.seen).hasSize(1);
    assertThat(proxy.seen.get(0).requestLine())
        .isEqualTo("CONNECT " + COLLECTOR + ":" + tlsCollector.getLocalPort() + " HTTP/1.1");
    assertThat(proxy.seen.get(0).headers()).containsEntry("proxy-authorization", AUTHORIZATION);
    assertThat(received.get(5, TimeUnit.SECONDS))
        .startsWith("POST /v1/logs HTTP/1.1\r\n")
        .contains("Host: " + COLLECTOR + ":" + tlsCollector.getLocalPort() + "\r\n")
        .doesNotContain("Proxy-Authorization"); // inside the tunnel, for the collector: none
  }

  @Test
  void anEndpointListedInNoProxyGoesDirect() throws Exception {
    proxy = new TestProxy(Map.of(COLLECTOR, "127.0.0.1"));
    ProxySettings proxies = ProxySettings.of(
        Map.of("HTTP_PROXY", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", ".test"), Map.of());

    Object outcome = send(new SenderFixtures.Config(URI.create("http://" + COLLECTOR + ":4318/v1/traces"), Map::of),
        proxies);

    // Direct: the client itself had to resolve the name, which only the proxy knows.
    assertThat(outcome).isInstanceOf(UnknownHostException.class);
    assertThat(proxy.connections.get()).isZero();
  }

  @ParameterizedTest
  @CsvSource({"407, REJECTED", "403, REJECTED", "502, RETRYABLE", "503, RETRYABLE"})
  void aProxyThatRefusesTheTunnelIsClassifiedByItsStatusAndNamesNoCredentials(
      int status, FailureClass.Kind kind) throws Exception {
    proxy = new TestProxy(Map.of());
    proxy.refuseWith(status);
    ProxySettings proxies = ProxySettings.of(
        Map.of("HTTPS_PROXY", "http://otel:" + SECRET + "@127.0.0.1:" + proxy.port()), Map.of());

    Object outcome = send(new SenderFixtures.Config(URI.create("https://" + COLLECTOR + "/v1/traces"), Map::of),
        proxies);

    assertThat(outcome).isInstanceOfSatisfying(SocketHttpSender.StatusException.class, e -> {
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.getMessage()).contains(String.valueOf(status)).contains("proxy 127.0.0.1:" + proxy.port())
          .doesNotContain("s3cr").doesNotContain("otel:").doesNotContain(AUTHORIZATION.substring(6));
    });
    assertThat(FailureClass.of((Throwable) outcome).kind()).isEqualTo(kind);
  }

  @Test
  void anUnreachableProxyIsARetryableConnectFailureNamingNoCredentials() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ProxySettings proxies = ProxySettings.of(
        Map.of("HTTP_PROXY", "http://otel:" + SECRET + "@127.0.0.1:" + closedPort), Map.of());

    Object outcome = send(new SenderFixtures.Config(URI.create("http://" + COLLECTOR + "/v1/traces"), Map::of),
        proxies);

    assertThat(outcome).isInstanceOfSatisfying(ConnectException.class, e ->
        assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort).doesNotContain("s3cr"));
    assertThat(FailureClass.of((Throwable) outcome).kind()).isEqualTo(FailureClass.Kind.RETRYABLE);
  }

  // ---------------------------------------------------------------- helpers

  private Object send(SenderFixtures.Config config, ProxySettings proxies) throws Exception {
    SocketHttpSender sender =
        new SocketHttpSender(config, inFlight, executor, HttpConnectionPool.CHECK_AFTER_IDLE, proxies);
    inFlight.open(Instant.now().plusSeconds(10));
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    sender.send(SenderFixtures.writer(MESSAGE), outcome::complete, outcome::complete);
    return outcome.get(10, TimeUnit.SECONDS);
  }

  /** A TLS collector on loopback that answers one request with 200 and hands over what it received. */
  private CompletableFuture<String> serveTlsOnce(KeyStore keys) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, TestCertificates.PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    tlsCollector = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    CompletableFuture<String> received = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (SSLSocket s = (SSLSocket) tlsCollector.accept()) {
        InputStream in = s.getInputStream();
        StringBuilder request = new StringBuilder();
        while (!request.toString().endsWith("\r\n\r\n")) {
          int c = in.read();
          if (c == -1) {
            received.complete(request.toString());
            return;
          }
          request.append((char) c);
        }
        in.readNBytes(MESSAGE.length);
        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        received.complete(request.toString());
      } catch (IOException e) {
        received.complete("failed: " + e);
      }
    }, "tls-collector");
    t.setDaemon(true);
    t.start();
    return received;
  }

  private static SSLContext clientTrusting(KeyStore keys) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
