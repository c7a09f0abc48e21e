package dev.lambdatelemetry.otel.export;

/**
 * What one {@link ExportPipeline#flush} did. Whatever the status, no request of the flush is still in
 * flight when it is returned.
 *
 * @param status how the flush ended
 * @param exported items accepted by the collector (spans + logs + metric data points' metrics)
 * @param pending items still queued for a later flush
 * @param abandoned items of requests cut at the deadline (delivery unknown, never re-sent)
 */
public record FlushResult(Status status, int exported, int pending, int abandoned) {

  /** How a flush ended. */
  public enum Status {
    /** Everything pending was exported (or there was nothing to export). */
    COMPLETE,
    /** The deadline came first; the rest stays queued. */
    DEADLINE,
    /**
     * A signal was not sent: the collector's {@code Retry-After} named a later time. Its items stay
     * queued (bounded) for the first flush after that time.
     */
    HELD_BACK,
    /** The collector failed (retryable answers until the deadline or the attempt limit). */
    FAILED,
    /** The circuit breaker is open: no attempt was made, and no time spent. */
    BREAKER_OPEN,
    /** Another flush (the background one) held the pipeline until the deadline. */
    BUSY,
    /** Export is disabled or the pipeline is shut down. */
    DISABLED
  }
}
