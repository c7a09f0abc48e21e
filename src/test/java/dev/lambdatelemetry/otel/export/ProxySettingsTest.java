package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.export.ProxySettings.Proxy;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Which proxy, if any, an endpoint goes through, from the environment and the JVM's properties. */
class ProxySettingsTest {

  private static Optional<Proxy> route(Map<String, String> env, String endpoint) {
    return ProxySettings.of(env, Map.of()).forEndpoint(URI.create(endpoint));
  }

  @Test
  void aPasswordWithUnencodedDelimiters_isNotTakenForTheProxysHostAndPort() {
    // '#', '/' or '?' in a password (not percent-encoded, as people write them): the last '@' ends
    // the credentials. Parsed as a URI, "user:12" became the proxy (host user, port 12), its name
    // and half the password then printed as the proxy's address.
    Proxy hash = route(Map.of("HTTPS_PROXY", "http://user:12#34@proxy.internal:3128"),
        "https://collector.example.com").orElseThrow();
    Proxy slash = route(Map.of("HTTPS_PROXY", "http://user:p/s?s@proxy.internal:8080/"),
        "https://collector.example.com").orElseThrow();

    assertThat(hash.address()).isEqualTo("proxy.internal:3128");
    assertThat(hash.password()).isEqualTo("12#34");
    assertThat(slash.address()).isEqualTo("proxy.internal:8080");
    assertThat(slash.password()).isEqualTo("p/s?s");
    assertThat(hash.toString() + slash).doesNotContain("user").doesNotContain("12#").doesNotContain("p/s");
  }

  @Test
  void eachSchemeUsesItsOwnVariableAndLowerCaseWins() {
    Map<String, String> env = Map.of(
        "HTTPS_PROXY", "http://upper:1", "https_proxy", "http://lower:2", "HTTP_PROXY", "plain:3");

    assertThat(route(env, "https://collector.example.com")).map(Proxy::address).contains("lower:2");
    assertThat(route(env, "http://collector.example.com:4318")).map(Proxy::address).contains("plain:3");
    assertThat(route(Map.of("HTTP_PROXY", "p:3"), "https://collector.example.com")).isEmpty();
    assertThat(route(Map.of(), "https://collector.example.com")).isEmpty();
  }

  @Test
  void theProxyUrlsCredentialsArePercentDecodedAndNeverPrinted() {
    Proxy p = route(Map.of("HTTPS_PROXY", "http://us%40r:p%3Ass+w0rd@proxy.internal:3128/"),
        "https://collector.example.com").orElseThrow();

    assertThat(p.host()).isEqualTo("proxy.internal");
    assertThat(p.port()).isEqualTo(3128);
    assertThat(p.username()).isEqualTo("us@r");
    assertThat(p.password()).isEqualTo("p:ss+w0rd");
    assertThat(p.authorization()).contains("Basic dXNAcjpwOnNzK3cwcmQ="); // base64("us@r:p:ss+w0rd")
    assertThat(p.toString()).doesNotContain("us@r").doesNotContain("p:ss").doesNotContain("dXNA")
        .contains("proxy.internal:3128");
    assertThat(ProxySettings.of(Map.of("HTTPS_PROXY", "http://u:secret@p:1"), Map.of()).toString())
        .doesNotContain("secret");
  }

