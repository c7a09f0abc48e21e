package dev.lambdatelemetry.otel.simulator;

import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.DeliveredBatch;
import dev.lambdatelemetry.otel.simulator.platform.PlatformEvents;
import dev.lambdatelemetry.otel.simulator.platform.PlatformServer;
import dev.lambdatelemetry.otel.simulator.platform.RecordedCall;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.scenario.FreezeWindow;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * A faithful, strict Lambda platform on loopback for tests, the README's local run and benchmarks: the
 * Extensions API and Telemetry API with RAPID's validation and answers, telemetry delivered in platform-shaped
 * batches, scripted {@link Scenario scenarios}, and a record of every call with the protocol violations found.
 * The one entry point of the simulator: it wires the platform fake ({@code platform}) to the scenario it plays
 * ({@code scenario}) and returns what the run measured ({@code measure}).
 *
 * <pre>{@code
 * try (LambdaSimulator simulator = LambdaSimulator.start(SimulatorOptions.defaults());
 *      ExtensionProcess extension = ExtensionProcess.start(command, simulator, Map.of(), System.out)) {
 *     SimulationResult result = simulator.run(Scenario.defaultScenario(6), extension);
 * }
 * }</pre>
 */
public final class LambdaSimulator implements AutoCloseable {

  private final long startNanos = System.nanoTime();
  private final PlatformServer platform;
  private final List<FreezeWindow> freezes = new CopyOnWriteArrayList<>();
  private volatile IntConsumer afterInvocation = finished -> { };
  private volatile Runnable afterReady = () -> { };
  private volatile InstrumentedFunction function;
  private final List<FunctionCall> functionCalls = new CopyOnWriteArrayList<>();

  private LambdaSimulator(PlatformServer platform) {
    this.platform = platform;
  }

  /** Starts the platform on 127.0.0.1 with an ephemeral port. */
  public static LambdaSimulator start(SimulatorOptions options) throws IOException {
    return new LambdaSimulator(PlatformServer.start(options));
  }

  /** {@code host:port} for {@code AWS_LAMBDA_RUNTIME_API}. */
  public String runtimeApi() {
    return "127.0.0.1:" + port();
  }

  public int port() {
    return platform.port();
  }

  public SimulatorOptions options() {
    return platform.options();
  }

  /**
   * Plays {@code scenario} to the end (SHUTDOWN delivered and, with a process, its exit awaited until the
   * deadline, killing it after). Call it once, right after starting the extension: Init begins now.
   *
   * @param process the extension process, to time from its start, sample RSS/CPU and await its exit; may be null
   */
  public SimulationResult run(Scenario scenario, SandboxProcess process) throws InterruptedException {
    long origin = process == null ? startNanos : process.startNanos();
    return new ScenarioRunner(platform,
        new ScenarioRunner.Hooks(afterInvocation, afterReady, function, functionCalls), freezes)
        .run(scenario, process, origin);
  }

  /**
   * Sets a hook called on the scenario thread after each on-demand invocation ended, with the number of
   * invocations finished so far (1 after the first): after the extension's next, while the sandbox is frozen
   * (and, with {@link SimulatorOptions#withFreezeBetweenInvocations}, while the process is stopped), before the
   * next INVOKE or SHUTDOWN is delivered. For fault injection at a precise point, e.g. a collector recovering.
   */
  public void afterInvocation(IntConsumer hook) {
    this.afterInvocation = hook;
  }

  /**
   * Sets a hook called on the scenario thread once Init succeeded (every extension called next, the
   * extension is ready) and before the first INVOKE is delivered. For measurements at that moment, e.g.
   * the memory a launched extension holds once ready.
   */
  public void afterReady(Runnable hook) {
    this.afterReady = hook;
  }

  /**
   * Sets the instrumented function the simulated handler calls during each on-demand invocation (between
   * {@code platform.start} and {@code platform.runtimeDone}; not in a timed-out one) and at the end, before
   * SHUTDOWN (the runtime's SIGTERM). Null (the default): a function without an OpenTelemetry SDK.
   */
  public void instrumentedFunction(InstrumentedFunction value) {
    this.function = value;
  }

  /** Every call of the instrumented function so far, in order (the shutdown last). */
  public List<FunctionCall> functionCalls() {
    return List.copyOf(functionCalls);
  }

  /** The real freezes of the extension process so far, in order. */
  public List<FreezeWindow> freezes() {
    return List.copyOf(freezes);
  }

  /** Every request the extension made so far, in arrival order. */
  public List<RecordedCall> calls() {
    return platform.recorder().calls();
  }

  /** Protocol violations found so far, human-readable. */
  public List<String> violations() {
    return platform.recorder().violations();
  }

  /** Conformance warnings (e.g. register without the accountId feature). */
  public List<String> warnings() {
    return platform.recorder().warnings();
  }

  /** Every batch the listener accepted, in delivery order. */
  public List<DeliveredBatch> deliveredBatches() {
    return platform.deliveredBatches();
  }

  /** Every event the platform generated (delivered or not), serialized. */
  public List<String> generatedEvents() {
    return platform.bus().generated().stream().map(PlatformEvents.Event::json).toList();
  }

  /** One line the extension printed: the platform turns each into an {@code extension} event. */
  public void extensionOutput(String line) {
    platform.bus().publish(new PlatformEvents(platform.options()).extensionLog(Instant.now(), line));
  }

  @Override
  public void close() {
    platform.close();
  }
}
