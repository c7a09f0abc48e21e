package dev.lambdatelemetry.otel.simulator;

import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The extension process as the platform sees it while a scenario plays: when it started, what it costs, and the
 * sandbox's signals (freeze, thaw, kill). The process driver implements it; the scenario runner depends on this
 * contract only, so that it can play a scenario without a process (a test speaking HTTP itself) or with one.
 */
public interface SandboxProcess {

  /** {@link System#nanoTime()} just before the process was started: the origin of every start-up figure. */
  long startNanos();

  /** User + system CPU time in milliseconds of the process and its descendants. */
  long cpuTimeMs();

  /** Resident set size in KiB of the process and its descendants. */
  long rssKb();

  boolean isAlive();

  /** Freezes the process tree like the sandbox between invokes (SIGSTOP). */
  void suspend() throws IOException, InterruptedException;

  /** Thaws the process tree (SIGCONT). */
  void resume() throws IOException, InterruptedException;

  /** Waits for the exit at most {@code timeout}; true when it exited. */
  boolean awaitExit(Duration timeout) throws InterruptedException;

  /** SIGKILLs the process tree, as the platform does at the SHUTDOWN deadline. */
  void kill();

  /** {@link System#nanoTime()} when the process was seen to exit, or 0 while it runs. */
  long exitNanos();

  /** The exit code ({@code 137} after {@link #kill()}), or empty while running. */
  OptionalLong exitCode();
}
