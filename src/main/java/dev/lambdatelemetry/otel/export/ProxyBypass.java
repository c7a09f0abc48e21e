package dev.lambdatelemetry.otel.export;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A rule under which an endpoint goes direct rather than through the proxy: one entry of {@code
 * no_proxy} / {@code NO_PROXY} or of the JVM's {@code http.nonProxyHosts}, parsed here and matched
 * against a normalised host name (lower case, no IPv6 brackets, no trailing dot) and port. Which list
 * applies to which proxy is {@link ProxySettings}' business; what an entry means is this type's.
 *
 * <p>Host names are never looked up: an entry or endpoint is an IP address only when written as one
 * ({@link #literal}), so that a bypass decision costs no DNS query (which, in a VPC whose only way out
 * is the proxy, might not even resolve).
 */
sealed interface ProxyBypass permits ProxyBypass.All, ProxyBypass.Domain, ProxyBypass.Cidr, ProxyBypass.Glob {

  /** {@code *}: every endpoint goes direct. */
  ProxyBypass ALL = new All();

  /** Whether an endpoint on this (normalised) host and port goes direct. */
  boolean matches(String host, int port);

  /**
   * {@code no_proxy} / {@code NO_PROXY}: comma- or space-separated host names, domains, {@code host:port},
   * IP addresses and address blocks; {@code *} alone bypasses every proxy.
   */
  static List<ProxyBypass> parseNoProxy(String value) {
    if (value == null) {
      return List.of();
    }
    List<ProxyBypass> rules = new ArrayList<>();
    for (String raw : value.split("[,\\s]+")) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        rules.add(ALL);
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
        ProxyBypass cidr = Cidr.parse(host);
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

  /** A port number, or -1 when not one. */
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
  static List<ProxyBypass> parseNonProxyHosts(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<ProxyBypass> rules = new ArrayList<>();
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
  static String normalise(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
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

  /** {@code *}. */
  record All() implements ProxyBypass {
    @Override
    public boolean matches(String host, int port) {
      return true;
    }
  }

  /** A host or domain (and its subdomains), on any port or on one. */
  record Domain(String name, int port) implements ProxyBypass {
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
        return b != null && Arrays.equals(a, b); // 0:0::1 and ::1 are one address
      }
      return host.endsWith("." + name);
    }
  }

  /** An address block, for endpoints given as IP addresses. */
  record Cidr(byte[] network, int bits) implements ProxyBypass {
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
  record Glob(Pattern pattern) implements ProxyBypass {
    @Override
    public boolean matches(String host, int port) {
      return pattern.matcher(host).matches();
    }
  }
}
