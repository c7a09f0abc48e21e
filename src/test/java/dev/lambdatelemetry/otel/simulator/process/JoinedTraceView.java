package dev.lambdatelemetry.otel.simulator.process;

import dev.lambdatelemetry.otel.simulator.FunctionCall;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The local run's picture of one trace per invocation: for each invocation the instrumented function handled,
 * the trace its entry span ended up in, as a tree (platform invocation span → function entry span → its
 * children; the init span in the first one), each span with the {@code service.name} of the side that made it.
 */
final class JoinedTraceView {

  private static final HexFormat HEX = HexFormat.of();

  private JoinedTraceView() {}

  /** A span with the service that sent it. */
  private record Node(Span span, String service) {
    String id() {
      return HEX.formatHex(span.getSpanId().toByteArray());
    }

    String parent() {
      return HEX.formatHex(span.getParentSpanId().toByteArray());
    }
  }

  static String render(List<ResourceSpans> received, List<FunctionCall> calls) {
    Map<String, List<Node>> byTrace = new LinkedHashMap<>();
    for (ResourceSpans resourceSpans : received) {
      String service = attr(resourceSpans.getResource().getAttributesList(), "service.name");
      resourceSpans.getScopeSpansList().forEach(ss -> ss.getSpansList().forEach(span -> byTrace
          .computeIfAbsent(HEX.formatHex(span.getTraceId().toByteArray()), k -> new ArrayList<>())
          .add(new Node(span, service))));
    }
    StringBuilder out = new StringBuilder("\n== One trace per invocation (the function's spans joined to the"
        + " platform's)\n");
    for (FunctionCall call : calls) {
      if (call.request() == null || call.entrySpanId() == null) {
        continue;
      }
      String trace = byTrace.entrySet().stream()
          .filter(e -> e.getValue().stream().anyMatch(n -> n.id().equals(call.entrySpanId())))
          .map(Map.Entry::getKey).findFirst().orElse(null);
      out.append(String.format("request %s (%s)%n", call.request().requestId().substring(0, 8), incoming(call)));
      if (trace == null) {
        out.append("  the function's entry span did not reach the collector\n");
        continue;
      }
      List<Node> nodes = byTrace.get(trace);
      nodes.sort(Comparator.comparingLong(n -> n.span().getStartTimeUnixNano()));
      Set<String> ids = nodes.stream().map(Node::id).collect(Collectors.toSet());
      out.append("trace ").append(trace).append('\n');
      nodes.stream().filter(n -> !ids.contains(n.parent())).forEach(root -> tree(out, root, nodes, 1));
    }
    return out.toString();
  }

  private static String incoming(FunctionCall call) {
    if (call.request().traceparent() != null) {
      return "upstream traceparent";
    }
    return call.request().xrayHeader() != null ? "X-Ray traced" : "no incoming trace";
  }

  private static void tree(StringBuilder out, Node node, List<Node> trace, int depth) {
    Span span = node.span();
    out.append("  ".repeat(depth)).append(depth == 1 ? "● " : "└ ").append(span.getName())
        .append(String.format(Locale.ROOT, " [%s] %.3f ms  (%s)", kind(span),
            (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6, node.service()));
    if (!span.getParentSpanId().isEmpty() && depth == 1) {
      out.append("  parent ").append(node.parent()).append(" (remote: the caller or X-Ray)");
    }
    out.append('\n');
    trace.stream().filter(child -> child.parent().equals(node.id()))
        .forEach(child -> tree(out, child, trace, depth + 1));
  }

  private static String kind(Span span) {
    return span.getKind().name().replace("SPAN_KIND_", "").toLowerCase(Locale.ROOT);
  }

  private static String attr(List<KeyValue> attributes, String key) {
    return attributes.stream().filter(a -> a.getKey().equals(key)).findFirst()
        .map(a -> a.getValue().getStringValue()).orElse("?");
  }

  /** The function SDK's flush times (its forceFlush to the extension's endpoint), over the invocations. */
  static String flushSummary(String function, List<FunctionCall> calls) {
    double[] flushes = calls.stream().filter(c -> c.request() != null && c.failure() == null)
        .mapToDouble(FunctionCall::flushMs).sorted().toArray();
    long failed = calls.stream().filter(c -> !c.ok()).count();
    if (flushes.length == 0) {
      return String.format(Locale.ROOT, "function (%s): no flush measured, %d failed calls", function, failed);
    }
    return String.format(Locale.ROOT, "function (%s): %d flushes, p50 %.2f ms, p99 %.2f ms, %d failed", function,
        flushes.length, flushes[(int) Math.ceil(0.50 * flushes.length) - 1],
        flushes[(int) Math.ceil(0.99 * flushes.length) - 1], failed);
  }
}
