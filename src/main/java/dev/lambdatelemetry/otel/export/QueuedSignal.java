package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.export.PendingQueue.Entry;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * A queued signal (spans, or logs): its bounded queue, its exporter, and the draining of the queue
 * into requests during a flush. Apart from the flush because this is the bookkeeping of items, the
 * same for both signals: every item taken for a request ends exported, rejected, abandoned, or back
 * at the front of its queue, and is counted so ({@link ExportCounters}).
 *
 * <p>Thread-safe: items are offered from any thread while a flush drains ({@link PendingQueue} is).
 *
 * @param <T> the item type ({@code SpanData} or {@code LogRecordData})
 */
final class QueuedSignal<T> {

  private final Signal signal;
  private final PendingQueue<T> queue;
  /** Null when the signal is not exported. */
  private final Function<Collection<T>, CompletableResultCode> exporter;
  private final ExportCounters counters;
  private final RequestRetrier retrier;
  private final RetryAfterHold hold;
  private final int maxBatchItems;

  QueuedSignal(
      Signal signal,
      PendingQueue<T> queue,
      Function<Collection<T>, CompletableResultCode> exporter,
      ExportCounters counters,
      RequestRetrier retrier,
      RetryAfterHold hold,
      int maxBatchItems) {
    this.signal = signal;
    this.queue = queue;
    this.exporter = exporter;
    this.counters = counters;
    this.retrier = retrier;
    this.hold = hold;
    this.maxBatchItems = maxBatchItems;
  }

  /** Whether the signal is exported at all (its exporter is not {@code none}). */
  boolean exported() {
    return exporter != null;
  }

  /** Queues {@code item}; what the queue's bounds push out (oldest first) is counted dropped. */
  void offer(T item) {
    counters.add(signal, Outcome.DROPPED, queue.add(item));
  }

  /** Counts one item dropped unqueued (the pipeline has shut down). */
  void refuseOne() {
    counters.add(signal, Outcome.DROPPED, 1);
  }

  /** Empties the queue, counting what was in it dropped (SHUTDOWN's end). */
  void dropAll() {
    counters.add(signal, Outcome.DROPPED, queue.clear());
  }

  int size() {
    return queue.size();
  }

  long bytes() {
    return queue.bytes();
  }

  /**
   * Sends the queue in batches until it is empty, the signal is held back by a {@code Retry-After},
   * or the flush stops.
   */
  void drain(FlushState state) {
    while (exporter != null && !state.halted()) {
      if (queue.size() > 0 && hold.holds(signal, state)) {
        return;
      }
      List<Entry<T>> batch = queue.take(maxBatchItems);
      if (batch.isEmpty()) {
        return;
      }
      if (signal == Signal.TRACES) {
        state.spansHandled = true;
      }
      List<T> items = new ArrayList<>(batch.size());
      batch.forEach(e -> items.add(e.item()));
      switch (retrier.send(signal, items.size(), () -> exporter.apply(items), state)) {
        case EXPORTED -> {
          counters.add(signal, Outcome.EXPORTED, items.size());
          state.exported += items.size();
        }
        case REJECTED -> counters.add(signal, Outcome.FAILED, items.size());
        case ABANDONED -> {
          counters.add(signal, Outcome.ABANDONED, items.size());
          state.abandoned += items.size();
        }
        case KEEP, NOT_SENT -> counters.add(signal, Outcome.DROPPED, queue.putBack(batch));
      }
    }
  }
}
