package dev.lambdatelemetry.otel.export;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The forward proxies the environment asks for, read once: both OTLP senders go through them (HTTP
 * requests in absolute form, TLS and gRPC through a {@code CONNECT} tunnel).
 *
 * <ul>
 *   <li>{@code https://} endpoints use {@code https_proxy} / {@code HTTPS_PROXY}; {@code http://}
 *       endpoints (gRPC without TLS included) use {@code http_proxy} / {@code HTTP_PROXY}. The lower-case
 *       variable wins when both are set (as in curl). The JVM's {@code https.proxyHost} /
 *       {@code https.proxyPort} (default 443) and {@code http.proxyHost} / {@code http.proxyPort}
 *       (default 80), when set, win over the environment for their scheme.
 *   <li>A proxy is {@code [http://][user[:password]@]host[:port]} (port 80 by default); the user and
 *       password (percent-decoded) go out as {@code Proxy-Authorization: Basic} and are never printed.
 *       A proxy reached over TLS ({@code https://}) or SOCKS is not supported: it is ignored, with one
 *       warning.
 *   <li>{@code no_proxy} / {@code NO_PROXY}: comma- (or space-) separated; {@code *} alone bypasses every
 *       proxy; {@code example.com}, {@code .example.com} and {@code *.example.com} all match
 *       example.com and its subdomains; {@code host:port} matches that port only; IP addresses match
 *       exactly, and {@code 10.0.0.0/8} style blocks match literal IP endpoints in them. A proxy from the
 *       JVM properties is bypassed by {@code http.nonProxyHosts} instead ({@code |}-separated, {@code *}
 *       at either end of a pattern).
 *   <li>An endpoint on loopback ({@code localhost}, {@code *.localhost}, {@code 127.0.0.0/8},
 *       {@code ::1}) always goes direct, whatever the settings: it is a collector in the same sandbox (a
 *       collector extension), which no proxy can reach. Go's and the JDK's defaults do the same.
 * </ul>
 */
final class ProxySettings {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.export");

  private static final int DEFAULT_HTTP_PROXY_PORT = 80;
  private static final int DEFAULT_JVM_HTTPS_PROXY_PORT = 443;

  /** No proxy at all. */
  static final ProxySettings NONE = new ProxySettings(null, null, List.of(), List.of());

  private static volatile ProxySettings environment;

  /**
   * A forward proxy: where to connect, and the credentials to present. {@link #toString()} never
   * shows the credentials.
   */
  record Proxy(String host, int port, String username, String password) {

    /** The {@code Proxy-Authorization} header value, when the proxy has credentials. */
    Optional<String> authorization() {
      if (username == null) {
        return Optional.empty();
      }
      String pair = username + ":" + (password == null ? "" : password);
      return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code host:port} of the proxy, for messages. */
    String address() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
      return "proxy " + address() + (username == null ? "" : " (with credentials)");
    }
  }

  private final Proxy httpProxy;
  private final Proxy httpsProxy;
  private final List<ProxyBypass> httpBypass;
  private final List<ProxyBypass> httpsBypass;

  private ProxySettings(Proxy httpProxy, Proxy httpsProxy, List<ProxyBypass> httpBypass, List<ProxyBypass> httpsBypass) {
    this.httpProxy = httpProxy;
    this.httpsProxy = httpsProxy;
    this.httpBypass = httpBypass;
    this.httpsBypass = httpsBypass;
  }

  /** The settings of this process (environment variables and system properties), read once. */
  static ProxySettings fromEnvironment() {
    ProxySettings s = environment;
    if (s == null) {
      Map<String, String> properties = new HashMap<>();
      System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
      s = of(System.getenv(), properties);
      environment = s;
      if (s != NONE) {
        LOG.debugf("OTLP exports honour %s", s); // no credentials in it
      }
    }
    return s;
  }

  /** The settings these environment variables and system properties describe. */
  static ProxySettings of(Map<String, String> env, Map<String, String> properties) {
    List<ProxyBypass> noProxy = ProxyBypass.parseNoProxy(variable(env, "no_proxy"));
    List<ProxyBypass> nonProxyHosts = ProxyBypass.parseNonProxyHosts(properties.get("http.nonProxyHosts"));
    Proxy https = jvmProxy(properties, "https", DEFAULT_JVM_HTTPS_PROXY_PORT);
    List<ProxyBypass> httpsBypass = nonProxyHosts;
    if (https == null) {
      https = parseProxy(variable(env, "https_proxy"), "https_proxy");
      httpsBypass = noProxy;
    }
    Proxy http = jvmProxy(properties, "http", DEFAULT_HTTP_PROXY_PORT);
    List<ProxyBypass> httpBypass = nonProxyHosts;
    if (http == null) {
      http = parseProxy(variable(env, "http_proxy"), "http_proxy");
      httpBypass = noProxy;
    }
    if (http == null && https == null) {
      return NONE;
    }
    return new ProxySettings(http, https, httpBypass, httpsBypass);
  }

  /** The proxy for {@code endpoint}, or none when it goes direct. */
  Optional<Proxy> forEndpoint(URI endpoint) {
    boolean tls = "https".equalsIgnoreCase(endpoint.getScheme());
    int port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80;
    return select(tls, endpoint.getHost(), port);
  }

  /** The proxy for a TLS or plain connection to {@code host:port}, or none when it goes direct. */
  Optional<Proxy> select(boolean tls, String host, int port) {
    Proxy proxy = tls ? httpsProxy : httpProxy;
    if (proxy == null || host == null) {
      return Optional.empty();
    }
    String h = ProxyBypass.normalise(host);
    if (isLoopback(h)) {
      return Optional.empty();
    }
    for (ProxyBypass b : tls ? httpsBypass : httpBypass) {
      if (b.matches(h, port)) {
        return Optional.empty();
      }
    }
    return Optional.of(proxy);
  }

  @Override
  public String toString() {
    return "ProxySettings{http=" + httpProxy + ", https=" + httpsProxy + "}";
  }

  // ------------------------------------------------------------------------------------------ parsing

  /** The lower-case variable, else the upper-case one; blank counts as unset. */
  private static String variable(Map<String, String> env, String lowerName) {
    String v = env.get(lowerName);
    if (v == null || v.isBlank()) {
      v = env.get(lowerName.toUpperCase(Locale.ROOT));
    }
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static Proxy jvmProxy(Map<String, String> properties, String scheme, int defaultPort) {
    String host = properties.get(scheme + ".proxyHost");
    if (host == null || host.isBlank()) {
      return null;
    }
    int port = defaultPort;
    String p = properties.get(scheme + ".proxyPort");
    if (p != null && !p.isBlank()) {
      try {
        port = Integer.parseInt(p.trim());
      } catch (NumberFormatException e) {
        LOG.warnf("%s.proxyPort is not a port number: the %s proxy is not used", scheme, scheme);
        return null;
      }
    }
    String user = properties.get(scheme + ".proxyUser");
    String password = properties.get(scheme + ".proxyPassword");
    return new Proxy(ProxyBypass.normalise(host.trim()), port, blankToNull(user), user == null ? null : password);
  }

  /** {@code [http://][user[:password]@]host[:port][/]}, or null (with a warning) when unusable. */
  static Proxy parseProxy(String value, String name) {
    if (value == null) {
      return null;
    }
    String v = value.contains("://") ? value : "http://" + value;
    // The last '@' ends the credentials: a password may hold '#', '/', '?' or '@' unencoded, which a
    // URI parser would take for the end of the authority (and "user:12" for the proxy's host and port).
    int authority = v.indexOf("://") + 3;
    int at = v.lastIndexOf('@');
    String rawUserInfo = at >= authority ? v.substring(authority, at) : null;
    URI uri;
    try {
      uri = new URI(rawUserInfo == null ? v : v.substring(0, authority) + v.substring(at + 1));
    } catch (Exception e) {
      LOG.warnf("%s is not a proxy URL: no proxy is used for it", name); // the value may hold a password
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")) {
      LOG.warnf("%s uses the %s scheme; only http:// proxies are supported: no proxy is used for it",
          name, scheme);
      return null;
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      LOG.warnf("%s has no host: no proxy is used for it", name);
      return null;
    }
    String user = null;
    String password = null;
    String userInfo = rawUserInfo;
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
      password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
    }
    int port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_HTTP_PROXY_PORT;
    return new Proxy(ProxyBypass.normalise(host), port, user, password);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a '%' that escapes nothing: taken as written (never in a message: it may be a password)
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static boolean isLoopback(String host) {
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      return true;
    }
    byte[] ip = ProxyBypass.literal(host);
    if (ip == null) {
      return false;
    }
    try {
      return InetAddress.getByAddress(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
