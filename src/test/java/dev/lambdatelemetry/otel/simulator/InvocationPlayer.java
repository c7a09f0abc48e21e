package dev.lambdatelemetry.otel.simulator;

import static dev.lambdatelemetry.otel.simulator.ScenarioRunner.NANOS_PER_MS;
import static dev.lambdatelemetry.otel.simulator.ScenarioRunner.SHUTDOWN_FLUSH_CAP;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.ConformanceRecorder;
import dev.lambdatelemetry.otel.simulator.platform.ExtensionRegistry;
import dev.lambdatelemetry.otel.simulator.platform.Json;
import dev.lambdatelemetry.otel.simulator.platform.PlatformEvents;
import dev.lambdatelemetry.otel.simulator.platform.PlatformServer;
import dev.lambdatelemetry.otel.simulator.platform.RegisteredExtension;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorMode;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.platform.TelemetryBus;
import dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.simulator.scenario.SimulatedTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Plays one invocation the way the platform would. On demand: {@code platform.start} as the sandbox thaws, INVOKE
 * to every extension that registered for it, the simulated handler's logs and {@code platform.runtimeDone}, the
 * wait for each extension's next (the invocation ends only then), and the report as the sandbox freezes. On
 * Managed Instances: overlapping pairs of requests, no INVOKE, no runtimeDone, reports with response spans.
 */
final class InvocationPlayer {

  private static final int BASE_MEMORY_USED_MB = 67;

  private final PlatformServer platform;
  private final SimulatorOptions options;
  private final ExtensionRegistry registry;
  private final ConformanceRecorder recorder;
  private final TelemetryBus bus;
  private final PlatformEvents events;
  private final InstrumentedFunction function;
  private final List<FunctionCall> functionCalls;

  /**
   * @param function the instrumented function the handler calls, or null for a function without an SDK
   * @param functionCalls where each call of {@code function} is recorded
   */
  InvocationPlayer(PlatformServer platform, PlatformEvents events, InstrumentedFunction function,
      List<FunctionCall> functionCalls) {
    this.platform = platform;
    this.function = function;
    this.functionCalls = functionCalls;
    this.options = platform.options();
    this.registry = platform.registry();
    this.recorder = platform.recorder();
    this.bus = platform.bus();
    this.events = events;
  }

  /** One on-demand invocation; null when the environment broke (an extension errored or missed its deadline). */
  SimulationResult.InvocationMeasurement invoke(Scenario scenario, InvocationSpec spec, Double initMs,
      SandboxProcess process) throws InterruptedException {
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
        extension.deliver(RegisteredExtension.Delivery.invoke(invokeBody(deadlineMs, requestId, tracing),
            UUID.randomUUID().toString()));
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
            ? extension.name() + " reported " + extension.errorCall() + " during invoke " + requestId
            : extension.name() + " did not call next before the deadline of invoke " + requestId);
        return null;
      }
      lastNext = Math.max(lastNext, extension.lastNextNanos());
    }
    long endNanos = lastNext;
    long answered = platform.runtimeDoneAnswered(requestId).orElse(runtimeDoneNanos);
    double addedMs = Math.max(0.0, (endNanos - answered) / NANOS_PER_MS);
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
   * The simulated function: logs, the instrumented function's handler (its SDK flushes before it returns, so
   * its telemetry reaches the extension before runtimeDone; a function that times out never gets there), then
   * runtimeDone; returns the runtimeDone time.
   */
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
    if (function != null && spec.outcome() != InvocationSpec.Outcome.TIMEOUT) {
      callFunction(spec, requestId, tracing, deadlineNanos);
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

  private void callFunction(InvocationSpec spec, String requestId, PlatformEvents.Tracing tracing,
      long deadlineNanos) throws InterruptedException {
    FunctionRequest request = new FunctionRequest(requestId, tracing == null ? null : tracing.header(),
        spec.upstreamTrace() ? upstreamTraceparent() : null, spec.functionSpans(),
        spec.outcome() == InvocationSpec.Outcome.ERROR);
    Duration left = Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
    try {
      functionCalls.add(function.invoke(request, left));
    } catch (java.io.IOException | RuntimeException e) {
      // The function's failure is the test's to judge (FunctionCall#ok), not a violation of the extension.
      functionCalls.add(FunctionCall.failed(request, e.toString()));
    }
  }

  /** A sampled W3C traceparent of an upstream caller: a new trace, the caller's span as parent. */
  private static String upstreamTraceparent() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    java.util.HexFormat hex = java.util.HexFormat.of();
    byte[] trace = new byte[16];
    byte[] span = new byte[8];
    random.nextBytes(trace);
    random.nextBytes(span);
    trace[0] |= 1;
    span[0] |= 1;
    return "00-" + hex.formatHex(trace) + "-" + hex.formatHex(span) + "-01";
  }

  /** Managed Instances: pairs of overlapping requests, no INVOKE events, no runtimeDone, reports with spans. */
  void playConcurrently(Scenario scenario) throws InterruptedException {
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
      return events.functionJson(now, requestId, "INFO", Json.text(message));
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

  /** Handled errors are normalised to Runtime.Unknown by RAPID. */
  private String errorType(InvocationSpec spec) {
    return switch (spec.outcome()) {
      case SUCCESS -> null;
      case ERROR -> "Runtime.Unknown";
      case TIMEOUT -> options.mode() == SimulatorMode.MANAGED_INSTANCES ? "Sandbox.Timedout" : null;
    };
  }
}
