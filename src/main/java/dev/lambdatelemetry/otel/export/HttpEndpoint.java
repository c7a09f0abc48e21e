package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.Redaction;
import java.net.URI;
import java.util.Locale;

/**
 * Where an OTLP/HTTP sender's requests go, worked out once from the exporter's endpoint: the collector's
 * host and port, whether it speaks TLS, the {@code Host} header and request target its requests carry,
 * and the forward proxy they go through (null: direct).
 *
 * @param hostHeader {@code host[:port]}, an IPv6 address bracketed, the port only when the URL gave one
 * @param requestTarget what the request line names: the path and query, or, through a proxy without
 *     TLS, the absolute URL (a TLS request goes through a {@code CONNECT} tunnel, inside which it is an
 *     ordinary request to the collector)
 */
record HttpEndpoint(
    String host, int port, boolean tls, String hostHeader, String requestTarget, ProxySettings.Proxy proxy) {

  private static final int DEFAULT_HTTP_PORT = 80;
  private static final int DEFAULT_HTTPS_PORT = 443;

  /**
   * The endpoint of this URL, with the proxy {@code proxies} choose for it.
   *
   * @throws IllegalArgumentException not an {@code http://} or {@code https://} URL with a host (the
   *     message shows the URL redacted: no userinfo, no query)
   */
  static HttpEndpoint of(URI endpoint, ProxySettings proxies) {
    String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "OTLP endpoint must be http:// or https://, was " + Redaction.url(String.valueOf(endpoint)));
    }
    boolean tls = scheme.equals("https");
    String host = endpoint.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException(
          "OTLP endpoint has no host: " + Redaction.url(String.valueOf(endpoint)));
    }
    int port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT;
    String hostHeader = endpoint.getPort() > 0 ? bracketed(host) + ":" + port : bracketed(host);
    String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
    String origin = endpoint.getRawQuery() == null ? path : path + "?" + endpoint.getRawQuery();
    ProxySettings.Proxy proxy = proxies.select(tls, host, port).orElse(null);
    String requestTarget = proxy != null && !tls ? "http://" + hostHeader + origin : origin;
    return new HttpEndpoint(host, port, tls, hostHeader, requestTarget, proxy);
  }

  /** Plain requests through a proxy: they carry {@code Proxy-Authorization} themselves (no tunnel). */
  boolean viaPlainProxy() {
    return proxy != null && !tls;
  }

  /** {@code host:port} of the collector, the port always given: the form {@code CONNECT} takes. */
  String authority() {
    return bracketed(host) + ":" + port;
  }

  /** {@code host:port} of the collector, and the proxy in between if any: for messages. */
  String describe() {
    return host + ":" + port + (proxy == null ? "" : " (through the " + proxy + ")");
  }

  private static String bracketed(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
