package dev.lambdatelemetry.otel.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user's properties file, read in place, between application.properties and the environment. */
class UserPropertiesConfigSourceTest {

  @TempDir Path dir;

  private String file(String text) throws IOException {
    Path f = dir.resolve("lambda-telemetry-otel.properties");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f.toString();
  }

  /** The layers as Quarkus stacks them: application.properties 250, ours, env 300, -D 400. */
  private static SmallRyeConfig stack(ConfigSource user, Map<String, String> env,
      Map<String, String> system) {
    return new SmallRyeConfigBuilder()
        .withSources(new PropertiesConfigSource(Map.of(
            "lambda-telemetry.export.max-batch-items", "512",
            "lambda-telemetry.listener.port", "4290",
            "lambda-telemetry.export.flush-budget", "PT0.1S"), "application.properties", 250))
        .withSources(user)
        .withSources(new PropertiesConfigSource(env, "env", 300))
        .withSources(new PropertiesConfigSource(system, "system", 400))
        .build();
  }

  @Test
  void file_overridesApplicationProperties_butNotTheEnvironmentNorSystemProperties()
      throws IOException {
    UserPropertiesConfigSource user = new UserPropertiesConfigSource(file("""
        lambda-telemetry.export.max-batch-items=64
        lambda-telemetry.listener.port=4299
        lambda-telemetry.export.flush-budget=PT0.2S
        otel.exporter.otlp.headers=api-key=s3cret
        """));
    SmallRyeConfig c = stack(user,
        Map.of("lambda-telemetry.listener.port", "4300"),
        Map.of("lambda-telemetry.export.flush-budget", "PT0.3S"));

    assertThat(user.getOrdinal()).isEqualTo(260);
    assertThat(c.getRawValue("lambda-telemetry.export.max-batch-items")).isEqualTo("64");
    assertThat(c.getRawValue("lambda-telemetry.listener.port")).isEqualTo("4300");
    assertThat(c.getRawValue("lambda-telemetry.export.flush-budget")).isEqualTo("PT0.3S");
    assertThat(c.getRawValue("otel.exporter.otlp.headers")).isEqualTo("api-key=s3cret");
  }

  @Test
  void configOrdinalInTheFile_wins() throws IOException {
    UserPropertiesConfigSource user = new UserPropertiesConfigSource(file("""
        config_ordinal=350
        lambda-telemetry.listener.port=4299
        """));
    SmallRyeConfig c = stack(user, Map.of("lambda-telemetry.listener.port", "4300"), Map.of());

    assertThat(user.getOrdinal()).isEqualTo(350);
    assertThat(c.getRawValue("lambda-telemetry.listener.port")).isEqualTo("4299");
  }

  @Test
  void missingFile_isAnEmptySource() {
    UserPropertiesConfigSource user =
        new UserPropertiesConfigSource(dir.resolve("absent.properties").toString());

    assertThat(user.getPropertyNames()).isEmpty();
    assertThat(user.getOrdinal()).isEqualTo(260);
  }

  @Test
  void unreadableFile_isAnEmptySource() throws IOException {
    // A directory: exists, but cannot be read as a file (root can read any file, not a directory).
    Path d = Files.createDirectory(dir.resolve("a-directory.properties"));

    assertThat(new UserPropertiesConfigSource(d.toString()).getPropertyNames()).isEmpty();
  }

  @Test
  void isRegisteredForTheServiceLoader_andReadsTheDefaultPathWithoutTheVariable() {
    List<ConfigSource> found = ServiceLoader.load(ConfigSource.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(s -> s instanceof UserPropertiesConfigSource)
        .toList();

    assertThat(found).singleElement().satisfies(s -> assertThat(s.getName()).endsWith(
        System.getenv(UserPropertiesConfigSource.PATH_ENV) == null
            ? UserPropertiesConfigSource.DEFAULT_PATH
            : System.getenv(UserPropertiesConfigSource.PATH_ENV)));
  }
}
