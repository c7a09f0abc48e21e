package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What one entry of {@code no_proxy} or {@code http.nonProxyHosts} sends direct. */
class ProxyBypassTest {

  private static boolean direct(List<ProxyBypass> rules, String host, int port) {
    return rules.stream().anyMatch(r -> r.matches(host, port));
  }

  @Test
  void anAsteriskAloneSendsEverythingDirect() {
    assertThat(ProxyBypass.parseNoProxy("*")).containsExactly(ProxyBypass.ALL);
  }

  @Test
  void aDomainInAnyOfItsFormsMatchesItselfAndItsSubdomainsOnly() {
    for (String entry : List.of("example.com", ".example.com", "*.example.com", "EXAMPLE.com.")) {
      List<ProxyBypass> rules = ProxyBypass.parseNoProxy(entry);
      assertThat(direct(rules, "example.com", 443)).as(entry).isTrue();
      assertThat(direct(rules, "a.b.example.com", 443)).as(entry).isTrue();
      assertThat(direct(rules, "badexample.com", 443)).as(entry).isFalse();
    }
  }

  @Test
  void aHostWithAPortMatchesThatPortOnly() {
    List<ProxyBypass> rules = ProxyBypass.parseNoProxy("collector:4318, [fd00::1]:4317");

    assertThat(direct(rules, "collector", 4318)).isTrue();
    assertThat(direct(rules, "collector", 4317)).isFalse();
    assertThat(direct(rules, "fd00::1", 4317)).isTrue();
    assertThat(direct(rules, "fd00:0::1", 4317)).as("the same address written otherwise").isTrue();
  }

  @Test
  void anAddressBlockMatchesLiteralAddressesInItAndNeverANameOrABadBlock() {
    List<ProxyBypass> rules = ProxyBypass.parseNoProxy("10.0.0.0/8 192.168.0.0/33");

    assertThat(rules).hasSize(1);
    assertThat(direct(rules, "10.1.2.3", 80)).isTrue();
    assertThat(direct(rules, "11.0.0.1", 80)).isFalse();
    assertThat(direct(rules, "ten.example", 80)).isFalse();
  }

  @Test
  void nonProxyHostsPatternsHaveAnAsteriskAtEitherEnd() {
    List<ProxyBypass> rules = ProxyBypass.parseNonProxyHosts("*.internal|collector*|[::1]");

    assertThat(direct(rules, "a.internal", 80)).isTrue();
    assertThat(direct(rules, "collector-2", 80)).isTrue();
    assertThat(direct(rules, "::1", 80)).isTrue();
    assertThat(direct(rules, "internal.example", 80)).isFalse();
    assertThat(ProxyBypass.parseNonProxyHosts(" ")).isEmpty();
  }

  @Test
  void namesAreNormalisedLowerCaseWithoutBracketsOrTrailingDot() {
    assertThat(ProxyBypass.normalise("[FD00::1]")).isEqualTo("fd00::1");
    assertThat(ProxyBypass.normalise("Collector.Example..")).isEqualTo("collector.example");
  }
}
