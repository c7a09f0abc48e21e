package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerAddressTest {

  @Test
  void sandboxHostInHostsFile_isTheBindAddress() {
    assertThat(ListenerAddress.fromHosts(List.of(
        "# comment sandbox.localdomain",
        "127.0.0.1 localhost",
        "169.254.100.1   sandbox.localdomain sandbox  # lambda")))
        .isEqualTo("169.254.100.1");
  }

  @Test
  void noSandboxHost_orIpv6Only_orNoFile_fallsBackToLoopback() {
    assertThat(ListenerAddress.fromHosts(List.of("127.0.0.1 localhost"))).isEqualTo("127.0.0.1");
    assertThat(ListenerAddress.fromHosts(List.of("::1 sandbox.localdomain"))).isEqualTo("127.0.0.1");
    assertThat(ListenerAddress.resolve(Path.of("/nonexistent/hosts"))).isEqualTo("127.0.0.1");
  }
}
