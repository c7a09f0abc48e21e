package dev.lambdatelemetry.otel.simulator;

import java.util.List;
import java.util.stream.Stream;

/**
 * What one call of the {@link InstrumentedFunction} did, as the function itself reports it: the ids of the
 * spans its SDK created (lower-case hex), and how its flush went. The tests compare these with what the
 * collector received.
 *
 * @param request the invocation, or null for the runtime's shutdown
 * @param traceId the entry span's trace id
 * @param entrySpanId the entry span's id (the shutdown span's, for a shutdown)
 * @param entryParentSpanId the entry span's parent as the function set it (the upstream span, or the X-Ray
 *     {@code Parent}), or null for a root span
 * @param childSpanIds the child spans' ids, children of the entry span
 * @param flushMs how long the SDK's flush (forceFlush of traces, logs and metrics together) took
 * @param flushError why the flush failed (an export was refused or timed out), or null
 * @param failure why the call itself failed (the function did not answer), or null; the other fields are then
 *     empty
 */
public record FunctionCall(FunctionRequest request, String traceId, String entrySpanId, String entryParentSpanId,
    List<String> childSpanIds, double flushMs, String flushError, String failure) {

  public FunctionCall {
    childSpanIds = List.copyOf(childSpanIds);
  }

  /** A call that got no answer. */
  public static FunctionCall failed(FunctionRequest request, String failure) {
    return new FunctionCall(request, null, null, null, List.of(), -1, null, failure);
  }

  /** The function answered and its SDK exported everything. */
  public boolean ok() {
    return failure == null && flushError == null;
  }

  /** Every span the function created in this call: the entry span (or shutdown span), then the children. */
  public List<String> spanIds() {
    if (entrySpanId == null) {
      return List.of();
    }
    return Stream.concat(Stream.of(entrySpanId), childSpanIds.stream()).toList();
  }
}
