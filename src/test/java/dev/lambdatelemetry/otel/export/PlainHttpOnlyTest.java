package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class PlainHttpOnlyTest {

  @Test
  void aJdkHttpClientAcceptsItWithoutLoadingTheDefaultTlsStack() {
    SSLContext context = PlainHttpOnly.context();

    HttpClient client = HttpClient.newBuilder().sslContext(context).build();

    assertThat(client.sslContext()).isSameAs(context);
    assertThat(client.sslParameters()).isNotNull();
  }

  @Test
  void anyAttemptToSpeakTlsWithItFailsLoudly() {
    SSLContext context = PlainHttpOnly.context();

    assertThatThrownBy(context::createSSLEngine)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("plain http://");
    assertThatThrownBy(context::getSocketFactory).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> context.init(null, null, null))
        .hasMessageContaining("TLS is not configured");
  }
}
