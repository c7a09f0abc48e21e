package dev.lambdatelemetry.otel.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntConsumer;

/**
 * Plays a {@link Scenario} the way the platform would: Init (extensions register, the runtime initialises,
 * every extension calls next), invocations that end only when each INVOKE-registered extension calls next,
 * the sandbox freezing between them (so {@code platform.report} of N leaves with N+1 or at SHUTDOWN), then
 * SHUTDOWN with a deadline after which a live process is killed.
 */
final class ScenarioRunner {

  private static final double NANOS_PER_MS = 1_000_000.0;
  private static final Duration SHUTDOWN_FLUSH_CAP = Duration.ofSeconds(1);
  private static final int BASE_MEMORY_USED_MB = 67;
  /** A benchmark samples the extension's RSS after every this many invocations (a leak shows as a slope). */
  static final int RSS_SAMPLE_EVERY = 1000;

  private final SimulatorOptions options;
  private final ExtensionRegistry registry;
  private final ConformanceRecorder recorder;
  private final TelemetryBus bus;
  private final PlatformEvents events;
  private final Map<String, Long> runtimeDoneAnswered;
  private final IntConsumer afterInvocation;
  private final Runnable afterReady;
  private final List<FreezeWindow> freezes;

  ScenarioRunner(SimulatorOptions options, ExtensionRegistry registry, ConformanceRecorder recorder,
      TelemetryBus bus, Map<String, Long> runtimeDoneAnswered, IntConsumer afterInvocation, Runnable afterReady,
      List<FreezeWindow> freezes) {
    this.options = options;
    this.registry = registry;
    this.recorder = recorder;
    this.bus = bus;
    this.events = new PlatformEvents(options);
    this.runtimeDoneAnswered = runtimeDoneAnswered;
    this.afterInvocation = afterInvocation;
    this.afterReady = afterReady;
    this.freezes = freezes;
  }

  SimulationResult run(Scenario scenario, ExtensionProcess process, long originNanos) throws InterruptedException {
    List<SimulationResult.InvocationMeasurement> invocations = new ArrayList<>();
    Map<String, Long> rss = new LinkedHashMap<>();
    double initMs = init(scenario);
    boolean initialised = initMs >= 0;
    sampleRss(process, rss, SimulationResult.RSS_READY);
    if (initialised) {
      afterReady.run();
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
      concurrentInvocations(scenario);
    } else if (initialised) {
      WarmMark mark = warmUp == 0 ? WarmMark.now(process, recorder) : null;
      for (int i = 0; i < scenario.invocations().size(); i++) {
        SimulationResult.InvocationMeasurement measured =
            invoke(scenario, scenario.invocations().get(i), i == 0 ? initMs : null, process);
        if (measured == null) {
          break;
        }
        invocations.add(measured);
        if (invocations.size() == warmUp) {
          mark = WarmMark.now(process, recorder);
        }
        if (scenario.benchmark() && invocations.size() % RSS_SAMPLE_EVERY == 0) {
          sampleRss(process, rss, SimulationResult.rssAfter(invocations.size()));
        }
        freezeBetweenInvocations(process, measured.requestId(), invocations.size());
      }
      if (mark != null && invocations.size() > warmUp) {
        warm = mark.until(WarmMark.now(process, recorder), warmUp, bus.functionEvents());
      }
    }
    sampleRss(process, rss, SimulationResult.rssAfter(invocations.size()));
    String reason = scenario.effectiveShutdownReason(options);
    double shutdownToExit =
        initialised ? shutdown(reason, scenario.lateShutdownFlush(), process) : awaitExitAfterFailure(process);
    int exitCode = process == null ? SimulationResult.NO_PROCESS
        : (int) process.exitCode().orElse(SimulationResult.NO_PROCESS);
    ConformanceRecorder.DeliveryTotals whole = recorder.deliveryTotals();
    warm = new SimulationResult.WarmPhase(warm.warmUpInvocations(), warm.wallMs(), warm.cpuMs(),
        warm.deliveredBytes(), warm.deliveredEvents(), whole.failedPosts(), whole.droppedRecords(),
        bus.functionEvents());
    return new SimulationResult(since(originNanos, ExtensionsApiHandler.REGISTER),
        since(originNanos, TelemetryApiHandler.PATH), since(originNanos, ExtensionsApiHandler.NEXT),
        initMs, shutdownToExit, exitCode, invocations, rss, reason, recorder.violations(), recorder.warnings(),
        warm);
  }

