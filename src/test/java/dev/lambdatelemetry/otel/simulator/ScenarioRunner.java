package dev.lambdatelemetry.otel.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.ApiPaths;
import dev.lambdatelemetry.otel.simulator.platform.ConformanceRecorder;
import dev.lambdatelemetry.otel.simulator.platform.ExtensionRegistry;
import dev.lambdatelemetry.otel.simulator.platform.Json;
import dev.lambdatelemetry.otel.simulator.platform.PlatformEvents;
import dev.lambdatelemetry.otel.simulator.platform.PlatformServer;
import dev.lambdatelemetry.otel.simulator.platform.RegisteredExtension;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorMode;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.platform.TelemetryBus;
import dev.lambdatelemetry.otel.simulator.scenario.FreezeWindow;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.simulator.scenario.SimulatedTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Plays a {@link Scenario} the way the platform would: Init (extensions register, the runtime initialises,
 * every extension calls next), invocations that end only when each INVOKE-registered extension calls next
 * ({@link InvocationPlayer}), the sandbox freezing between them (so {@code platform.report} of N leaves with N+1
 * or at SHUTDOWN), then SHUTDOWN with a deadline after which a live process is killed. Measures as it goes:
 * start-up times, RSS samples, the warm phase's CPU and deliveries.
 */
final class ScenarioRunner {

  static final double NANOS_PER_MS = 1_000_000.0;
  /** The longest the platform waits for a delivery to leave at a phase's end (Init failed, SHUTDOWN). */
  static final Duration SHUTDOWN_FLUSH_CAP = Duration.ofSeconds(1);
  /** A benchmark samples the extension's RSS after every this many invocations (a leak shows as a slope). */
  static final int RSS_SAMPLE_EVERY = 1000;
  /** How long the runtime has for its SIGTERM handler at the end of the environment (Lambda's 500 ms). */
  static final Duration RUNTIME_SHUTDOWN = Duration.ofMillis(500);

  /**
   * The caller's hooks: after each on-demand invocation, and once the extension is ready; and the instrumented
   * function the handler calls (null: none), with where its calls are recorded.
   */
  record Hooks(IntConsumer afterInvocation, Runnable afterReady, InstrumentedFunction function,
      List<FunctionCall> functionCalls) {
  }

  private final SimulatorOptions options;
  private final ExtensionRegistry registry;
  private final ConformanceRecorder recorder;
  private final TelemetryBus bus;
  private final PlatformEvents events;
  private final InvocationPlayer invocations;
  private final Hooks hooks;
  private final List<FreezeWindow> freezes;

  ScenarioRunner(PlatformServer platform, Hooks hooks, List<FreezeWindow> freezes) {
    this.options = platform.options();
    this.registry = platform.registry();
    this.recorder = platform.recorder();
    this.bus = platform.bus();
    this.events = new PlatformEvents(options);
    this.invocations = new InvocationPlayer(platform, events, hooks.function(), hooks.functionCalls());
    this.hooks = hooks;
    this.freezes = freezes;
  }

  SimulationResult run(Scenario scenario, SandboxProcess process, long originNanos) throws InterruptedException {
    List<SimulationResult.InvocationMeasurement> played = new ArrayList<>();
    Map<String, Long> rss = new LinkedHashMap<>();
    double initMs = init(scenario);
    boolean initialised = initMs >= 0;
    sampleRss(process, rss, SimulationResult.RSS_READY);
    if (initialised) {
      hooks.afterReady().run();
    }
    int warmUp = SimulationResult.warmUpFor(scenario.invocations().size());
    SimulationResult.WarmPhase warm = SimulationResult.WarmPhase.NONE;
    if (initialised && options.mode() == SimulatorMode.MANAGED_INSTANCES) {
      if (!scenario.lateShutdownFlush().isZero()) {
        // Init's telemetry leaves first (the platform would have sent it long before), then the
        // invocations' is held until after SHUTDOWN.
        bus.flush(SHUTDOWN_FLUSH_CAP);
        bus.freeze();
      }
      invocations.playConcurrently(scenario);
    } else if (initialised) {
      WarmMark mark = warmUp == 0 ? WarmMark.now(process, recorder) : null;
      for (int i = 0; i < scenario.invocations().size(); i++) {
        SimulationResult.InvocationMeasurement measured =
            invocations.invoke(scenario, scenario.invocations().get(i), i == 0 ? initMs : null, process);
        if (measured == null) {
          break;
        }
        played.add(measured);
        if (played.size() == warmUp) {
          mark = WarmMark.now(process, recorder);
        }
        if (scenario.benchmark() && played.size() % RSS_SAMPLE_EVERY == 0) {
          sampleRss(process, rss, SimulationResult.rssAfter(played.size()));
        }
        freezeBetweenInvocations(process, measured.requestId(), played.size());
      }
      if (mark != null && played.size() > warmUp) {
        warm = mark.until(WarmMark.now(process, recorder), warmUp, bus.functionEvents());
      }
    }
    sampleRss(process, rss, SimulationResult.rssAfter(played.size()));
    String reason = scenario.effectiveShutdownReason(options);
    double shutdownToExit =
        initialised ? shutdown(reason, scenario.lateShutdownFlush(), process) : awaitExitAfterFailure(process);
    int exitCode = process == null ? SimulationResult.NO_PROCESS
        : (int) process.exitCode().orElse(SimulationResult.NO_PROCESS);
    ConformanceRecorder.DeliveryTotals whole = recorder.deliveryTotals();
    warm = new SimulationResult.WarmPhase(warm.warmUpInvocations(), warm.wallMs(), warm.cpuMs(),
        warm.deliveredBytes(), warm.deliveredEvents(), whole.failedPosts(), whole.droppedRecords(),
        bus.functionEvents());
    return new SimulationResult(since(originNanos, ApiPaths.REGISTER),
        since(originNanos, ApiPaths.SUBSCRIBE), since(originNanos, ApiPaths.NEXT),
        initMs, shutdownToExit, exitCode, played, rss, reason, recorder.violations(), recorder.warnings(),
        warm);
  }

