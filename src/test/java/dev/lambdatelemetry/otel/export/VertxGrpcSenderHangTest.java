package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link VertxGrpcSender} against a collector that accepts TCP and never answers, under the launcher's
 * heap (a child JVM with {@code -Xmx24m}): 50 calls of 1 MiB, each abandoned at its flush's deadline,
 * must neither fill the heap nor outlive their deadline; a connection that never completed the HTTP/2
 * preface is closed, not kept for the next flush.
 */
class VertxGrpcSenderHangTest {

  private static final int CALLS = 50;
  private static final int MESSAGE_BYTES = 1024 * 1024;
  private static final int DEADLINE_MS = 200;
  private static final Pattern RESULT =
      Pattern.compile("RESULT calls=(\\d+) late=(\\d+) answered=(\\d+) accepted=(\\d+) open=(\\d+) heapGrowthKiB=(-?\\d+)");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"silent", "preface"})
  void abandonedCallsLeaveNothingOnTheHeapAndReturnByTheirDeadline(String mode) throws Exception {
    Path log = dir.resolve("probe.log");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx24m", "-Xms4m", "-XX:+UseSerialGC", "-Xss256k", "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"),
                    HungGrpcCollectorProbe.class.getName(),
                    mode, String.valueOf(CALLS), String.valueOf(MESSAGE_BYTES), String.valueOf(DEADLINE_MS)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = p.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = read(log);
    System.out.println("[" + mode + "] " + output.strip()); // the figures, for the build log

    assertThat(ended).as("probe ended; output:%n%s", output).isTrue();
    assertThat(output).as("no OutOfMemoryError").doesNotContain("OutOfMemoryError");
    assertThat(p.exitValue()).as("exit code; output:%n%s", output).isZero();
    Matcher m = RESULT.matcher(output);
    assertThat(m.find()).as("a RESULT line in:%n%s", output).isTrue();
    assertThat(Integer.parseInt(m.group(2))).as("calls past their deadline").isZero();
    assertThat(Integer.parseInt(m.group(3))).as("calls answered by a collector that never answers").isZero();
    assertThat(Long.parseLong(m.group(6))).as("heap growth over %d abandoned calls (KiB)", CALLS)
        .isLessThan(4 * 1024);
    // Each flush gave up on a connection that never answered (its preface, or its stream): closed, and
    // a new one tried by the next flush, rather than the next call queued behind it.
    assertThat(Integer.parseInt(m.group(4))).as("connections opened").isGreaterThan(1);
    assertThat(Integer.parseInt(m.group(5))).as("connections still open").isLessThanOrEqualTo(1);
  }

  private static String read(Path log) throws IOException {
    File f = log.toFile();
    return f.exists() ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }
}
