package dev.lambdatelemetry.otel.simulator;

/**
 * One invocation as the instrumented function's handler sees it.
 *
 * @param requestId the request id ({@code faas.invocation_id} of the entry span)
 * @param xrayHeader the X-Ray header of a sampled request ({@code Root=…;Parent=…;Sampled=1}), or null
 * @param traceparent the W3C {@code traceparent} of an upstream caller (an API Gateway or an SQS producer that
 *     propagates it), or null; when present it wins over the X-Ray header, as in the Lambda instrumentation
 * @param childSpans how many child spans the handler creates under its entry span
 * @param error whether the handler fails (its entry span gets an error status)
 */
public record FunctionRequest(String requestId, String xrayHeader, String traceparent, int childSpans,
    boolean error) {

  public FunctionRequest {
    if (childSpans < 0) {
      throw new IllegalArgumentException("childSpans must not be negative: " + childSpans);
    }
  }
}