  /** Where the warm phase starts: time, the extension's CPU time, and the delivery totals. */
  private record WarmMark(long nanos, long cpuMs, ConformanceRecorder.DeliveryTotals totals) {

    static WarmMark now(SandboxProcess process, ConformanceRecorder recorder) {
      return new WarmMark(System.nanoTime(), process == null ? -1 : process.cpuTimeMs(),
          recorder.deliveryTotals());
    }

    SimulationResult.WarmPhase until(WarmMark end, int warmUp, long functionEvents) {
      ConformanceRecorder.DeliveryTotals delta = end.totals.minus(totals);
      return new SimulationResult.WarmPhase(warmUp, (end.nanos - nanos) / NANOS_PER_MS,
          cpuMs < 0 ? -1 : end.cpuMs - cpuMs, delta.bytes(), delta.events(), delta.failedPosts(),
          delta.droppedRecords(), functionEvents);
    }
  }

  /** The Init phase; returns its duration in ms, or -1 when it failed. */
  private double init(Scenario scenario) throws InterruptedException {
    long initStartNanos = System.nanoTime();
    long deadline = initStartNanos + options.initTimeout().toNanos();
    bus.publish(events.initStart(Instant.now(), "init"));
    if (!registry.awaitRegistered(options.expectedExtensions(), deadline)) {
      recorder.violation("no register within the " + options.initTimeout().toMillis() + " ms init budget");
      return -1;
    }
    // The runtime starts once every extension registered, and initialises while they finish their own init.
    long runtimeMs = scenario.runtimeInit().toMillis();
    SimulatedTime.pass(Duration.ofMillis(runtimeMs / 2));
    bus.publish(events.functionText(Instant.now(), null, "INFO", "Loaded configuration (3 keys) from SSM"));
    SimulatedTime.pass(Duration.ofMillis(runtimeMs - runtimeMs / 2));
    bus.publish(events.initRuntimeDone(Instant.now(), "init", "success", null));
    for (RegisteredExtension extension : registry.all()) {
      boolean ready = extension.awaitNextCalls(1, deadline);
      if (extension.errorCall() != null) {
        bus.publish(events.extension(Instant.now(), extension.name(), "InitError", extension.events()));
        bus.publish(events.initReport(Instant.now(), "init", "error",
            (System.nanoTime() - initStartNanos) / NANOS_PER_MS));
        bus.flush(SHUTDOWN_FLUSH_CAP);
        return -1;
      }
      if (!ready) {
        recorder.violation(extension.name() + " did not call next within the "
            + options.initTimeout().toMillis() + " ms init budget");
        return -1;
      }
    }
    registry.closeRegistration();
    bus.closeSubscriptions();
    for (RegisteredExtension extension : registry.all()) {
      bus.publish(events.extension(Instant.now(), extension.name(), "Ready", extension.events()));
    }
    double initMs = (System.nanoTime() - initStartNanos) / NANOS_PER_MS;
    bus.publish(events.initReport(Instant.now(), "init", "success", initMs));
    return initMs;
  }

