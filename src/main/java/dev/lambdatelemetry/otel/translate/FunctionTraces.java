package dev.lambdatelemetry.otel.translate;

import java.util.Optional;

/**
 * The function's own spans as received on the local OTLP endpoint, seen from the platform side: what
 * the join of one trace per invocation asks of them. Implemented next to the endpoint (it indexes the
 * spans as they arrive, and applies the edits asked for here to their bytes when they are exported);
 * {@link #NONE} when the endpoint is off or the join is {@code off}.
 *
 * <p>Thread-safe: spans arrive on the endpoint's thread, the join asks on the converter's, the edits
 * are applied on the exporting thread.
 */
public interface FunctionTraces {

  /** Nothing received, nothing to join. */
  FunctionTraces NONE = new FunctionTraces() {
    @Override
    public Optional<FunctionSpan> entrySpan(String requestId, String platformTraceId) {
      return Optional.empty();
    }

    @Override
    public boolean reparent(FunctionSpan entry, String parentSpanId) {
      return false;
    }

    @Override
    public boolean link(FunctionSpan entry, String traceId, String spanId) {
      return false;
    }
  };

  /**
   * The function's entry span of invocation {@code requestId}, if it has been received and not yet
   * exported: the span naming {@code requestId} (see {@link FunctionSpan#requestId()}), else, when
   * {@code platformTraceId} is not null, the span of that trace whose parent is outside the function
   * (a remote parent or none) and which has the earliest start.
   */
  Optional<FunctionSpan> entrySpan(String requestId, String platformTraceId);

  /**
   * Asks for {@code entry}'s parent span id to become {@code parentSpanId} (its trace id is kept)
   * when it is exported.
   *
   * @return false when the span was already exported (or dropped): nothing will change
   */
  boolean reparent(FunctionSpan entry, String parentSpanId);

  /**
   * Asks for a link from {@code entry} to the span {@code traceId}/{@code spanId} to be added when it
   * is exported ({@code lambda-telemetry.join=link}).
   *
   * @return false when the span was already exported (or dropped): nothing will change
   */
  boolean link(FunctionSpan entry, String traceId, String spanId);
}
