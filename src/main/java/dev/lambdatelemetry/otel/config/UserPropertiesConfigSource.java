package dev.lambdatelemetry.otel.config;

import io.smallrye.config.common.MapBackedConfigSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The user's properties file from the function's package ({@code LAMBDA_TELEMETRY_CONFIG}, default
 * {@value #DEFAULT_PATH}), read in place: registered through {@code
 * META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource}, so the launcher passes and
 * copies nothing (a copy on {@code /tmp} would leave the user's API-key headers on disk).
 *
 * <p>Its ordinal is {@value #ORDINAL}: above the layer's built-in {@code application.properties} (250),
 * below environment variables (300) and system properties (400), so a function's environment can
 * override a file it ships. A {@code config_ordinal} written in the file wins, as in any MicroProfile
 * source. A missing file is no error (there is nothing to configure); an unreadable one is reported on
 * stderr once and ignored, as the function must not break because of it.
 */
public final class UserPropertiesConfigSource extends MapBackedConfigSource {

  /** The variable naming the file. */
  public static final String PATH_ENV = "LAMBDA_TELEMETRY_CONFIG";

  /** Where the file is looked for when {@link #PATH_ENV} is unset. */
  public static final String DEFAULT_PATH = "/var/task/lambda-telemetry-otel.properties";

  /** Between application.properties (250) and environment variables (300). */
  public static final int ORDINAL = 260;

  static final String NAME_PREFIX = "lambda-telemetry user properties ";

  /** Quarkus builds its sources more than once (static and runtime init): one message is enough. */
  private static final AtomicBoolean REPORTED = new AtomicBoolean();

  /** The source the ServiceLoader creates: the file {@link #PATH_ENV} names, or the default. */
  public UserPropertiesConfigSource() {
    this(path(System.getenv(PATH_ENV)));
  }

  UserPropertiesConfigSource(String path) {
    super(NAME_PREFIX + path, read(path), ORDINAL);
  }

  private static String path(String env) {
    return env == null || env.isBlank() ? DEFAULT_PATH : env.trim();
  }

  /** The file's properties; empty when it does not exist or cannot be read. */
  static Map<String, String> read(String path) {
    Map<String, String> out = new HashMap<>();
    Path file;
    try {
      file = Path.of(path);
    } catch (InvalidPathException e) {
      report(path, "not a valid path");
      return out;
    }
    if (!Files.exists(file)) {
      return out; // the launcher says so when LAMBDA_TELEMETRY_CONFIG named it
    }
    Properties properties = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(r);
    } catch (IOException | IllegalArgumentException e) {
      // IllegalArgumentException: a malformed unicode escape. The message names the file only: its
      // text may hold a header's value.
      report(path, e.getClass().getSimpleName());
      return out;
    }
    properties.stringPropertyNames().forEach(k -> out.put(k, properties.getProperty(k)));
    return out;
  }

  private static void report(String path, String why) {
    if (REPORTED.compareAndSet(false, true)) {
      System.err.println("lambda-telemetry-otel: cannot read " + path + " (" + why
          + "); starting without it");
    }
  }
}
