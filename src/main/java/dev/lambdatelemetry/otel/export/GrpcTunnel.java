package dev.lambdatelemetry.otel.export;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code CONNECT} tunnel through a proxy for gRPC without TLS (h2c). Vert.x's HTTP client sends plain
 * requests to an HTTP proxy in absolute form, as HTTP/1.1 does, which no forward proxy understands as
 * HTTP/2 with prior knowledge; only a tunnel carries it. So the client connects to this listener on
 * loopback instead, and each connection is piped through a {@code CONNECT host:port} tunnel (Vert.x's
 * net client with the proxy) to the collector. Listens on 127.0.0.1 only, on a port of the system's
 * choosing; closed with the client it serves.
 */
final class GrpcTunnel {

  private static final long LISTEN_TIMEOUT_SECONDS = 5;

  private final NetServer server;
  private final NetClient client;

  private GrpcTunnel(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  /** A listener on loopback whose connections go to {@code host:port} through {@code proxy}. */
  static GrpcTunnel open(Vertx vertx, ProxySettings.Proxy proxy, String host, int port, int connectTimeoutMillis)
      throws IOException {
    NetClient client = vertx.createNetClient(
        new NetClientOptions().setConnectTimeout(connectTimeoutMillis).setProxyOptions(options(proxy)));
    NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0));
    server.connectHandler(in -> {
      in.pause(); // until the tunnel is up: nothing read is lost
      boolean[] closed = {false}; // both handlers run on the one event loop
      in.closeHandler(v -> closed[0] = true);
      client.connect(port, host).onComplete(tunnel -> {
        if (tunnel.failed()) {
          in.close(); // the HTTP/2 client sees the connection closed: retryable, as a refused connect
          return;
        }
        NetSocket out = tunnel.result();
        if (closed[0]) {
          out.close(); // the call was given up while the proxy was answering: nothing to carry
          return;
        }
        in.pipeTo(out); // each side's end closes the other
        out.pipeTo(in);
      });
    });
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(LISTEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.close();
      throw new IOException("interrupted while opening the gRPC proxy tunnel", e);
    } catch (ExecutionException | TimeoutException e) {
      client.close();
      server.close();
      throw new IOException("cannot listen on loopback for the gRPC proxy tunnel", e);
    }
    return new GrpcTunnel(server, client);
  }

  /** Vert.x's options for an HTTP (CONNECT) proxy, with its credentials if any. */
  static ProxyOptions options(ProxySettings.Proxy proxy) {
    ProxyOptions options = new ProxyOptions().setType(ProxyType.HTTP).setHost(proxy.host()).setPort(proxy.port());
    if (proxy.username() != null) {
      options.setUsername(proxy.username()).setPassword(proxy.password() == null ? "" : proxy.password());
    }
    return options;
  }

  /** Where the HTTP/2 client connects instead of the collector. */
  SocketAddress address() {
    return SocketAddress.inetSocketAddress(server.actualPort(), "127.0.0.1");
  }

  void close() {
    server.close();
    client.close();
  }
}
