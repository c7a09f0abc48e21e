package dev.lambdatelemetry.otel.simulator.measure;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdatelemetry.otel.simulator.platform.Json;
import dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What one scenario run measured. Times are milliseconds; {@code -1} means "did not happen".
 *
 * @param processToRegisterMs  process start (or simulator start) → first register
 * @param processToSubscribeMs process start → first subscribe
 * @param processToReadyMs     process start → first next (the extension is ready)
 * @param initDurationMs       the simulated Init phase as reported in platform.initReport
 * @param shutdownToExitMs     SHUTDOWN delivered → process exit (-1 without a process)
 * @param exitCode             the process's exit code, {@value #NO_PROCESS} without a process, 137 when killed
 * @param invocations          one entry per invocation
 * @param rssKb                RSS samples by label ({@code ready}, {@code after-N-invocations})
 * @param shutdownReason       the reason SHUTDOWN carried
 * @param violations           protocol violations, human-readable
 * @param warnings             conformance warnings
 * @param warm                 totals over the warm invocations (those after the warm-up)
 */
public record SimulationResult(double processToRegisterMs, double processToSubscribeMs, double processToReadyMs,
    double initDurationMs, double shutdownToExitMs, int exitCode, List<InvocationMeasurement> invocations,
    Map<String, Long> rssKb, String shutdownReason, List<String> violations, List<String> warnings,
    WarmPhase warm) {

  /** The exit code reported when no process was driven. */
  public static final int NO_PROCESS = -1;

  /** Label of the RSS sample taken once the extension is ready. */
  public static final String RSS_READY = "ready";

  private static final double BYTES_PER_MB = 1_000_000.0;
  private static final double MS_PER_SECOND = 1000.0;

  /** The label of the RSS sample taken after {@code n} invocations. */
  public static String rssAfter(int n) {
    return "after-" + n + "-invocations";
  }

  /**
   * One invocation's numbers.
   *
   * @param requestId  the request id
   * @param outcome    scripted outcome
   * @param addedMs    runtimeDone batch answered (or generated, when not delivered) → extension's next
   * @param durationMs the reported duration (invoke start → extension's next)
   * @param cpuMs      extension CPU time used during the invocation (-1 without a process; 10 ms ticks)
   */
  public record InvocationMeasurement(String requestId, InvocationSpec.Outcome outcome, double addedMs,
      double durationMs, double cpuMs) {
  }

  /**
   * Totals between the end of the warm-up and the end of the last invocation: the steady state.
   *
   * @param warmUpInvocations invocations left out of the warm figures (the first ones: class loading, JIT)
   * @param wallMs            end of the warm-up (or the first INVOKE when there is none) → the last next
   * @param cpuMs             extension CPU time (user + system, all threads) over that window, -1 without a process
   * @param deliveredBytes    telemetry body bytes the listener accepted in that window
   * @param deliveredEvents   events in those batches
   * @param failedPosts       POSTs the listener failed or answered non-2xx, over the whole run
   * @param droppedRecords    events the platform reported in {@code platform.logsDropped}, over the whole run
   * @param functionEvents    function log events the platform generated, over the whole run
   */
  public record WarmPhase(int warmUpInvocations, double wallMs, double cpuMs, long deliveredBytes,
      long deliveredEvents, long failedPosts, long droppedRecords, long functionEvents) {

    /** No invocation ran. */
    public static final WarmPhase NONE = new WarmPhase(0, -1, -1, 0, 0, 0, 0, 0);
  }

  /** How many of {@code n} invocations count as warm-up: a tenth, at most 1 000. */
  public static int warmUpFor(int n) {
    return Math.min(1000, n / 10);
  }

  /** True when the extension exited 0 (or no process was driven) and nothing violated the protocol. */
  public boolean passed() {
    return violations.isEmpty() && (exitCode == 0 || exitCode == NO_PROCESS);
  }

  /** Added time (runtimeDone delivered → next) of the warm invocations at percentile {@code p}, -1 if none. */
  public double addedMsPercentile(double p) {
    double[] sorted = invocations.stream().skip(warm.warmUpInvocations())
        .mapToDouble(InvocationMeasurement::addedMs).sorted().toArray();
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1; // nearest rank
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  /**
   * Added time of invocations {@code from} (inclusive) to {@code to} (exclusive, clipped to the run) at
   * percentile {@code p}, -1 if none: the first invocations (which flush at their end under the adaptive
   * strategy) apart from the ones after.
   */
  public double addedMsPercentile(double p, int from, int to) {
    double[] sorted = invocations.stream().skip(from).limit(Math.max(0, to - from))
        .mapToDouble(InvocationMeasurement::addedMs).sorted().toArray();
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1; // nearest rank
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  /** Invocations whose added time the report gives apart ({@code addedMsFirst20P50} ...). */
  public static final int FIRST_INVOCATIONS = 20;

  /**
   * What the benchmark's collector saw.
   *
   * @param answerDelayMs  its delay before each answer
   * @param spans          spans received, duplicates included
   * @param duplicateSpans spans whose id it had already received
   * @param maxSpanWaitMs  the longest a span waited: its end to its arrival at the collector (-1: none)
   * @param maxLogWaitMs   the longest a function log record waited: its timestamp to its arrival (-1: none)
   * @param logsAbandoned  log records the extension counted abandoned (sent, fate unknown), as it last exported
   * @param logsDropped    log records the extension counted dropped, as it last exported
   */
  public record CollectorFigures(double answerDelayMs, long spans, long duplicateSpans, double maxSpanWaitMs,
      double maxLogWaitMs, long logsAbandoned, long logsDropped) {
  }

  /** Extension CPU time per warm invocation, -1 without a process or warm invocations. */
  public double cpuMsPerInvocation() {
    int warmCount = invocations.size() - warm.warmUpInvocations();
    return warm.cpuMs() < 0 || warmCount <= 0 ? -1 : warm.cpuMs() / warmCount;
  }

  /** Telemetry accepted by the listener per second of the warm phase, in MB (10^6 bytes); -1 if none. */
  public double ingestMBps() {
    return warm.wallMs() <= 0 ? -1 : warm.deliveredBytes() / BYTES_PER_MB / (warm.wallMs() / MS_PER_SECOND);
  }

  /** Events accepted by the listener per second of the warm phase; -1 if none. */
  public double ingestEventsPerSec() {
    return warm.wallMs() <= 0 ? -1 : warm.deliveredEvents() / (warm.wallMs() / MS_PER_SECOND);
  }

  /** The report written by {@code --report}, without collector figures. */
  public String toJson() {
    return toJson(OptionalLong.empty());
  }

  /**
   * The report written by {@code --report}; the key names are the ones {@code deploy/benchmark.sh} documents.
   *
   * @param functionLogsExported function log records the collector received, when a collector was run: every
   *                             function log event the platform generated must arrive, the shortfall counts
   *                             as dropped
   */
  public String toJson(OptionalLong functionLogsExported) {
    return toJson(functionLogsExported, null);
  }

  /** {@link #toJson(OptionalLong)}, with what the benchmark's collector measured when there was one. */
  public String toJson(OptionalLong functionLogsExported, CollectorFigures collector) {
    ObjectNode root = Json.object();
    root.put("registerMs", processToRegisterMs);
    root.put("subscribeMs", processToSubscribeMs);
    root.put("readyMs", processToReadyMs);
    root.put("initDurationMs", initDurationMs);
    root.put("shutdownToExitMs", shutdownToExitMs);
    root.put("exitCode", exitCode);
    root.put("shutdownReason", shutdownReason);
    root.put("invocationCount", invocations.size());
    root.put("warmUpInvocations", warm.warmUpInvocations());
    putKb(root, "rssKbAfterStart", rssKb.get(RSS_READY));
    putKb(root, "rssKbAfter10k", rssKb.get(rssAfter(10_000)));
    putKb(root, "rssKbAfter20k", rssKb.get(rssAfter(20_000)));
    putNonNegative(root, "cpuMsPerInvocation", cpuMsPerInvocation());
    putNonNegative(root, "addedMsP50", addedMsPercentile(50));
    putNonNegative(root, "addedMsP99", addedMsPercentile(99));
    putNonNegative(root, "addedMsFirst20P50", addedMsPercentile(50, 0, FIRST_INVOCATIONS));
    putNonNegative(root, "addedMsFirst20P99", addedMsPercentile(99, 0, FIRST_INVOCATIONS));
    putNonNegative(root, "addedMsAfter20P50", addedMsPercentile(50, FIRST_INVOCATIONS, Integer.MAX_VALUE));
    putNonNegative(root, "addedMsAfter20P99", addedMsPercentile(99, FIRST_INVOCATIONS, Integer.MAX_VALUE));
    if (collector != null) {
      root.put("collectorDelayMs", collector.answerDelayMs());
      root.put("spansExported", collector.spans());
      root.put("duplicateSpans", collector.duplicateSpans());
      putNonNegative(root, "maxSpanWaitMs", collector.maxSpanWaitMs());
      putNonNegative(root, "maxLogWaitMs", collector.maxLogWaitMs());
      root.put("logsAbandonedCounted", collector.logsAbandoned());
      root.put("logsDroppedCounted", collector.logsDropped());
    }
    putNonNegative(root, "ingestMBps", ingestMBps());
    putNonNegative(root, "ingestEventsPerSec", ingestEventsPerSec());
    long shortfall = functionLogsExported.isPresent()
        ? Math.max(0, warm.functionEvents() - functionLogsExported.getAsLong()) : 0;
    root.put("droppedEvents", warm.droppedRecords() + shortfall);
    ObjectNode details = root.putObject("warmPhase");
    details.put("wallMs", warm.wallMs());
    details.put("cpuMs", warm.cpuMs());
    details.put("deliveredBytes", warm.deliveredBytes());
    details.put("deliveredEvents", warm.deliveredEvents());
    details.put("failedPosts", warm.failedPosts());
    details.put("logsDroppedRecords", warm.droppedRecords());
    details.put("functionEventsGenerated", warm.functionEvents());
    functionLogsExported.ifPresent(exported -> details.put("functionLogsExported", exported));
    ObjectNode rss = root.putObject("rssKb");
    rssKb.forEach(rss::put);
    ArrayNode list = root.putArray("invocations");
    for (InvocationMeasurement invocation : invocations) {
      ObjectNode node = list.addObject();
      node.put("requestId", invocation.requestId());
      node.put("outcome", invocation.outcome().name());
      node.put("addedMs", invocation.addedMs());
      node.put("durationMs", invocation.durationMs());
      node.put("cpuMs", invocation.cpuMs());
    }
    violations.forEach(root.putArray("violations")::add);
    warnings.forEach(root.putArray("warnings")::add);
    return Json.write(root);
  }

  /** A key with no measurement is left out: the benchmark script shows it as n/a. */
  private static void putNonNegative(ObjectNode root, String key, double value) {
    if (value >= 0) {
      root.put(key, value);
    }
  }

  private static void putKb(ObjectNode root, String key, Long value) {
    if (value != null && value > 0) {
      root.put(key, value);
    }
  }

  @Override
  public String toString() {
    return "SimulationResult" + Arrays.asList(processToRegisterMs, processToReadyMs, shutdownToExitMs, exitCode,
        invocations.size(), rssKb, violations);
  }
}
