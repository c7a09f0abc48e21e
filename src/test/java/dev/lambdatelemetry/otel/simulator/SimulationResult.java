package dev.lambdatelemetry.otel.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

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
 */
public record SimulationResult(double processToRegisterMs, double processToSubscribeMs, double processToReadyMs,
        double initDurationMs, double shutdownToExitMs, int exitCode, List<InvocationMeasurement> invocations,
        Map<String, Long> rssKb, String shutdownReason, List<String> violations, List<String> warnings) {

    /** The exit code reported when no process was driven. */
    public static final int NO_PROCESS = -1;

    /**
     * One invocation's numbers.
     *
     * @param requestId  the request id
     * @param outcome    scripted outcome
     * @param addedMs    runtimeDone batch answered (or generated, when not delivered) → extension's next
     * @param durationMs the reported duration (invoke start → extension's next)
     * @param cpuMs      extension CPU time used during the invocation (-1 without a process)
     */
    public record InvocationMeasurement(String requestId, InvocationSpec.Outcome outcome, double addedMs,
            double durationMs, double cpuMs) {
    }

    /** True when the extension exited 0 (or no process was driven) and nothing violated the protocol. */
    public boolean passed() {
        return violations.isEmpty() && (exitCode == 0 || exitCode == NO_PROCESS);
    }

    /** The report written by {@code --report}. */
    public String toJson() {
        ObjectNode root = Json.object();
        root.put("processToRegisterMs", processToRegisterMs);
        root.put("processToSubscribeMs", processToSubscribeMs);
        root.put("processToReadyMs", processToReadyMs);
        root.put("initDurationMs", initDurationMs);
        root.put("shutdownToExitMs", shutdownToExitMs);
        root.put("exitCode", exitCode);
        root.put("shutdownReason", shutdownReason);
        ArrayNode list = root.putArray("invocations");
        for (InvocationMeasurement invocation : invocations) {
            ObjectNode node = list.addObject();
            node.put("requestId", invocation.requestId());
            node.put("outcome", invocation.outcome().name());
            node.put("addedMs", invocation.addedMs());
            node.put("durationMs", invocation.durationMs());
            node.put("cpuMs", invocation.cpuMs());
        }
        ObjectNode rss = root.putObject("rssKb");
        rssKb.forEach(rss::put);
        violations.forEach(root.putArray("violations")::add);
        warnings.forEach(root.putArray("warnings")::add);
        return Json.write(root);
    }
}
