package dev.lambdatelemetry.otel.export;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The sender contract over OTLP/gRPC: {@link VertxGrpcSender} against a Vert.x HTTP/2 collector (h2c,
 * or TLS with ALPN) speaking gRPC's framing and trailers.
 */
class VertxGrpcSenderContractTest extends SenderContractTest {

  /** An empty gRPC message: not compressed, length 0 (an empty Export*ServiceResponse). */
  private static final Buffer EMPTY_MESSAGE = Buffer.buffer(new byte[] {0, 0, 0, 0, 0});
  private static final String UNAVAILABLE = "14";

  @Override
  Collector collector(Answer answer, CollectorTls collectorTls, Tls tls) throws Exception {
    return new GrpcCollector(answer, collectorTls, tls);
  }

  @Override
  Sender newSender(URI endpoint, ClientTls clientTls, Tls tls) throws Exception {
    X509TrustManager trust = clientTls == ClientTls.DEFAULTS ? null : trusting(tls);
    GrpcConfig config = new GrpcConfig(endpoint, Duration.ofSeconds(10), trust);
    boolean presentsCertificate = clientTls == ClientTls.WITH_CLIENT_CERTIFICATE;
    GrpcTransport transport = new GrpcTransport(ProxySettings.NONE);
    VertxGrpcSender sender = new VertxGrpcSender(config, inFlight, transport, transport.client(
        config.target(
            presentsCertificate ? Optional.of(tls.clientKey()) : Optional.empty(),
            presentsCertificate ? Optional.of(tls.clientCertificate()) : Optional.empty()),
        config));
    return new Sender() {
      @Override
      public CompletableFuture<Object> send(byte[] message) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        sender.send(SenderFixtures.writer(message), outcome::complete, outcome::complete);
        return outcome;
      }

      @Override
      public void shutdown() {
        sender.shutdown();
      }
    };
  }

  @Override
  URI plainEndpoint(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** HTTP/2 first: a peer silent from the start would leave the call waiting for a connection, not an answer. */
  @Override
  RawPeer.Mode silentPeer() {
    return RawPeer.Mode.HTTP2_SILENT;
  }

  /** HTTP/2 first: the call's DATA frames then stall on the collector's flow-control window. */
  @Override
  RawPeer.Mode notReadingPeer() {
    return RawPeer.Mode.HTTP2_NOT_READING;
  }

  /**
   * None: gRPC has no {@code Retry-After}; its equivalent ({@code RetryInfo} in the status details) is not
   * read today, so the pipeline's own backoff applies to UNAVAILABLE.
   */
  @Override
  Optional<Duration> expectedRetryAfter() {
    return Optional.empty();
  }

  private static X509TrustManager trusting(Tls tls) throws Exception {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(tls.collectorKeys());
    return (X509TrustManager) factory.getTrustManagers()[0];
  }

  /** A gRPC collector on the Vert.x HTTP/2 server, answering every call alike. */
  private static final class GrpcCollector implements Collector {
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final boolean tls;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();

    GrpcCollector(Answer answer, CollectorTls collectorTls, Tls tls) throws Exception {
      this.tls = collectorTls != CollectorTls.NONE;
      HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0);
      if (this.tls) {
        options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(path(tls.collectorCertificate())).setKeyPath(path(tls.collectorKey())));
        if (collectorTls == CollectorTls.MUTUAL) {
          options.setClientAuth(ClientAuth.REQUIRED)
              .setTrustOptions(new PemTrustOptions().addCertPath(path(tls.clientCertificate())));
        }
      }
      server = vertx.createHttpServer(options);
      server.connectionHandler(connection -> {
        open.incrementAndGet();
        connection.closeHandler(v -> open.decrementAndGet());
      });
      server.requestHandler(request -> request.body().onSuccess(body -> {
        requests.incrementAndGet();
        switch (answer) {
          case OK -> request.response().putHeader("content-type", "application/grpc")
              .putTrailer("grpc-status", "0").end(EMPTY_MESSAGE);
          case UNAVAILABLE_RETRY_AFTER_2S -> request.response().putHeader("content-type", "application/grpc")
              .putTrailer("grpc-status", UNAVAILABLE).putTrailer("grpc-message", "retry%20later").end();
          case CLOSE_AFTER_READING -> request.connection().close();
          default -> throw new IllegalStateException();
        }
      }));
      server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String path(Path p) {
      return p.toString();
    }

    @Override
    public URI endpoint() {
      return URI.create((tls ? "https://localhost:" : "http://127.0.0.1:") + server.actualPort());
    }

    @Override
    public int requests() {
      return requests.get();
    }

    @Override
    public int openConnections() {
      return open.get();
    }

    @Override
    public void close() {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // closing
      }
    }
  }
}
