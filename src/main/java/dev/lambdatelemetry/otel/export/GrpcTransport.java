package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Target;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.net.URI;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The one small Vert.x instance behind a pipeline's gRPC senders: created when the first gRPC sender is,
 * closed when the last one shuts down. Nothing of it exists when no signal uses gRPC. Endpoints behind
 * the environment's proxy ({@link ProxySettings}) are reached through a {@code CONNECT} tunnel: Vert.x's
 * own for TLS, a {@link GrpcTunnel} for h2c.
 */
final class GrpcTransport {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.export");

  /** One HTTP/2 connection per endpoint is plenty: calls are multiplexed on it. */
  private static final int CONNECTIONS_PER_ENDPOINT = 1;

  private final ProxySettings proxies;
  private Vertx vertx;
  private int clients;
  /** Each open client's options, to open its replacement with ({@link #renew}). */
  private final Map<HttpClient, HttpClientOptions> optionsOf = new IdentityHashMap<>();
  /** The tunnel each client connects through, for h2c endpoints behind a proxy. */
  private final Map<HttpClient, GrpcTunnel> tunnelOf = new IdentityHashMap<>();

  GrpcTransport() {
    this(ProxySettings.fromEnvironment());
  }

  /** With other proxy settings than the environment's (tests). */
  GrpcTransport(ProxySettings proxies) {
    this.proxies = proxies;
  }

  /** An HTTP/2 client for one signal's endpoint and TLS settings. */
  synchronized HttpClient client(Target target, GrpcSenderConfig config) {
    if (vertx == null) {
      vertx =
          Vertx.vertx(
              new VertxOptions()
                  .setEventLoopPoolSize(1)
                  .setWorkerPoolSize(1)
                  .setInternalBlockingPoolSize(1)
                  .setPreferNativeTransport(false)
                  // No file-system cache directory: the sender reads no files through Vert.x.
                  .setFileSystemOptions(
                      new FileSystemOptions()
                          .setFileCachingEnabled(false)
                          .setClassPathResolvingEnabled(false)));
    }
    clients++;
    HttpClientOptions options =
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            // h2c with prior knowledge, as gRPC servers expect: no HTTP/1.1 Upgrade round trip.
            .setHttp2ClearTextUpgrade(false)
            .setHttp2MaxPoolSize(CONNECTIONS_PER_ENDPOINT)
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.getConnectTimeout().toMillis()))
            .setDecompressionSupported(false);
    boolean tls = "https".equals(config.getEndpoint().getScheme().toLowerCase(Locale.ROOT));
    ProxySettings.Proxy proxy = proxies.forEndpoint(config.getEndpoint()).orElse(null);
    GrpcTunnel tunnel = null;
    if (proxy != null && tls) {
      // TLS goes through CONNECT (Netty's proxy handler); SNI and the host name check are the collector's.
      options.setProxyOptions(GrpcTunnel.options(proxy));
    } else if (proxy != null) {
      URI endpoint = config.getEndpoint();
      try {
        tunnel = GrpcTunnel.open(vertx, proxy, endpoint.getHost(), endpoint.getPort() > 0 ? endpoint.getPort() : 80,
            options.getConnectTimeout());
      } catch (IOException e) {
        // Not a reason to fail the extension's start: without the tunnel the calls go direct, and
        // fail (counted, retried) if the collector is only reachable through the proxy.
        LOG.warnf("cannot open the tunnel through the %s for the gRPC endpoint: %s", proxy, e.getMessage());
      }
    }
    if (tls) {
      options.setSsl(true).setUseAlpn(true);
      if (config.getTrustManager() != null) {
        options.setTrustOptions(TrustOptions.wrap(config.getTrustManager()));
      }
      if (target.clientKey().isPresent() && target.clientCertificate().isPresent()) {
        options.setKeyCertOptions(
            new PemKeyCertOptions()
                .setKeyPath(target.clientKey().get().toString())
                .setCertPath(target.clientCertificate().get().toString()));
      }
    }
    HttpClient client = quiet(vertx.createHttpClient(options));
    optionsOf.put(client, options);
    if (tunnel != null) {
      tunnelOf.put(client, tunnel);
    }
    return client;
  }

  /**
   * Where {@code client}'s requests must connect instead of the endpoint's address (a tunnel through
   * the proxy), or null: the endpoint itself.
   */
  synchronized io.vertx.core.net.SocketAddress server(HttpClient client) {
    GrpcTunnel tunnel = tunnelOf.get(client);
    return tunnel == null ? null : tunnel.address();
  }

  /**
   * A new client with the options of {@code used}, which is closed, with its connections (those still
   * connecting too): what a call that got no answer leaves behind is dropped, not reused.
   */
  synchronized HttpClient renew(HttpClient used) {
    HttpClientOptions same = optionsOf.remove(used);
    if (same == null || vertx == null) {
      return used; // released meanwhile: nothing to renew
    }
    used.close();
    HttpClient fresh = quiet(vertx.createHttpClient(same));
    optionsOf.put(fresh, same);
    GrpcTunnel tunnel = tunnelOf.remove(used);
    if (tunnel != null) {
      tunnelOf.put(fresh, tunnel); // the same listener: closing the old client closed its connections
    }
    return fresh;
  }

  /**
   * Gives each connection of {@code client} an exception handler: without one, Vert.x logs every
   * connection failure (a reset, a collector closing) at ERROR, a line per connection that comes
   * back to us as a log record to export, whose export fails again. The calls on the connection
   * still fail and are counted; the pipeline says so once per outage.
   */
  @SuppressWarnings("deprecation")
  private static HttpClient quiet(HttpClient client) {
    client.connectionHandler(connection -> connection.exceptionHandler(e -> { }));
    return client;
  }

  /** Closes {@code client}, and Vert.x with the last one. */
  synchronized void release(HttpClient client) {
    optionsOf.remove(client);
    client.close();
    GrpcTunnel tunnel = tunnelOf.remove(client);
    if (tunnel != null) {
      tunnel.close();
    }
    if (clients > 0 && --clients == 0 && vertx != null) {
      vertx.close();
      vertx = null;
    }
  }
}
