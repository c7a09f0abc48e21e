package dev.lambdatelemetry.otel.simulator.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The external probe of deploy/benchmark.sh's Lambda-shaped mode, run as a real process. */
class ProbeCommandTest {

  @TempDir
  Path dir;

  @Test
  void run_passesTheLabelAndPidAndWaitsForTheEnd() throws IOException {
    Path log = dir.resolve("calls");
    ProbeCommand probe = new ProbeCommand(List.of("/bin/sh", script("echo \"$@\" >> " + log).toString()),
        Set.of(100));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    probe.run(ProbeCommand.BEFORE_START, 0, new PrintStream(out, true, StandardCharsets.UTF_8));
    probe.run(ProbeCommand.afterLabel(100), 4242, new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(Files.readAllLines(log)).containsExactly("before-start", "after-100 4242");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void run_failingCommand_isReportedNotThrown() throws IOException {
    ProbeCommand probe = new ProbeCommand(List.of("/bin/sh", script("echo broken; exit 3").toString()), Set.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    probe.run(ProbeCommand.READY, 1, new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("broken", "probe ready: exit code 3");
  }

  private Path script(String body) throws IOException {
    Path script = dir.resolve("probe-" + System.nanoTime() + ".sh");
    Files.writeString(script, body + "\n");
    return script;
  }
}