  /** Where the warm phase starts: time, the extension's CPU time, and the delivery totals. */
  private record WarmMark(long nanos, long cpuMs, ConformanceRecorder.DeliveryTotals totals) {

    static WarmMark now(ExtensionProcess process, ConformanceRecorder recorder) {
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
        bus.publish(events.extension(Instant.now(), extension.name, "InitError", extension.events));
        bus.publish(events.initReport(Instant.now(), "init", "error",
            (System.nanoTime() - initStartNanos) / NANOS_PER_MS));
        bus.flush(SHUTDOWN_FLUSH_CAP);
        return -1;
      }
      if (!ready) {
        recorder.violation(extension.name + " did not call next within the "
            + options.initTimeout().toMillis() + " ms init budget");
        return -1;
      }
    }
    registry.closeRegistration();
    bus.closeSubscriptions();
    for (RegisteredExtension extension : registry.all()) {
      bus.publish(events.extension(Instant.now(), extension.name, "Ready", extension.events));
    }
    double initMs = (System.nanoTime() - initStartNanos) / NANOS_PER_MS;
    bus.publish(events.initReport(Instant.now(), "init", "success", initMs));
    return initMs;
  }

  /** One on-demand invocation; null when the environment broke (an extension errored or missed its deadline). */
  private SimulationResult.InvocationMeasurement invoke(Scenario scenario, InvocationSpec spec, Double initMs,
      ExtensionProcess process) throws InterruptedException {
    String requestId = UUID.randomUUID().toString();
    Instant start = Instant.now();
    long startNanos = System.nanoTime();
    long cpuBefore = process == null ? -1 : process.cpuTimeMs();
    long deadlineMs = start.toEpochMilli() + scenario.functionTimeout().toMillis();
    long deadlineNanos = startNanos + scenario.functionTimeout().toNanos();
    PlatformEvents.Tracing tracing = spec.sampled() ? PlatformEvents.Tracing.random(start) : null;
    // start is generated as the sandbox thaws, so it leaves in one batch with the previous report.
    bus.publish(events.start(start, requestId, tracing));
    bus.thaw();
    Map<RegisteredExtension, Integer> awaited = new LinkedHashMap<>();
    for (RegisteredExtension extension : registry.all()) {
      if (extension.wantsInvoke() && extension.errorCall() == null) {
        awaited.put(extension, extension.nextCalls() + 1);
        extension.deliveries.add(new RegisteredExtension.Delivery(
            invokeBody(deadlineMs, requestId, tracing), true, UUID.randomUUID().toString()));
      }
    }
    Instant runtimeDoneTime = runHandler(spec, requestId, start, tracing, deadlineNanos);
    if (scenario.benchmark()) {
      // The platform's buffering timer (timeoutMs, 25 ms at least) is not the extension's time; waiting for
      // it 20 000 times would take 8 minutes a run.
      bus.expedite();
    }
    long runtimeDoneNanos = System.nanoTime();
    long waitDeadline = spec.outcome() == InvocationSpec.Outcome.TIMEOUT
        ? runtimeDoneNanos + SHUTDOWN_FLUSH_CAP.toNanos() : deadlineNanos;
    long lastNext = runtimeDoneNanos;
    for (Map.Entry<RegisteredExtension, Integer> entry : awaited.entrySet()) {
      RegisteredExtension extension = entry.getKey();
      if (!extension.awaitNextCalls(entry.getValue(), waitDeadline)) {
        recorder.violation(extension.errorCall() != null
            ? extension.name + " reported " + extension.errorCall() + " during invoke " + requestId
            : extension.name + " did not call next before the deadline of invoke " + requestId);
        return null;
      }
      lastNext = Math.max(lastNext, extension.lastNextNanos());
    }
    long endNanos = lastNext;
    Long answered = runtimeDoneAnswered.get(requestId);
    double addedMs = Math.max(0.0, (endNanos - (answered != null ? answered : runtimeDoneNanos)) / NANOS_PER_MS);
    double durationMs = (endNanos - startNanos) / NANOS_PER_MS;
    double overheadMs = Math.max(0.0, (endNanos - runtimeDoneNanos) / NANOS_PER_MS);
    String status = status(spec);
    // The report is generated after every extension called next, i.e. as the sandbox freezes.
    bus.freeze();
    bus.publish(events.report(Instant.now(), requestId, status, errorType(spec), tracing, durationMs, initMs,
        BASE_MEMORY_USED_MB + (int) (durationMs % 5),
        new PlatformEvents.Span("extensionOverhead", runtimeDoneTime, overheadMs)));
    double cpuMs = process == null ? -1 : process.cpuTimeMs() - cpuBefore;
    return new SimulationResult.InvocationMeasurement(requestId, spec.outcome(), addedMs, durationMs, cpuMs);
  }

  /**
   * The sandbox is frozen (telemetry delivery paused since the report): with a freeze configured, wait for the
   * delivery in progress, SIGSTOP the process for the freeze, run the hook meanwhile, then SIGCONT it. Without one,
   * just run the hook.
   */
  private void freezeBetweenInvocations(ExtensionProcess process, String requestId, int finished)
      throws InterruptedException {
    Duration freeze = options.freezeBetweenInvocations();
    if (process == null || freeze.isZero() || !process.isAlive()) {
      afterInvocation.accept(finished);
      return;
    }
    if (!bus.awaitIdle(SHUTDOWN_FLUSH_CAP)) {
      recorder.violation("listener still answering a telemetry POST " + SHUTDOWN_FLUSH_CAP.toMillis()
          + " ms after invoke " + requestId + " ended");
    }
    long suspended = System.nanoTime();
    try {
      process.suspend();
      afterInvocation.accept(finished);
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

  /** The simulated function: logs, then runtimeDone; returns the runtimeDone time. */
  private Instant runHandler(InvocationSpec spec, String requestId, Instant start, PlatformEvents.Tracing tracing,
      long deadlineNanos) throws InterruptedException {
    long handlerStart = System.nanoTime();
    int lines = spec.logLines();
    long pauseMs = lines == 0 ? 0 : spec.runtimeDuration().toMillis() / (lines + 1);
    for (int line = 0; line < lines; line++) {
      if (pauseMs > 0 && lines < 50) {
        SimulatedTime.pass(Duration.ofMillis(pauseMs));
      }
      bus.publish(functionLog(spec, requestId, line));
    }
    if (spec.outcome() == InvocationSpec.Outcome.ERROR) {
      bus.publish(errorLog(spec, requestId));
    }
    if (spec.outcome() == InvocationSpec.Outcome.TIMEOUT) {
      SimulatedTime.passUntil(deadlineNanos);
      Instant now = Instant.now();
      bus.publish(events.runtimeDone(now, requestId, "timeout", null, tracing, List.of(),
          (System.nanoTime() - handlerStart) / NANOS_PER_MS, 0));
      return now;
    }
    SimulatedTime.passUntil(handlerStart + spec.runtimeDuration().toNanos());
    double totalMs = (System.nanoTime() - handlerStart) / NANOS_PER_MS;
    double latency = totalMs * 0.8;
    double responseDuration = 0.056;
    Instant responded = start.plusNanos((long) (latency * NANOS_PER_MS));
    Instant now = Instant.now();
    bus.publish(events.runtimeDone(now, requestId, status(spec), errorType(spec), tracing, List.of(
        new PlatformEvents.Span("responseLatency", start, latency),
        new PlatformEvents.Span("responseDuration", responded, responseDuration),
        new PlatformEvents.Span("runtimeOverhead", responded, Math.max(0.0, totalMs - latency - responseDuration))),
        totalMs, 40));
    return now;
  }

  /** Managed Instances: pairs of overlapping requests, no INVOKE events, no runtimeDone, reports with spans. */
  private void concurrentInvocations(Scenario scenario) throws InterruptedException {
    List<InvocationSpec> specs = scenario.invocations();
    for (int i = 0; i < specs.size(); i += 2) {
      List<InvocationSpec> pair = specs.subList(i, Math.min(i + 2, specs.size()));
      List<String> ids = new ArrayList<>();
      List<Instant> starts = new ArrayList<>();
      List<PlatformEvents.Tracing> tracings = new ArrayList<>();
      for (InvocationSpec spec : pair) {
        String requestId = UUID.randomUUID().toString();
        Instant start = Instant.now();
        PlatformEvents.Tracing tracing = spec.sampled() ? PlatformEvents.Tracing.random(start) : null;
        ids.add(requestId);
        starts.add(start);
        tracings.add(tracing);
        bus.publish(events.start(start, requestId, tracing));
        SimulatedTime.pass(Duration.ofMillis(2));
      }
      for (int k = 0; k < pair.size(); k++) {
        bus.publish(functionLog(pair.get(k), ids.get(k), 0));
      }
      SimulatedTime.pass(pair.get(0).runtimeDuration());
      for (int k = 0; k < pair.size(); k++) {
        Instant now = Instant.now();
        double durationMs = (now.toEpochMilli() - starts.get(k).toEpochMilli()) + 0.417;
        double latency = durationMs * 0.9;
        bus.publish(events.managedReport(now, ids.get(k), status(pair.get(k)), errorType(pair.get(k)),
            tracings.get(k), durationMs, List.of(
                new PlatformEvents.Span("responseLatency", starts.get(k), latency),
                new PlatformEvents.Span("responseDuration",
                    starts.get(k).plusNanos((long) (latency * NANOS_PER_MS)), 0.081))));
      }
    }
  }

  /** SHUTDOWN to every extension that registered for it; returns SHUTDOWN → exit in ms (-1 without a process). */
  private double shutdown(String reason, Duration lateFlush, ExtensionProcess process) throws InterruptedException {
    long deadlineMs = Instant.now().toEpochMilli() + options.shutdownBudget().toMillis();
    long deadlineNanos = System.nanoTime() + options.shutdownBudget().toNanos();
    ObjectNode body = Json.object();
    body.put("eventType", "SHUTDOWN");
    body.put("deadlineMs", deadlineMs);
    body.put("shutdownReason", reason);
    recorder.shutdownSent();
    if (lateFlush.isZero()) {
      bus.thaw();
    }
    long shutdownNanos = System.nanoTime();
    for (RegisteredExtension extension : registry.all()) {
      if (extension.wantsShutdown() && extension.errorCall() == null) {
        extension.deliveries.add(new RegisteredExtension.Delivery(Json.write(body), false, null));
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

  /** After a failed Init the platform sends no SHUTDOWN: the extension must exit on its own. */
  private double awaitExitAfterFailure(ExtensionProcess process) throws InterruptedException {
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

  private PlatformEvents.Event functionLog(InvocationSpec spec, String requestId, int line) {
    String message = line == 0 ? "Processing order " + (40 + line) + " for customer c-1001"
        : "step " + line + " " + "x".repeat(Math.max(0, spec.logLineBytes() - 8));
    Instant now = Instant.now();
    if (spec.logFormat() == InvocationSpec.LogFormat.JSON) {
      if (line == 1) {
        ObjectNode structured = Json.object();
        structured.put("event", "slow_dependency");
        structured.put("dependency", "inventory");
        structured.put("latencyMs", 812);
        return events.functionJson(now, requestId, "WARN", structured);
      }
      return events.functionJson(now, requestId, "INFO", Json.MAPPER.getNodeFactory().textNode(message));
    }
    return events.functionText(now, requestId, line == 1 ? "WARN" : "INFO", message);
  }

  private PlatformEvents.Event errorLog(InvocationSpec spec, String requestId) {
    String error = "{\"errorType\":\"TypeError\",\"errorMessage\":\"Cannot read properties of undefined "
        + "(reading 'id')\",\"stack\":[\"TypeError: Cannot read properties of undefined (reading 'id')\","
        + "\"    at Runtime.handler (file:///var/task/index.mjs:12:30)\"]}";
    return events.functionText(Instant.now(), requestId, "ERROR", "Invoke Error \t" + error);
  }

  private String invokeBody(long deadlineMs, String requestId, PlatformEvents.Tracing tracing) {
    ObjectNode body = Json.object();
    body.put("eventType", "INVOKE");
    body.put("deadlineMs", deadlineMs);
    body.put("requestId", requestId);
    body.put("invokedFunctionArn", options.functionArn());
    if (tracing != null) {
      body.set("tracing", tracing.node(false));
    }
    return Json.write(body);
  }

  private static String status(InvocationSpec spec) {
    return switch (spec.outcome()) {
      case SUCCESS -> "success";
      case ERROR -> "error";
      case TIMEOUT -> "timeout";
    };
  }

  /** Handled errors are normalised to Runtime.Unknown by RAPID (contract §5.14). */
  private String errorType(InvocationSpec spec) {
    return switch (spec.outcome()) {
      case SUCCESS -> null;
      case ERROR -> "Runtime.Unknown";
      case TIMEOUT -> options.mode() == SimulatorMode.MANAGED_INSTANCES ? "Sandbox.Timedout" : null;
    };
  }

  private static void sampleRss(ExtensionProcess process, Map<String, Long> rss, String label) {
    if (process != null) {
      rss.put(label, process.rssKb());
    }
  }

  private double since(long originNanos, String path) {
    return recorder.firstCall(path).map(call -> (call.nanoTime() - originNanos) / NANOS_PER_MS).orElse(-1.0);
  }
}
