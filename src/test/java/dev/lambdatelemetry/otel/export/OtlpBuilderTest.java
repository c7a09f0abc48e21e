package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lambdatelemetry.otel.config.OtelSettings.Compression;
import dev.lambdatelemetry.otel.config.OtelSettings.ExporterKind;
import dev.lambdatelemetry.otel.config.OtelSettings.Protocol;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.config.OtelSettings.Target;
import io.opentelemetry.common.ComponentLoader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every setting of a {@link Target} reaches the OTel builder, the same way for each of the six. */
class OtlpBuilderTest {

  private static final ComponentLoader SENDERS =
      new ComponentLoader() {
        @Override
        public <T> Iterable<T> load(Class<T> type) {
          return List.of();
        }
      };

  private static final OtlpBuilder<Recording, List<String>> RECORDING =
      new OtlpBuilder<>(Recording::new, Recording::loader, Recording::endpoint, Recording::timeout,
          Recording::compression, Recording::header, Recording::trusted, Recording::clientTls,
          Recording::calls);

  @TempDir Path dir;

  @Test
  void plainTarget_senderEndpointTimeoutCompressionAndHeaders_noTls() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("x-api-key", "k 1");
    headers.put("x-team", "a");

    List<String> calls = RECORDING.build(
        target(Compression.NONE, headers, Optional.empty(), Optional.empty(), Optional.empty()), SENDERS);

    assertThat(calls).containsExactly("loader", "endpoint http://127.0.0.1:4318/v1/traces",
        "timeout PT2S", "compression none", "header x-api-key=k 1", "header x-team=a");
  }

  @Test
  void gzip_namedAsTheBuildersExpectIt() {
    List<String> calls = RECORDING.build(
        target(Compression.GZIP, Map.of(), Optional.empty(), Optional.empty(), Optional.empty()), SENDERS);

    assertThat(calls).contains("compression gzip");
  }

  @Test
  void certificateAndClientKeyPair_trustedAndMutualTlsFromTheFilesContents() throws Exception {
    Path ca = write("ca.pem", "CA");
    Path key = write("key.pem", "KEY");
    Path cert = write("cert.pem", "CERT");

    List<String> calls = RECORDING.build(
        target(Compression.NONE, Map.of(), Optional.of(ca), Optional.of(key), Optional.of(cert)), SENDERS);

    assertThat(calls).contains("trusted CA", "clientTls KEY/CERT");
  }

  @Test
  void clientKeyWithoutItsCertificate_noMutualTls() throws Exception {
    Path key = write("key.pem", "KEY");

    List<String> calls = RECORDING.build(
        target(Compression.NONE, Map.of(), Optional.empty(), Optional.of(key), Optional.empty()), SENDERS);

    assertThat(calls).noneMatch(c -> c.startsWith("clientTls"));
  }

  @Test
  void unreadableCertificate_failsNamingTheFile() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> RECORDING.build(
            target(Compression.NONE, Map.of(), Optional.of(missing), Optional.empty(), Optional.empty()),
            SENDERS))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("missing.pem");
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  private static Target target(Compression compression, Map<String, String> headers,
      Optional<Path> certificate, Optional<Path> clientKey, Optional<Path> clientCertificate) {
    return new Target(Signal.TRACES, List.of(ExporterKind.OTLP), Protocol.HTTP_PROTOBUF,
        URI.create("http://127.0.0.1:4318/v1/traces"), headers, compression, Duration.ofSeconds(2),
        certificate, clientKey, clientCertificate);
  }

  /** A builder that writes down what was set on it. */
  private static final class Recording {
    private final List<String> calls = new ArrayList<>();

    void loader(ComponentLoader loader) {
      calls.add("loader");
    }

    void endpoint(String endpoint) {
      calls.add("endpoint " + endpoint);
    }

    void timeout(Duration timeout) {
      calls.add("timeout " + timeout);
    }

    void compression(String method) {
      calls.add("compression " + method);
    }

    void header(String name, String value) {
      calls.add("header " + name + "=" + value);
    }

    void trusted(byte[] pem) {
      calls.add("trusted " + new String(pem, StandardCharsets.UTF_8));
    }

    void clientTls(byte[] key, byte[] cert) {
      calls.add("clientTls " + new String(key, StandardCharsets.UTF_8) + "/"
          + new String(cert, StandardCharsets.UTF_8));
    }

    List<String> calls() {
      return calls;
    }
  }
}