  @Test
  void aProxyWithoutPortIsOnPort80AndUnsupportedSchemesAreIgnored() {
    assertThat(route(Map.of("HTTPS_PROXY", "proxy.internal"), "https://c.example.com"))
        .map(Proxy::address).contains("proxy.internal:80");
    assertThat(route(Map.of("HTTPS_PROXY", "socks5://proxy:1080"), "https://c.example.com")).isEmpty();
    assertThat(route(Map.of("HTTPS_PROXY", "https://proxy:443"), "https://c.example.com")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "example.com                | https://example.com             | direct",
      "example.com                | https://api.example.com         | direct",
      ".example.com               | https://api.example.com         | direct",
      ".example.com               | https://example.com             | direct",
      "*.example.com              | https://a.b.example.com         | direct",
      "example.com                | https://notexample.com          | proxy",
      "EXAMPLE.com                | https://Api.Example.COM.        | direct",
      "*                          | https://anything.example.org    | direct",
      "other.org, example.com     | https://x.example.com           | direct",
      "other.org example.com      | https://x.example.com           | direct",
      "example.com:4318           | https://example.com:4318        | direct",
      "example.com:4318           | https://example.com:4317        | proxy",
      "10.1.2.3                   | https://10.1.2.3:4318           | direct",
      "10.0.0.0/8                 | http://10.200.0.1:4318          | direct",
      "10.0.0.0/8                 | http://11.0.0.1:4318            | proxy",
      "fd00::/8                   | https://[fd12::1]:4318          | direct",
      "[fd12::1]                  | https://[fd12:0::1]:4318        | direct",
      "[fd12::1]:4318             | https://[fd12::1]:4317          | proxy",
      "''                         | https://example.com             | proxy",
  })
  void noProxyBypassesWhatItLists(String noProxy, String endpoint, String expected) {
    Map<String, String> env = Map.of(
        "HTTPS_PROXY", "http://proxy:3128", "HTTP_PROXY", "http://proxy:3128", "NO_PROXY", noProxy);

    assertThat(route(env, endpoint).isPresent() ? "proxy" : "direct").isEqualTo(expected);
  }

  @Test
  void onlyWellFormedAddressesAreLiteralsSoNoNameIsEverLookedUp() {
    assertThat(ProxyBypass.literal("10.1.2.3")).containsExactly(10, 1, 2, 3);
    assertThat(ProxyBypass.literal("fd12::1")).hasSize(16);
    assertThat(ProxyBypass.literal("999.0.0.1")).isNull();
    assertThat(ProxyBypass.literal("10.0.0")).isNull();
    assertThat(ProxyBypass.literal("collector.example.com")).isNull();
  }

  @Test
  void noProxyLowerCaseWins() {
    Map<String, String> env = Map.of("HTTPS_PROXY", "p:1", "NO_PROXY", "a.example.com", "no_proxy", "b.example.com");

    assertThat(route(env, "https://a.example.com")).isPresent();
    assertThat(route(env, "https://b.example.com")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"http://localhost:4318", "https://localhost:4318", "http://127.0.0.1:4318", "http://127.9.9.9:4317",
      "https://[::1]:4318", "http://collector.localhost:4318"})
  void loopbackEndpointsAlwaysGoDirect(String endpoint) {
    Map<String, String> env = Map.of("HTTPS_PROXY", "http://proxy:3128", "HTTP_PROXY", "http://proxy:3128");

    assertThat(route(env, endpoint)).isEmpty();
  }

  @Test
  void theJvmsPropertiesWinOverTheEnvironmentWithTheirOwnBypassList() {
    Map<String, String> env = Map.of("HTTPS_PROXY", "http://env:1", "NO_PROXY", "skip.example.com");
    Map<String, String> jvm = Map.of("https.proxyHost", "jvm.internal", "http.nonProxyHosts", "*.corp|direct.example.com",
        "http.proxyHost", "plain.internal", "http.proxyPort", "8080");
    ProxySettings s = ProxySettings.of(env, jvm);

    assertThat(s.forEndpoint(URI.create("https://c.example.com"))).map(Proxy::address).contains("jvm.internal:443");
    assertThat(s.forEndpoint(URI.create("http://c.example.com"))).map(Proxy::address).contains("plain.internal:8080");
    assertThat(s.forEndpoint(URI.create("https://a.corp"))).isEmpty();
    assertThat(s.forEndpoint(URI.create("https://direct.example.com"))).isEmpty();
    assertThat(s.forEndpoint(URI.create("https://skip.example.com"))).as("NO_PROXY is for the environment's proxy")
        .isPresent();
  }
}
