package dev.lambdatelemetry.otel.testing;

import dev.lambdatelemetry.otel.config.ExportConfig;
import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.config.OtelConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;

/** Real config mappings from a map of properties, without Quarkus. */
public final class TestConfigs {

  private TestConfigs() {}

  public static SmallRyeConfig config(Map<String, String> properties) {
    return new SmallRyeConfigBuilder()
        .withMapping(OtelConfig.class)
        .withMapping(ExtensionConfig.class)
        .withSources(new PropertiesConfigSource(properties, "test", 500))
        .build();
  }

  public static OtelConfig otel(Map<String, String> properties) {
    return config(properties).getConfigMapping(OtelConfig.class);
  }

  /** The extension's configuration from {@code properties} over the defaults. */
  public static ExtensionConfig extension(Map<String, String> properties) {
    return config(properties).getConfigMapping(ExtensionConfig.class);
  }

  public static ExportConfig export(Map<String, String> properties) {
    return config(properties).getConfigMapping(ExtensionConfig.class).export();
  }
}
