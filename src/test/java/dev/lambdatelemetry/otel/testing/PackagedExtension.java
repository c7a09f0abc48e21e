package dev.lambdatelemetry.otel.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command that starts the packaged extension (the Quarkus runner jar) as a separate process. */
public final class PackagedExtension {

  /**
   * The JVM limits the layer's launcher (deploy/extensions/lambda-telemetry-otel) gives the
   * extension beside a 128 MB function, the smallest and most common size: a 24 MiB heap (6 % of
   * the function's memory, never below 24 MiB), SerialGC, C1 only, 256 KiB thread stacks. The
   * end-to-end tests run under them so that a memory bound that does not hold, or a recursion too
   * deep for the stacks, fails here and not in a user's function. Left out: the launcher's logging
   * and native-heap-trimming flags, which change no heap or stack bound.
   */
  public static final List<String> LAUNCHER_JVM_LIMITS = List.of(
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss256k", "-Xms4m", "-Xmx24m",
      "-XX:-UsePerfData");

  private PackagedExtension() {}

  /**
   * {@code java <launcher limits> -jar target/quarkus-app/quarkus-run.jar} with the JVM running
   * the tests.
   */
  public static List<String> command() {
    Path jar = Path.of(System.getProperty("extension.runner.jar", "target/quarkus-app/quarkus-run.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no packaged extension at " + jar + ": run ./mvnw verify");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(LAUNCHER_JVM_LIMITS);
    command.add("-jar");
    command.add(jar.toString());
    return List.copyOf(command);
  }
}
