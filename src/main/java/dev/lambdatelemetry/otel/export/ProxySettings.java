package dev.lambdatelemetry.otel.export;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
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
  private final List<Bypass> httpBypass;
  private final List<Bypass> httpsBypass;

  private ProxySettings(Proxy httpProxy, Proxy httpsProxy, List<Bypass> httpBypass, List<Bypass> httpsBypass) {
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
    List<Bypass> noProxy = parseNoProxy(variable(env, "no_proxy"));
    List<Bypass> nonProxyHosts = parseNonProxyHosts(properties.get("http.nonProxyHosts"));
    Proxy https = jvmProxy(properties, "https", DEFAULT_JVM_HTTPS_PROXY_PORT);
    List<Bypass> httpsBypass = nonProxyHosts;
    if (https == null) {
      https = parseProxy(variable(env, "https_proxy"), "https_proxy");
      httpsBypass = noProxy;
    }
    Proxy http = jvmProxy(properties, "http", DEFAULT_HTTP_PROXY_PORT);
    List<Bypass> httpBypass = nonProxyHosts;
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
    String h = normalise(host);
    if (isLoopback(h)) {
      return Optional.empty();
    }
    for (Bypass b : tls ? httpsBypass : httpBypass) {
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
    return new Proxy(normalise(host.trim()), port, blankToNull(user), user == null ? null : password);
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
    return new Proxy(normalise(host), port, user, password);
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

  static List<Bypass> parseNoProxy(String value) {
    if (value == null) {
      return List.of();
    }
    List<Bypass> rules = new ArrayList<>();
    for (String raw : value.split("[,\\s]+")) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        rules.add(Bypass.ALL);
        continue;
      }
      int port = -1;
      String host = entry;
      if (host.startsWith("[")) { // [v6] or [v6]:port
        int close = host.indexOf(']');
        if (close < 0) {
          continue;
        }
        String rest = host.substring(close + 1);
        host = host.substring(1, close);
        if (rest.startsWith(":")) {
          port = parsePort(rest.substring(1));
        }
      } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) { // host:port
        port = parsePort(host.substring(host.indexOf(':') + 1));
        host = host.substring(0, host.indexOf(':'));
      }
      if (host.contains("/")) {
        Bypass cidr = Cidr.parse(host);
        if (cidr != null) {
          rules.add(cidr);
        }
        continue;
      }
      if (host.startsWith("*.")) {
        host = host.substring(2);
      } else if (host.startsWith(".")) {
        host = host.substring(1);
      }
      host = normalise(host);
      if (!host.isEmpty()) {
        rules.add(new Domain(host, port));
      }
    }
    return List.copyOf(rules);
  }

  private static int parsePort(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * {@code http.nonProxyHosts}; unset, nothing (the JDK's default, loopback, is always direct here
   * anyway).
   */
  static List<Bypass> parseNonProxyHosts(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<Bypass> rules = new ArrayList<>();
    for (String raw : value.split("\\|")) {
      String p = normalise(raw.trim().toLowerCase(Locale.ROOT));
      if (p.startsWith("[") && p.endsWith("]")) {
        p = p.substring(1, p.length() - 1);
      }
      if (!p.isEmpty()) {
        rules.add(new Glob(Pattern.compile(
            Pattern.quote(p).replace("*", "\\E.*\\Q"))));
      }
    }
    return List.copyOf(rules);
  }

  /** Lower case, no brackets around an IPv6 address, no trailing dot. */
  private static String normalise(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  private static boolean isLoopback(String host) {
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      return true;
    }
    byte[] ip = literal(host);
    if (ip == null) {
      return false;
    }
    try {
      return InetAddress.getByAddress(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The bytes of an IPv4 or IPv6 literal, or null for a name (never a DNS look-up). */
  static byte[] literal(String host) {
    boolean v4 = !host.isEmpty() && host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    boolean v6 = host.indexOf(':') >= 0 && host.chars().allMatch(c -> c == ':' || c == '.' || c == '%'
        || Character.digit(c, 16) >= 0);
    if (!v4 && !v6) {
      return null;
    }
    if (v4) {
      // Only a well-formed dotted quad: anything else would make getByName look the name up in DNS.
      String[] parts = host.split("\\.", -1);
      if (parts.length != 4) {
        return null;
      }
      for (String part : parts) {
        if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
          return null;
        }
      }
    }
    try {
      return InetAddress.getByName(host).getAddress(); // a literal: parsed, not looked up
    } catch (UnknownHostException | RuntimeException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------------------------------- rules

  /** A rule under which an endpoint goes direct. */
  sealed interface Bypass permits All, Domain, Cidr, Glob {
    Bypass ALL = new All();

    boolean matches(String host, int port);
  }

  /** {@code *}. */
  record All() implements Bypass {
    @Override
    public boolean matches(String host, int port) {
      return true;
    }
  }

  /** A host or domain (and its subdomains), on any port or on one. */
  record Domain(String name, int port) implements Bypass {
    @Override
    public boolean matches(String host, int p) {
      if (port >= 0 && port != p) {
        return false;
      }
      if (host.equals(name)) {
        return true;
      }
      if (literal(name) != null) {
        byte[] a = literal(name);
        byte[] b = literal(host);
        return b != null && java.util.Arrays.equals(a, b); // 0:0::1 and ::1 are one address
      }
      return host.endsWith("." + name);
    }
  }

  /** An address block, for endpoints given as IP addresses. */
  record Cidr(byte[] network, int bits) implements Bypass {
    static Cidr parse(String s) {
      int slash = s.indexOf('/');
      byte[] network = literal(s.substring(0, slash));
      int bits = parsePort(s.substring(slash + 1));
      if (network == null || bits < 0 || bits > network.length * 8) {
        return null;
      }
      return new Cidr(network, bits);
    }

    @Override
    public boolean matches(String host, int port) {
      byte[] ip = literal(host);
      if (ip == null || ip.length != network.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((ip[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  /** An {@code http.nonProxyHosts} pattern. */
  record Glob(Pattern pattern) implements Bypass {
    @Override
    public boolean matches(String host, int port) {
      return pattern.matcher(host).matches();
    }
  }
}
