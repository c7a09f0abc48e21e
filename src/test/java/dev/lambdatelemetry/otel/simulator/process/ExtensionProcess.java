package dev.lambdatelemetry.otel.simulator.process;

import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.SandboxProcess;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.scenario.SimulatedTime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The extension as a child process, started the way Lambda starts {@code /opt/extensions/*}: with
 * {@code AWS_LAMBDA_RUNTIME_API} and the function's variables. Captures stdout/stderr, samples RSS and CPU
 * from {@code /proc}, can freeze it like the sandbox does (SIGSTOP/SIGCONT) and kill it at a deadline.
 */
public final class ExtensionProcess implements SandboxProcess, AutoCloseable {

  /** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;
  private static final int KILLED_EXIT_CODE = 137;
  private static final long PID_REFRESH_NANOS = 1_000_000_000L;

  private final Process process;
  private final long startNanos;
  private final StringBuffer stdout = new StringBuffer();
  private final StringBuffer stderr = new StringBuffer();
  private volatile boolean killed;
  private volatile List<Long> pidCache;
  private volatile long pidCacheNanos;

  private ExtensionProcess(Process process, long startNanos, PrintStream echo, Consumer<String> lines) {
    this.process = process;
    this.startNanos = startNanos;
    // When it really ended, whatever the caller was busy with then (a measured SHUTDOWN → exit).
    process.onExit().thenRun(() -> exitNanos = System.nanoTime());
    pump(process.getInputStream(), stdout, echo, "stdout", lines);
    pump(process.getErrorStream(), stderr, echo, "stderr", lines);
  }

  /**
   * Starts {@code command} against {@code simulator}.
   *
   * @param command   the command line, e.g. {@code java -jar target/quarkus-app/quarkus-run.jar}
   * @param simulator the platform it talks to (its port and function identity become the environment)
   * @param extraEnv  caller-supplied variables (override the defaults)
   * @param echo      where to echo the child's output as it comes, or null to only capture it
   */
  public static ExtensionProcess start(List<String> command, LambdaSimulator simulator, Map<String, String> extraEnv,
      PrintStream echo) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.putAll(lambdaEnvironment(simulator));
    env.putAll(extraEnv);
    long started = System.nanoTime();
    // Like the platform, every line the extension prints becomes an `extension` telemetry event.
    return new ExtensionProcess(builder.start(), started, echo, simulator::extensionOutput);
  }

  /** The variables Lambda gives an external extension. */
  public static Map<String, String> lambdaEnvironment(LambdaSimulator simulator) {
    SimulatorOptions options = simulator.options();
    Map<String, String> env = new HashMap<>();
    env.put("AWS_LAMBDA_RUNTIME_API", simulator.runtimeApi());
    env.put("AWS_LAMBDA_FUNCTION_NAME", options.functionName());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", options.functionVersion());
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(options.memoryMb()));
    env.put("AWS_REGION", options.region());
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", options.initializationType());
    return env;
  }

  private volatile long exitNanos;

  public long pid() {
    return process.pid();
  }

  /** {@link System#nanoTime()} just before the process was started. */
  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@link System#nanoTime()} when the process was seen to exit, or 0 while it runs. */
  @Override
  public long exitNanos() {
    return exitNanos;
  }

  /** Waits for the exit at most {@code timeout}; true when it exited. */
  @Override
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The exit code, {@code 137} after {@link #kill()}, or empty while running. */
  @Override
  public OptionalLong exitCode() {
    if (process.isAlive()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(killed ? KILLED_EXIT_CODE : process.exitValue());
  }

  public String stdout() {
    return stdout.toString();
  }

  public String stderr() {
    return stderr.toString();
  }

  /** Resident set size in KiB of the process and its descendants (a launcher script's java child included). */
  @Override
  public long rssKb() {
    return pids().map(ExtensionProcess::vmRssKb).sum();
  }

  /** User + system CPU time in milliseconds of the process and its descendants. */
  @Override
  public long cpuTimeMs() {
    return pids().map(ExtensionProcess::cpuTicks).sum() * 1000 / CLOCK_TICKS_PER_SECOND;
  }

  /** Freezes the process tree like the sandbox between invokes (SIGSTOP). */
  @Override
  public void suspend() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** Thaws the process tree (SIGCONT). */
  @Override
  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  /**
   * Freezes the process tree for {@code duration} and thaws it (SIGSTOP, wait, SIGCONT), e.g. from a test
   * collector while a request of the extension is in flight. Always thaws, even when interrupted.
   */
  public void freezeFor(Duration duration) throws IOException, InterruptedException {
    suspend();
    try {
      SimulatedTime.pass(duration);
    } finally {
      resume();
    }
  }

  /** SIGKILLs the process tree, as the platform does at the SHUTDOWN deadline. */
  @Override
  public void kill() {
    killed = process.isAlive();
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private Stream<Long> pidsBoxed() {
    // descendants() scans every process on the machine; a benchmark samples CPU twice per invocation,
    // so the tree is looked up at most once per PID_REFRESH (a launcher execs, the tree rarely changes).
    long now = System.nanoTime();
    List<Long> cached = pidCache;
    if (cached == null || now - pidCacheNanos > PID_REFRESH_NANOS) {
      List<Long> pids = new ArrayList<>();
      pids.add(process.pid());
      process.descendants().forEach(handle -> pids.add(handle.pid()));
      cached = List.copyOf(pids);
      pidCache = cached;
      pidCacheNanos = now;
    }
    return cached.stream();
  }

  private java.util.stream.LongStream pids() {
    return pidsBoxed().mapToLong(Long::longValue);
  }

  private void signal(String signal) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", signal));
    pidCache = null; // a freeze must reach every process of the tree as it is now
    pidsBoxed().forEach(pid -> command.add(Long.toString(pid)));
    new ProcessBuilder(command).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
  }

  private static long vmRssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // The process ended between listing and reading: it uses nothing any more.
    }
    return 0;
  }

  private static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Field 2 (comm) may contain spaces: count fields after its closing parenthesis.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static void pump(InputStream in, StringBuffer sink, PrintStream echo, String name,
      Consumer<String> lines) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          sink.append(line).append('\n');
          lines.accept(line);
          if (echo != null) {
            echo.println(line);
            echo.flush();
          }
        }
      } catch (IOException e) {
        sink.append("[").append(name).append(" closed: ").append(e.getMessage()).append("]");
      }
    }, "extension-" + name);
    thread.setDaemon(true);
    thread.start();
  }
}
