package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.http.Http1;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Opens the OTLP/HTTP sender's connections: TCP to the collector (or to the proxy), a {@code CONNECT}
 * tunnel through the proxy for TLS, then the TLS handshake with the exporter's trust (and client key)
 * material, the collector's host name verified and sent as SNI. Every step is bounded by the exchange's
 * deadline and cancellable: the exchange holds the connection while it is being opened.
 *
 * <p>A connect that fails or gets no answer is a {@link ConnectException}: the collector saw nothing,
 * so the pipeline may retry it.
 */
final class HttpConnector {

  private final HttpSenderConfig config;
  private final HttpEndpoint endpoint;

  HttpConnector(HttpSenderConfig config, HttpEndpoint endpoint) {
    this.config = config;
    this.endpoint = endpoint;
  }

  /** A new connection to the collector, TLS established if it speaks TLS. */
  HttpConnection connect(HttpExchange exchange) throws IOException {
    Socket socket = new Socket();
    HttpConnection c = new HttpConnection(socket, socket);
    exchange.attach(c); // cancellable while connecting
    try {
      socket.setTcpNoDelay(true);
      ProxySettings.Proxy proxy = endpoint.proxy();
      try {
        // Through a proxy, the collector's name is resolved by the proxy, not here: in a VPC whose
        // only way out is the proxy, it may not resolve here at all.
        InetSocketAddress to = proxy == null
            ? new InetSocketAddress(endpoint.host(), endpoint.port())
            : new InetSocketAddress(proxy.host(), proxy.port());
        socket.connect(to, connectTimeoutMillis(exchange));
      } catch (SocketTimeoutException e) {
        throw failure("no answer to connect", e); // the collector saw nothing: retryable
      } catch (IOException e) {
        if (proxy == null || exchange.isCancelled()) {
          throw e;
        }
        ConnectException unreachable = new ConnectException(
            "cannot connect to the " + proxy + ": " + e.getClass().getSimpleName());
        unreachable.initCause(e);
        throw unreachable;
      }
      if (!endpoint.tls()) {
        return c.ready(socket);
      }
      if (proxy != null) {
        tunnel(socket, exchange);
      }
      SSLSocket ssl = secure(socket);
      ssl.setSoTimeout(exchange.millisLeft());
      HttpConnection secured = c.ready(ssl);
      exchange.attach(secured);
      try {
        ssl.startHandshake();
      } catch (SocketTimeoutException e) {
        throw failure("no answer to the TLS handshake", e);
      }
      return secured;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    } finally {
      exchange.detach();
    }
  }

  /** A TLS socket over {@code socket}, configured but not yet shaken hands. */
  private SSLSocket secure(Socket socket) throws IOException {
    String host = endpoint.host();
    SSLSocketFactory factory = config.getSslContext() != null
        ? config.getSslContext().getSocketFactory()
        : (SSLSocketFactory) SSLSocketFactory.getDefault();
    SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, endpoint.port(), true);
    SSLParameters parameters = ssl.getSSLParameters();
    List<String> protocols = config.getEnabledProtocols();
    if (protocols != null && !protocols.isEmpty()) {
      parameters.setProtocols(protocols.toArray(String[]::new));
    }
    parameters.setEndpointIdentificationAlgorithm("HTTPS"); // verify the certificate's host name
    if (!isIpLiteral(host)) {
      String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
      try {
        parameters.setServerNames(List.of(new SNIHostName(name)));
      } catch (IllegalArgumentException e) {
        // not a name SNI can carry: the handshake goes without it (verification is unchanged)
      }
    }
    ssl.setSSLParameters(parameters);
    return ssl;
  }

  /**
   * Asks the proxy for a tunnel to the collector ({@code CONNECT host:port}). A refusal is reported as
   * a {@link SocketHttpSender.StatusException} with the proxy's status, classified as a collector's
   * would be (407 or 403: rejected; 502, 503, 504: retryable), its message naming the proxy and never
   * its credentials.
   */
  private void tunnel(Socket socket, HttpExchange exchange) throws IOException {
    ProxySettings.Proxy proxy = endpoint.proxy();
    String target = endpoint.authority();
    StringBuilder head = new StringBuilder(128)
        .append("CONNECT ").append(target).append(" HTTP/1.1\r\n")
        .append("Host: ").append(target).append("\r\n");
    proxy.authorization().ifPresent(a -> head.append("Proxy-Authorization: ").append(a).append("\r\n"));
    head.append("\r\n");
    socket.setSoTimeout(exchange.millisLeft());
    OutputStream out = socket.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    Http1.Response answer;
    try {
      // Unbuffered: nothing after the answer's head may be taken from the tunnel.
      answer = Http1.readHead(socket.getInputStream());
    } catch (SocketTimeoutException e) {
      throw failure("no answer to CONNECT from the " + proxy, e);
    }
    if (answer.status() / 100 != 2) {
      throw new SocketHttpSender.StatusException(answer.status(), Optional.ofNullable(answer.header("Retry-After")),
          "HTTP " + answer.status() + " from the " + proxy + " to CONNECT " + target);
    }
  }

  private ConnectException failure(String what, IOException cause) {
    ConnectException e = new ConnectException(what + " from " + endpoint.describe());
    e.initCause(cause);
    return e;
  }

  /** The time left in the flush, never more than the exporter's connect timeout. */
  private int connectTimeoutMillis(HttpExchange exchange) throws IOException {
    int left = exchange.millisLeft();
    Duration configured = config.getConnectTimeout();
    return configured == null || configured.isZero() || configured.toMillis() >= left
        ? left
        : (int) Math.max(1, configured.toMillis());
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch));
  }
}
