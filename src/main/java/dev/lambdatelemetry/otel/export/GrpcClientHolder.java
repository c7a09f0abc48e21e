package dev.lambdatelemetry.otel.export;

import io.vertx.core.http.HttpClient;
import io.vertx.core.net.SocketAddress;

/**
 * The HTTP/2 client a gRPC sender's calls start on, replaced by a new one when a call ends without an
 * answer: closing the old client closes its connections, the established ones and one still waiting for
 * the collector's HTTP/2 preface, which Vert.x would otherwise keep in its pool and queue the next calls
 * (and their payloads) behind, for ever.
 */
final class GrpcClientHolder {

  private final GrpcTransport transport;
  /** Where to connect instead of the endpoint (a tunnel through a proxy), or null. */
  private final SocketAddress server;
  private volatile HttpClient client;
  private boolean released;

  GrpcClientHolder(GrpcTransport transport, HttpClient client) {
    this.transport = transport;
    this.client = client;
    this.server = transport.server(client);
  }

  /** The client new calls start on. */
  HttpClient current() {
    return client;
  }

  /** Where calls connect instead of the endpoint's address (a proxy tunnel), or null: the endpoint. */
  SocketAddress server() {
    return server;
  }

  /** Replaces {@code used} by a new client and closes it, unless that was done already (or released). */
  synchronized void retire(HttpClient used) {
    if (client == used && !released) {
      client = transport.renew(used);
    }
  }

  /** Closes the current client (once); no client is renewed afterwards. */
  void release() {
    HttpClient last;
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      last = client;
    }
    transport.release(last);
  }
}
