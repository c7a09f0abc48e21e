package dev.lambdatelemetry.otel.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The command that starts the packaged extension (the Quarkus runner jar) as a separate process. */
public final class PackagedExtension {

  private PackagedExtension() {}

  /** {@code java -jar target/quarkus-app/quarkus-run.jar} with the JVM running the tests. */
  public static List<String> command() {
    Path jar = Path.of(System.getProperty("extension.runner.jar", "target/quarkus-app/quarkus-run.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no packaged extension at " + jar + ": run ./mvnw verify");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-jar", jar.toString());
  }
}
