package dev.lambdatelemetry.otel.simulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;

/**
 * A faithful, strict Lambda platform on loopback for tests, the README's local run and benchmarks: the
 * Extensions API and Telemetry API with RAPID's validation and answers, telemetry delivered in platform-shaped
 * batches, scripted {@link Scenario scenarios}, and a record of every call with the protocol violations found.
 *
 * <pre>{@code
 * try (LambdaSimulator simulator = LambdaSimulator.start(SimulatorOptions.defaults());
 *      ExtensionProcess extension = ExtensionProcess.start(command, simulator, Map.of(), System.out)) {
 *     SimulationResult result = simulator.run(Scenario.defaultScenario(6), extension);
 * }
 * }</pre>
 */
public final class LambdaSimulator implements AutoCloseable {

  static {
    noDelayHttpServer();
  }

  private final SimulatorOptions options;
  private final long startNanos = System.nanoTime();
  private final ConformanceRecorder recorder = new ConformanceRecorder();
  private final ExtensionRegistry registry = new ExtensionRegistry();
  private final Map<String, Long> runtimeDoneAnswered = new ConcurrentHashMap<>();
  private final List<DeliveredBatch> delivered = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<FreezeWindow> freezes = new CopyOnWriteArrayList<>();
  private volatile IntConsumer afterInvocation = finished -> { };
  private volatile Runnable afterReady = () -> { };
  private final TelemetryBus bus;
  private final HttpServer server;
  private final ExecutorService executor;

  private LambdaSimulator(SimulatorOptions options) throws IOException {
    this.options = options;
    this.bus = new TelemetryBus(options, recorder, this::onDelivered);
    this.executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "sim-runtime-api");
      thread.setDaemon(true);
      return thread;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/2020-01-01/extension", new ExtensionsApiHandler(options, registry, recorder));
    server.createContext("/", new TelemetryApiHandler(options, registry, recorder, bus));
    server.setExecutor(executor);
    server.start();
  }

  /**
   * Turns Nagle's algorithm off in the JDK's HTTP server (read once, when its first server starts). With it on,
   * an answer written in two parts waits for the client's delayed ACK: up to 40 ms added to a {@code next} or a
   * collector's answer that the real platform does not add.
   */
  static void noDelayHttpServer() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** Starts the platform on 127.0.0.1 with an ephemeral port. */
  public static LambdaSimulator start(SimulatorOptions options) throws IOException {
    return new LambdaSimulator(options);
  }

  /** {@code host:port} for {@code AWS_LAMBDA_RUNTIME_API}. */
  public String runtimeApi() {
    return "127.0.0.1:" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public SimulatorOptions options() {
    return options;
  }

  /**
   * Plays {@code scenario} to the end (SHUTDOWN delivered and, with a process, its exit awaited until the
   * deadline, killing it after). Call it once, right after starting the extension: Init begins now.
   *
   * @param process the extension process, to time from its start, sample RSS/CPU and await its exit; may be null
   */
  public SimulationResult run(Scenario scenario, ExtensionProcess process) throws InterruptedException {
    long origin = process == null ? startNanos : process.startNanos();
    return new ScenarioRunner(options, registry, recorder, bus, runtimeDoneAnswered, afterInvocation, afterReady,
        freezes).run(scenario, process, origin);
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

  /** The real freezes of the extension process so far, in order. */
  public List<FreezeWindow> freezes() {
    return List.copyOf(freezes);
  }

  /** Every request the extension made so far, in arrival order. */
  public List<RecordedCall> calls() {
    return recorder.calls();
  }

  /** Protocol violations found so far, human-readable. */
  public List<String> violations() {
    return recorder.violations();
  }

  /** Conformance warnings (e.g. register without the accountId feature). */
  public List<String> warnings() {
    return recorder.warnings();
  }

  /** Every batch the listener accepted, in delivery order. */
  public List<DeliveredBatch> deliveredBatches() {
    synchronized (delivered) {
      return List.copyOf(delivered);
    }
  }

  /** Every event the platform generated (delivered or not), serialized. */
  public List<String> generatedEvents() {
    return bus.generated().stream().map(PlatformEvents.Event::json).toList();
  }

  /** One line the extension printed: the platform turns each into an {@code extension} event. */
  public void extensionOutput(String line) {
    bus.publish(new PlatformEvents(options).extensionLog(java.time.Instant.now(), line));
  }

  @Override
  public void close() {
    bus.close();
    server.stop(0);
    executor.shutdownNow();
  }

  private void onDelivered(Subscription subscription, List<PlatformEvents.Event> batch, long answeredNanos) {
    List<String> types = new ArrayList<>();
    List<String> requestIds = new ArrayList<>();
    for (PlatformEvents.Event event : batch) {
      types.add(event.type());
      requestIds.add(event.requestId());
      if (event.type().equals("platform.runtimeDone")) {
        runtimeDoneAnswered.putIfAbsent(event.requestId(), answeredNanos);
      }
    }
    String body = "[" + String.join(",", batch.stream().map(PlatformEvents.Event::json).toList()) + "]";
    delivered.add(new DeliveredBatch(subscription.extensionName(), types, requestIds, body, answeredNanos));
  }
}
