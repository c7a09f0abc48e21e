package dev.lambdatelemetry.otel.simulator.process;

import dev.lambdatelemetry.otel.simulator.FunctionCall;
import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.function.FunctionProtocol;
import dev.lambdatelemetry.otel.simulator.function.FunctionSettings;
import dev.lambdatelemetry.otel.simulator.function.LocalFunction;
import dev.lambdatelemetry.otel.simulator.function.LocalFunctions;
import dev.lambdatelemetry.otel.simulator.measure.BenchmarkCollector;
import dev.lambdatelemetry.otel.simulator.measure.ProbeCommand;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorMode;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Runs a scenario against a launched extension from the command line.
 *
 * <pre>
 * SimulatorMain --extension-cmd "java -jar target/quarkus-app/quarkus-run.jar" [--mode default|managed-instances|local-202]
 *               [--invocations N] [--benchmark] [--log-heavy] [--collector] [--shutdown-budget-ms N]
 *               [--free-listener-port] [--env KEY=VALUE]... [--protocol] [--report FILE] [--quiet]
 *               [--init-timeout-ms N] [--function-timeout-ms N] [--probe "COMMAND" [--probe-after N,N...]]
 *               [--function http/protobuf|http/json|grpc [--function-spans N]]
 *               [--collector-delay DURATION] [--rate N]
 * SimulatorMain [options] -- java -jar target/quarkus-app/quarkus-run.jar
 * </pre>
 *
 * <ul>
 * <li>{@code --benchmark}: fast warm invocations (1 ms handlers, each runtimeDone's batch sent at once), RSS
 *     sampled every 1 000 invocations, CPU and added time over the warm invocations (after the first tenth,
 *     at most 1 000). With {@code --log-heavy}: invocations that log ~1 MiB each, for ingest throughput.</li>
 * <li>{@code --collector}: runs a healthy OTLP/HTTP collector on loopback and points the extension at it
 *     ({@code OTEL_EXPORTER_OTLP_ENDPOINT}); the report then counts the function log records it received, and
 *     any function log line that did not arrive counts in {@code droppedEvents}.</li>
 * <li>{@code --collector-delay DURATION} ({@code 20ms}, {@code 0.5s}, or a number of ms): the collector
 *     ({@code --collector}, implied) answers each request this long after it arrived, like a collector in
 *     another zone or a SaaS backend; the report then gives the longest time a span or function log record waited
 *     before it reached the collector ({@code maxSpanWaitMs}, {@code maxLogWaitMs}) and the spans received twice
 *     ({@code duplicateSpans}).</li>
 * <li>{@code --rate N}: about N invocations a second: after each invocation the extension process is frozen
 *     (SIGSTOP, then SIGCONT) for 1/N s, as Lambda freezes the sandbox between requests (each invocation's own
 *     time comes on top, so the rate is a little lower). Without it, invocations follow each other at once
 *     and the process is never stopped.</li>
 * <li>{@code --shutdown-budget-ms}: SHUTDOWN's deadline (default 2 000 ms, like Lambda with external
 *     extensions); longer for a JVM that writes an AOT recording at exit.</li>
 * <li>{@code --free-listener-port}: gives the extension a free loopback port for its Telemetry listener
 *     ({@code LAMBDA_TELEMETRY_LISTENER_PORT}) instead of Lambda's 4290, which another run on a shared
 *     machine may hold.</li>
 * <li>{@code --env KEY=VALUE}: one more variable for the extension's environment (repeatable).</li>
 * <li>{@code --init-timeout-ms}: the Init budget (default 10 000 ms, Lambda's); longer to measure a start
 *     under a small CPU quota to its end.</li>
 * <li>{@code --function-timeout-ms}: the function's timeout, each INVOKE's deadline (default 1 000 ms); an
 *     extension that calls next after it is a violation and ends the run.</li>
 * <li>{@code --function PROTOCOL}: the function is instrumented with an OpenTelemetry SDK (Node.js with the
 *     OpenTelemetry JS SDK when node and {@code src/test/node}'s packages are there, else the Java SDK) that exports
 *     to the extension's local endpoint over {@code PROTOCOL} during each invocation (free ports, given to both);
 *     {@code --function-spans N}: child spans per invocation (default 3). The SDK's flush times are printed.</li>
 * <li>{@code --probe "COMMAND"}: runs {@code COMMAND LABEL [PID]} before the measured extension starts
 *     ({@code before-start}), once it is ready ({@code ready}) and after each invocation count of
 *     {@code --probe-after} ({@code after-N}); see {@link ProbeCommand}. For figures measured outside the
 *     simulator, e.g. a cgroup's memory (deploy/benchmark.sh's Lambda-shaped mode).</li>
 * </ul>
 *
 * Exits 0 when the extension exited 0 and broke no rule, 1 otherwise (violations printed), 2 on bad usage.
 */
public final class SimulatorMain {

  private static final int DEFAULT_INVOCATIONS = 6;
  /**
   * Invocations of the discarded run that precedes a benchmark: enough for every request path of
   * this simulator (register, subscribe, next, deliveries, SHUTDOWN) to be loaded and compiled.
   */
  private static final int HARNESS_WARM_UP_INVOCATIONS = 30;
  /** The quiet check before a benchmark samples this process's CPU time over intervals this long. */
  private static final Duration SETTLE_SAMPLE = Duration.ofMillis(100);

  static {
    // JBoss Logging must own java.util.logging before any logger exists, or it prints a warning at start.
    System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
  }

  private SimulatorMain() {
  }

  /** Parsed command line. */
  record Arguments(List<String> command, SimulatorMode mode, int invocations, boolean benchmark, boolean logHeavy,
      boolean protocol, Path report, boolean quiet, boolean collector, Duration shutdownBudget,
      boolean freeListenerPort, Map<String, String> env, Duration initTimeout, ProbeCommand probe,
      Duration functionTimeout, FunctionProtocol function, int functionSpans, Duration collectorDelay,
      int rate) {

    static Arguments parse(String[] args) {
      List<String> command = new ArrayList<>();
      SimulatorMode mode = SimulatorMode.DEFAULT;
      int invocations = DEFAULT_INVOCATIONS;
      boolean benchmark = false;
      boolean logHeavy = false;
      boolean protocol = false;
      Path report = null;
      boolean quiet = false;
      boolean collector = false;
      boolean freeListenerPort = false;
      Map<String, String> env = new LinkedHashMap<>();
      Duration shutdownBudget = SimulatorOptions.defaults().shutdownBudget();
      Duration initTimeout = SimulatorOptions.defaults().initTimeout();
      Duration functionTimeout = null;
      Duration collectorDelay = null;
      int rate = 0;
      List<String> probe = List.of();
      java.util.Set<Integer> probeAfter = new java.util.TreeSet<>();
      FunctionProtocol function = null;
      int functionSpans = InvocationSpec.DEFAULT_FUNCTION_SPANS;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--extension-cmd" -> command = Arrays.asList(value(args, ++i).trim().split("\\s+"));
          case "--mode" -> mode = SimulatorMode.fromCli(value(args, ++i));
          case "--invocations" -> invocations = positive(args, ++i);
          case "--benchmark" -> benchmark = true;
          case "--log-heavy" -> logHeavy = true;
          case "--protocol" -> protocol = true;
          case "--report" -> report = Path.of(value(args, ++i));
          case "--quiet" -> quiet = true;
          case "--collector" -> collector = true;
          case "--free-listener-port" -> freeListenerPort = true;
          case "--env" -> {
            String pair = value(args, ++i);
            int eq = pair.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException("--env needs KEY=VALUE, got '" + pair + "'");
            }
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
          }
          case "--shutdown-budget-ms" -> shutdownBudget = Duration.ofMillis(positive(args, ++i));
          case "--init-timeout-ms" -> initTimeout = Duration.ofMillis(positive(args, ++i));
          case "--function-timeout-ms" -> functionTimeout = Duration.ofMillis(positive(args, ++i));
          case "--function" -> function = FunctionProtocol.fromOtelName(value(args, ++i));
          case "--function-spans" -> functionSpans = positive(args, ++i);
          case "--collector-delay" -> {
            collectorDelay = delay(args, ++i);
            collector = true;
          }
          case "--rate" -> rate = positive(args, ++i);
          case "--probe" -> probe = Arrays.asList(value(args, ++i).trim().split("\\s+"));
          case "--probe-after" -> {
            for (String count : value(args, ++i).split(",")) {
              probeAfter.add(positive(args, i, count.trim()));
            }
          }
          case "--" -> {
            command = Arrays.asList(Arrays.copyOfRange(args, i + 1, args.length));
            i = args.length;
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      if (command.isEmpty()) {
        throw new IllegalArgumentException("--extension-cmd \"<command line>\" (or -- <command>) is required");
      }
      if (!probeAfter.isEmpty() && probe.isEmpty()) {
        throw new IllegalArgumentException("--probe-after needs --probe \"<command>\"");
      }
      return new Arguments(List.copyOf(command), mode, invocations, benchmark, logHeavy, protocol, report, quiet,
          collector, shutdownBudget, freeListenerPort, Map.copyOf(env), initTimeout,
          probe.isEmpty() ? null : new ProbeCommand(probe, probeAfter), functionTimeout, function, functionSpans,
          collectorDelay, rate);
    }

    SimulatorOptions options() {
      return SimulatorOptions.defaults(mode).withShutdownBudget(shutdownBudget).withInitTimeout(initTimeout);
    }

    /** {@link #options()} with the freeze between invocations that {@code --rate} asks for: the measured run's. */
    SimulatorOptions measuredOptions() {
      return rate == 0 ? options()
          : options().withFreezeBetweenInvocations(Duration.ofNanos(Duration.ofSeconds(1).toNanos() / rate));
    }

    /** The collector {@code --collector} and {@code --collector-delay} ask for, or null. */
    BenchmarkCollector startCollector() throws IOException {
      if (!collector) {
        return null;
      }
      return collectorDelay == null ? BenchmarkCollector.start() : BenchmarkCollector.start(collectorDelay);
    }

    private static Duration delay(String[] args, int index) {
      String raw = value(args, index).trim().toLowerCase(java.util.Locale.ROOT);
      try {
        Duration parsed;
        if (raw.endsWith("ms")) {
          parsed = Duration.ofMillis(Long.parseLong(raw.substring(0, raw.length() - 2).trim()));
        } else if (raw.endsWith("s")) {
          parsed = Duration.ofNanos((long) (Double.parseDouble(raw.substring(0, raw.length() - 1).trim()) * 1e9));
        } else {
          parsed = Duration.ofMillis(Long.parseLong(raw));
        }
        if (!parsed.isNegative()) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(args[index - 1] + " needs a duration such as 20ms, got '" + raw + "'");
    }

    Scenario scenario() {
      Scenario scenario;
      if (mode == SimulatorMode.MANAGED_INSTANCES) {
        scenario = Scenario.managedInstances(invocations);
      } else if (logHeavy) {
        scenario = Scenario.logHeavy(invocations, benchmark);
      } else {
        scenario = benchmark ? Scenario.benchmark(invocations) : Scenario.defaultScenario(invocations);
      }
      List<InvocationSpec> specs = function == null ? scenario.invocations()
          : scenario.invocations().stream().map(spec -> spec.withFunctionSpans(functionSpans)).toList();
      return new Scenario(specs, scenario.concurrent(),
          functionTimeout == null ? scenario.functionTimeout() : functionTimeout, scenario.runtimeInit(),
          scenario.shutdownReason(), scenario.benchmark(), scenario.lateShutdownFlush());
    }

    private static int positive(String[] args, int index) {
      return positive(args, index, value(args, index));
    }

    private static int positive(String[] args, int index, String raw) {
      try {
        int parsed = Integer.parseInt(raw);
        if (parsed > 0) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(args[index - 1] + " needs a positive number, got '" + raw + "'");
    }

    private static String value(String[] args, int index) {
      if (index >= args.length) {
        throw new IllegalArgumentException(args[index - 1] + " needs a value");
      }
      return args[index];
    }
  }

  public static void main(String[] args) throws Exception {
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(arguments, System.out));
  }

  /** Runs the scenario and returns the process exit status; usable from a test or another main. */
  static int run(Arguments arguments, PrintStream out) throws IOException, InterruptedException {
    if (arguments.benchmark()) {
      warmUpHarness(arguments);
    }
    if (arguments.probe() != null) {
      arguments.probe().run(ProbeCommand.BEFORE_START, 0, out);
    }
    SimulationResult result;
    OptionalLong functionLogsExported = OptionalLong.empty();
    SimulationResult.CollectorFigures collectorFigures = null;
    try (BenchmarkCollector collector = arguments.startCollector();
        LambdaSimulator simulator = LambdaSimulator.start(arguments.measuredOptions())) {
      if (arguments.benchmark()) {
        settle();
      }
      result = simulate(arguments, arguments.scenario(), simulator, collector, arguments.quiet() ? null : out,
          arguments.probe() == null ? null : out);
      if (arguments.function() != null) {
        out.println(JoinedTraceView.flushSummary(arguments.function() + " SDK export to the extension",
            simulator.functionCalls()));
      }
      if (collector != null) {
        functionLogsExported = OptionalLong.of(collector.functionLogRecords());
        collectorFigures = collector.figures();
        out.printf("collector: %d requests, %d bytes, %d function log records (%d unreadable requests)%n",
            collector.requests(), collector.bytes(), collector.functionLogRecords(),
            collector.unreadableRequests());
      }
      if (arguments.protocol()) {
        simulator.calls().forEach(call -> out.printf("%s %s %s -> %d%n", call.receivedAt(), call.method(),
            call.path(), call.status()));
      }
    }
    if (arguments.report() != null) {
      Files.writeString(arguments.report(), result.toJson(functionLogsExported, collectorFigures),
          StandardCharsets.UTF_8);
    }
    out.printf("register %.1f ms, subscribe %.1f ms, ready %.1f ms, SHUTDOWN->exit %.1f ms, exit code %d%n",
        result.processToRegisterMs(), result.processToSubscribeMs(), result.processToReadyMs(),
        result.shutdownToExitMs(), result.exitCode());
    if (arguments.benchmark()) {
      out.printf("warm invocations %d: added p50 %.2f ms, p99 %.2f ms, CPU %.3f ms each; ingest %.2f MB/s, "
          + "%.0f events/s; RSS KiB %s%n", result.invocations().size() - result.warm().warmUpInvocations(),
          result.addedMsPercentile(50), result.addedMsPercentile(99), result.cpuMsPerInvocation(),
          result.ingestMBps(), result.ingestEventsPerSec(), result.rssKb());
    }
    if (collectorFigures != null && arguments.benchmark()) {
      out.printf("added p50/p99: first %d %.2f/%.2f ms, after %.2f/%.2f ms; collector answers after %.0f ms: "
          + "%d spans (%d twice), longest wait span %.0f ms, function log %.0f ms%n",
          SimulationResult.FIRST_INVOCATIONS,
          result.addedMsPercentile(50, 0, SimulationResult.FIRST_INVOCATIONS),
          result.addedMsPercentile(99, 0, SimulationResult.FIRST_INVOCATIONS),
          result.addedMsPercentile(50, SimulationResult.FIRST_INVOCATIONS, Integer.MAX_VALUE),
          result.addedMsPercentile(99, SimulationResult.FIRST_INVOCATIONS, Integer.MAX_VALUE),
          collectorFigures.answerDelayMs(), collectorFigures.spans(), collectorFigures.duplicateSpans(),
          collectorFigures.maxSpanWaitMs(), collectorFigures.maxLogWaitMs());
    }
    result.warnings().forEach(warning -> out.println("WARNING: " + warning));
    result.violations().forEach(violation -> out.println("VIOLATION: " + violation));
    return result.passed() ? 0 : 1;
  }

  private static SimulationResult simulate(Arguments arguments, Scenario scenario, LambdaSimulator simulator,
      BenchmarkCollector collector, PrintStream out, PrintStream probeOut) throws IOException, InterruptedException {
    Map<String, String> env = new LinkedHashMap<>();
    if (collector != null) {
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
    }
    if (arguments.freeListenerPort()) {
      env.put("LAMBDA_TELEMETRY_LISTENER_PORT", Integer.toString(freeLoopbackPort()));
    }
    LocalFunction function = null;
    if (arguments.function() != null) {
      FunctionSettings settings = FunctionSettings.defaults(arguments.function())
          .withPorts(freeLoopbackPort(), freeLoopbackPort());
      env.put("LAMBDA_TELEMETRY_OTLP_RECEIVER_HTTP_PORT", Integer.toString(settings.httpPort()));
      env.put("LAMBDA_TELEMETRY_OTLP_RECEIVER_GRPC_PORT", Integer.toString(settings.grpcPort()));
      function = LocalFunctions.start(settings);
      simulator.instrumentedFunction(function);
    }
    env.putAll(arguments.env());
    try (LocalFunction started = function;
        ExtensionProcess extension = ExtensionProcess.start(arguments.command(), simulator, env, out)) {
      if (probeOut != null) {
        installProbe(arguments.probe(), simulator, extension.pid(), probeOut);
      }
      return simulator.run(scenario, extension);
    }
  }

  /** Runs {@code probe} once the extension {@code pid} is ready and after each invocation count it lists. */
  private static void installProbe(ProbeCommand probe, LambdaSimulator simulator, long pid, PrintStream out) {
    simulator.afterReady(() -> probe.run(ProbeCommand.READY, pid, out));
    simulator.afterInvocation(finished -> {
      if (probe.after().contains(finished)) {
        probe.run(ProbeCommand.afterLabel(finished), pid, out);
      }
    });
  }

  /**
   * Runs the same command once, briefly, against a throwaway simulator and collector, and discards
   * the result. Without it the benchmark measures this harness: the first register, subscribe and
   * next this JVM ever answers load and interpret its own handlers, which was measured to add ~250 ms
   * to "ready" (the real platform answers in microseconds). It also warms the page cache for the
   * extension's files, as every run after the first one would find it anyway.
   */
  private static void warmUpHarness(Arguments arguments) throws IOException, InterruptedException {
    try (BenchmarkCollector collector = arguments.startCollector();
        LambdaSimulator simulator = LambdaSimulator.start(arguments.options())) {
      simulate(arguments, Scenario.benchmark(HARNESS_WARM_UP_INVOCATIONS), simulator, collector, null, null);
    }
  }

  /**
   * Before a benchmark starts the extension, lets this JVM's own start-up finish: otherwise the
   * simulator's class loading and JIT compete with the extension's start-up for the same cores and its
   * figures measure the harness. Waits until this process's CPU time stops growing (a condition, with a
   * deadline), like a quiet platform would be.
   */
  private static void settle() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
        .getOperatingSystemMXBean();
    if (!(os instanceof com.sun.management.OperatingSystemMXBean sun)) {
      return;
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    long before = sun.getProcessCpuTime();
    while (System.nanoTime() < deadline) {
      // The quiet check samples this process's CPU time over one interval at a time.
      java.util.concurrent.locks.LockSupport.parkNanos(SETTLE_SAMPLE.toNanos());
      long now = sun.getProcessCpuTime();
      if (now - before < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10)) {
        return;
      }
      before = now;
    }
  }

  /** A loopback port that was free a moment ago (another process could still take it first). */
  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
