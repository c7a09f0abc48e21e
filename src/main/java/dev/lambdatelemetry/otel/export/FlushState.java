package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What one flush has done so far, written by its requests and read at its end for the result, the
 * breaker and the log lines. Its own type because several parties write it (the traces part on the
 * flushing thread, the parts on the executor with a state of their own, merged after; the metrics
 * export) and the retrier must not know which of them calls it.
 *
 * <p>Owned by one thread at a time; only {@link #stopped} is written across threads.
 */
final class FlushState {

  /** What a request's items come to when its retrier gives up or is done. */
  enum RequestFate {
    EXPORTED,
    REJECTED,
    ABANDONED,
    /** Tried and failed certainly: the items go back to their queue. */
    KEEP,
    /** Not tried (no time left to start it): the items go back to their queue. */
    NOT_SENT
  }

  /** A rejection, reported at the end of the flush (see ExportPipeline on our own lines). */
  record Rejection(Signal signal, int items, String detail) {}

  /** The requests' deadline: the flush's own, less the slack kept for the cancel and bookkeeping. */
  final Instant deadline;
  /** True stops the flush (the pipeline's own stop): it then neither feeds nor resets the breaker. */
  final BooleanSupplier cancelled;
  /** Volatile: a logs part left behind by its flush is told to stop from the flushing thread. */
  volatile boolean stopped;
  /** A request was started: the flush says something of the collector. */
  boolean attempted;
  boolean collectorFailed;
  /** A Retry-After held a signal back. */
  boolean heldBack;
  /** Spans were taken for a request: the flush was not one of our own lines alone. */
  boolean spansHandled;
  int exported;
  int abandoned;
  final List<Rejection> rejections = new ArrayList<>(1);
  Throwable error;
  /** The final flush: metrics go whatever their interval. */
  boolean finalFlush;
  /** What went wrong last, for the one warning per outage. */
  String lastFailure = "no answer in time";

  FlushState(Instant deadline, BooleanSupplier cancelled) {
    this.deadline = deadline;
    this.cancelled = cancelled;
  }

  /** Whether no further request may start: stopped by a request's outcome, or by the pipeline. */
  boolean halted() {
    return stopped || cancelled.getAsBoolean();
  }

  /** The flush has failed at the collector, and nothing more is started. */
  RequestFate abandoned() {
    stopped = true;
    collectorFailed = true;
    return RequestFate.ABANDONED;
  }

  /** Adds what a part run beside the flushing thread did, once it has ended ({@link FlushParts}). */
  void merge(FlushState other) {
    if (other.collectorFailed) {
      lastFailure = other.lastFailure;
    }
    stopped |= other.stopped;
    attempted |= other.attempted;
    collectorFailed |= other.collectorFailed;
    heldBack |= other.heldBack;
    spansHandled |= other.spansHandled;
    exported += other.exported;
    abandoned += other.abandoned;
    rejections.addAll(other.rejections);
    if (error == null) {
      error = other.error;
    }
  }

  /** The result's status: a failure says most, then a stop, then a hold-back. */
  FlushResult.Status status() {
    if (collectorFailed) {
      return FlushResult.Status.FAILED;
    }
    if (stopped) {
      return FlushResult.Status.DEADLINE;
    }
    return heldBack ? FlushResult.Status.HELD_BACK : FlushResult.Status.COMPLETE;
  }
}