  /**
   * The sandbox is frozen (telemetry delivery paused since the report): with a freeze configured, wait for the
   * delivery in progress, SIGSTOP the process for the freeze, run the hook meanwhile, then SIGCONT it. Without one,
   * just run the hook.
   */
  private void freezeBetweenInvocations(SandboxProcess process, String requestId, int finished)
      throws InterruptedException {
    Duration freeze = options.freezeBetweenInvocations();
    if (process == null || freeze.isZero() || !process.isAlive()) {
      hooks.afterInvocation().accept(finished);
      return;
    }
    if (!bus.awaitIdle(SHUTDOWN_FLUSH_CAP)) {
      recorder.violation("listener still answering a telemetry POST " + SHUTDOWN_FLUSH_CAP.toMillis()
          + " ms after invoke " + requestId + " ended");
    }
    long suspended = System.nanoTime();
    try {
      process.suspend();
      hooks.afterInvocation().accept(finished);
      SimulatedTime.passUntil(suspended + freeze.toNanos());
    } catch (java.io.IOException e) {
      recorder.violation("could not freeze the extension process: " + e);
    } finally {
      try {
        process.resume();
      } catch (java.io.IOException e) {
        recorder.violation("could not thaw the extension process: " + e);
      }
      freezes.add(new FreezeWindow(requestId, suspended, System.nanoTime()));
    }
  }

  /** SHUTDOWN to every extension that registered for it; returns SHUTDOWN → exit in ms (-1 without a process). */
  private double shutdown(String reason, Duration lateFlush, SandboxProcess process) throws InterruptedException {
    long deadlineMs = Instant.now().toEpochMilli() + options.shutdownBudget().toMillis();
    long deadlineNanos = System.nanoTime() + options.shutdownBudget().toNanos();
    ObjectNode body = Json.object();
    body.put("eventType", "SHUTDOWN");
    body.put("deadlineMs", deadlineMs);
    body.put("shutdownReason", reason);
    shutdownFunction(deadlineNanos);
    recorder.shutdownSent();
    if (lateFlush.isZero()) {
      bus.thaw();
    }
    long shutdownNanos = System.nanoTime();
    for (RegisteredExtension extension : registry.all()) {
      if (extension.wantsShutdown() && extension.errorCall() == null) {
        extension.deliver(RegisteredExtension.Delivery.shutdown(Json.write(body)));
      }
    }
    SimulatedTime.pass(lateFlush);
    bus.flush(SHUTDOWN_FLUSH_CAP);
    if (process == null) {
      return -1;
    }
    long left = deadlineNanos - System.nanoTime();
    if (!process.awaitExit(Duration.ofNanos(Math.max(0, left)))) {
      recorder.violation("extension process still alive at the SHUTDOWN deadline: killed");
      process.kill();
      process.awaitExit(Duration.ofSeconds(5));
    }
    // onExit fires on its own thread shortly after the exit: wait for it, bounded.
    for (long until = System.nanoTime() + 1_000_000_000L; process.exitNanos() == 0 && System.nanoTime() < until; ) {
      Thread.onSpinWait();
    }
    long exited = process.exitNanos() != 0 ? process.exitNanos() : System.nanoTime();
    return (exited - shutdownNanos) / NANOS_PER_MS;
  }

  /**
   * The runtime's SIGTERM comes first: an instrumented function's SDK shuts down (exporting what it still
   * holds to the extension) before the extensions get SHUTDOWN, within the same deadline.
   */
  private void shutdownFunction(long deadlineNanos) throws InterruptedException {
    InstrumentedFunction function = hooks.function();
    if (function == null) {
      return;
    }
    Duration left = Duration.ofNanos(Math.max(1, Math.min(deadlineNanos - System.nanoTime(),
        RUNTIME_SHUTDOWN.toNanos())));
    try {
      hooks.functionCalls().add(function.shutdown(left));
    } catch (java.io.IOException | RuntimeException e) {
      hooks.functionCalls().add(FunctionCall.failed(null, e.toString()));
    }
  }

  /** After a failed Init the platform sends no SHUTDOWN: the extension must exit on its own. */
  private double awaitExitAfterFailure(SandboxProcess process) throws InterruptedException {
    if (process == null) {
      return -1;
    }
    long started = System.nanoTime();
    if (!process.awaitExit(options.shutdownBudget())) {
      recorder.violation("extension process still alive " + options.shutdownBudget().toMillis()
          + " ms after a failed Init: killed");
      process.kill();
      process.awaitExit(Duration.ofSeconds(5));
    }
    return (System.nanoTime() - started) / NANOS_PER_MS;
  }

  private static void sampleRss(SandboxProcess process, Map<String, Long> rss, String label) {
    if (process != null) {
      rss.put(label, process.rssKb());
    }
  }

  private double since(long originNanos, String path) {
    return recorder.firstCall(path).map(call -> (call.nanoTime() - originNanos) / NANOS_PER_MS).orElse(-1.0);
  }
}
