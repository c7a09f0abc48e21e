package dev.lambdatelemetry.otel.translate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The function's spans as a test sets them up: received (in order), some already exported; records
 * every question the converter asks, and answers like the contract says.
 */
final class FakeFunctionTraces implements FunctionTraces {

  record Lookup(String requestId, String platformTraceId) {}

  record Reparent(FunctionSpan entry, String parentSpanId) {}

  record Link(FunctionSpan entry, String traceId, String spanId) {}

  final List<Lookup> lookups = new ArrayList<>();
  final List<Reparent> reparents = new ArrayList<>();
  final List<Link> links = new ArrayList<>();
  private final List<FunctionSpan> received = new ArrayList<>();
  private final Set<FunctionSpan> exported = new HashSet<>();

  FakeFunctionTraces receive(FunctionSpan... spans) {
    received.addAll(List.of(spans));
    return this;
  }

  /** The span left with an export round: no longer found, no longer editable. */
  FakeFunctionTraces export(FunctionSpan span) {
    exported.add(span);
    return this;
  }

  /** Every call made, in any order of kind: a test that expects none checks this. */
  int calls() {
    return lookups.size() + reparents.size() + links.size();
  }

  @Override
  public Optional<FunctionSpan> entrySpan(String requestId, String platformTraceId) {
    lookups.add(new Lookup(requestId, platformTraceId));
    Optional<FunctionSpan> named = pending().stream()
        .filter(s -> requestId.equals(s.requestId()))
        .findFirst();
    if (named.isPresent() || platformTraceId == null) {
      return named;
    }
    // Received order stands for start order here: the first of the trace whose parent is outside.
    return pending().stream()
        .filter(s -> s.traceId().equals(platformTraceId))
        .filter(s -> received.stream().noneMatch(p -> p.spanId().equals(s.parentSpanId())))
        .findFirst();
  }

  @Override
  public boolean reparent(FunctionSpan entry, String parentSpanId) {
    reparents.add(new Reparent(entry, parentSpanId));
    return !exported.contains(entry);
  }

  @Override
  public boolean link(FunctionSpan entry, String traceId, String spanId) {
    links.add(new Link(entry, traceId, spanId));
    return !exported.contains(entry);
  }

  private List<FunctionSpan> pending() {
    return received.stream().filter(s -> !exported.contains(s)).toList();
  }
}
