package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where an OTLP/HTTP sender's requests go, from its endpoint URL and the proxy settings. */
class HttpEndpointTest {

  private static final ProxySettings PROXY = ProxySettings.of(
      Map.of("http_proxy", "http://u:p@proxy:3128", "https_proxy", "http://proxy:3128"), Map.of());

  @Test
  void theSchemesDefaultPortIsUsedAndNotWrittenInTheHostHeader() {
    HttpEndpoint e = HttpEndpoint.of(URI.create("https://collector.example/v1/traces"), ProxySettings.NONE);

    assertThat(e.tls()).isTrue();
    assertThat(e.port()).isEqualTo(443);
    assertThat(e.hostHeader()).isEqualTo("collector.example");
    assertThat(e.authority()).isEqualTo("collector.example:443");
    assertThat(e.requestTarget()).isEqualTo("/v1/traces");
    assertThat(e.proxy()).isNull();
  }

  @Test
  void anIpv6HostIsBracketedAndTheQueryKept() {
    HttpEndpoint e = HttpEndpoint.of(URI.create("http://[fd00::1]:4318/v1/logs?tenant=a"), ProxySettings.NONE);

    assertThat(e.hostHeader()).isEqualTo("[fd00::1]:4318");
    assertThat(e.requestTarget()).isEqualTo("/v1/logs?tenant=a");
    assertThat(HttpEndpoint.of(URI.create("http://c:4318"), ProxySettings.NONE).requestTarget()).isEqualTo("/");
  }

  @Test
  void throughAProxyAPlainRequestNamesItsTargetInAbsoluteFormAndATlsOneDoesNot() {
    HttpEndpoint plain = HttpEndpoint.of(URI.create("http://collector.example:4318/v1/traces"), PROXY);
    HttpEndpoint tls = HttpEndpoint.of(URI.create("https://collector.example/v1/traces"), PROXY);

    assertThat(plain.viaPlainProxy()).isTrue();
    assertThat(plain.requestTarget()).isEqualTo("http://collector.example:4318/v1/traces");
    assertThat(plain.describe()).isEqualTo("collector.example:4318 (through the proxy proxy:3128 (with credentials))");
    assertThat(tls.viaPlainProxy()).isFalse();
    assertThat(tls.proxy()).isNotNull();
    assertThat(tls.requestTarget()).isEqualTo("/v1/traces");
  }

  @Test
  void anEndpointThatIsNotHttpOrHasNoHostIsRefusedWithItsUrlRedacted() {
    assertThatThrownBy(() -> HttpEndpoint.of(URI.create("ftp://user:secret@c/x"), ProxySettings.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> HttpEndpoint.of(URI.create("http:///v1/traces?token=secret"), ProxySettings.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no host")
        .hasMessageNotContaining("secret");
  }
}
