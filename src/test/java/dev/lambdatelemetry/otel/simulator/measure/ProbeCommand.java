package dev.lambdatelemetry.otel.simulator.measure;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An external command the simulator runs at chosen moments of a benchmark, for figures it does not
 * measure itself (a cgroup's charged memory, page faults, smaps): {@code COMMAND LABEL [PID]}, run to
 * its end before the simulator goes on, while the extension waits in {@code next}.
 *
 * <p>Labels: {@value #BEFORE_START} (before the measured extension starts, after the harness warm-up;
 * no PID), {@value #READY} (Init done, before the first INVOKE) and {@code after-N} (after the N-th
 * invocation, for each N of {@code after}). The PID is the extension process's (the launcher execs the
 * JVM, so it is the JVM's).
 *
 * @param command the command line, split on blanks
 * @param after   the invocation counts after which to run it
 */
public record ProbeCommand(List<String> command, Set<Integer> after) {

  public static final String BEFORE_START = "before-start";
  public static final String READY = "ready";

  /** A probe that takes longer is abandoned (and killed), so that a stuck probe cannot hang a benchmark. */
  private static final long TIMEOUT_SECONDS = 60;

  public ProbeCommand {
    command = List.copyOf(command);
    after = Set.copyOf(after);
  }

  /** The label of the probe after {@code n} invocations. */
  public static String afterLabel(int n) {
    return "after-" + n;
  }

  /**
   * Runs the command with {@code label} and, when positive, {@code pid}; its output goes to {@code out}.
   * Never throws: a failed probe is a missing figure, reported on {@code out}, not a failed run.
   */
  public void run(String label, long pid, PrintStream out) {
    List<String> line = new ArrayList<>(command);
    line.add(label);
    if (pid > 0) {
      line.add(Long.toString(pid));
    }
    try {
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      process.getInputStream().transferTo(out);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        out.println("probe " + label + ": no exit after " + TIMEOUT_SECONDS + " s, killed");
      } else if (process.exitValue() != 0) {
        out.println("probe " + label + ": exit code " + process.exitValue());
      }
    } catch (IOException e) {
      out.println("probe " + label + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
