package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.otlp.ReceivedBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The function's batches waiting for a flush, per signal, bounded in items per signal and in bytes
 * for all three together. Unlike the platform's {@link PendingQueue}, a batch that does not fit is
 * refused (the newest), not the oldest dropped: the endpoint then answers {@code partial_success}
 * at once, while the SDK can still tell its user, and the oldest data belongs to the invocations whose
 * flush comes first.
 *
 * <p>The bounds count what is held, queued or taken by a request still under way: a request's
 * batches are released only once their fate is known, and put back without counting again, so a
 * put-back never exceeds a bound and the bytes counted are the bytes on the heap.
 *
 * <p>Thread-safe: the endpoint offers on its event loop while a flush (or its logs part) takes.
 */
final class FunctionQueues {

  private final Map<Signal, ArrayDeque<ReceivedBatch>> queued = new EnumMap<>(Signal.class);
  private final Map<Signal, Integer> maxItems;
  private final Map<Signal, Integer> heldItems = new EnumMap<>(Signal.class);
  private long maxBytes;
  private long heldBytes;
  private boolean closed;

  /**
   * @param maxItems per signal, the most items (spans, log records, data points) held
   * @param maxBytes the most bytes held, all signals together
   */
  FunctionQueues(Map<Signal, Integer> maxItems, long maxBytes) {
    this.maxItems = new EnumMap<>(maxItems);
    this.maxBytes = maxBytes;
    for (Signal s : Signal.values()) {
      queued.put(s, new ArrayDeque<>());
      heldItems.put(s, 0);
      this.maxItems.putIfAbsent(s, 0);
    }
  }

  /**
   * How full the fuller bound is, from 0 to 1 (held items of the fullest signal, or held bytes): the
   * endpoint refuses what does not fit, so a strategy that lets data wait must flush before.
   */
  synchronized double share() {
    double share = maxBytes <= 0 ? 0 : (double) heldBytes / maxBytes;
    for (Signal s : Signal.values()) {
      int max = maxItems.get(s);
      if (max > 0) {
        share = Math.max(share, (double) heldItems.get(s) / max);
      }
    }
    return share;
  }

  /** A new byte bound: what is held already stays, later batches must fit under it. */
  synchronized void limitBytes(long bytes) {
    this.maxBytes = bytes;
  }

  /**
   * Queues {@code batch} of {@code signal} if it fits under both bounds; false (refused) if not, or
   * once closed.
   */
  synchronized boolean offer(Signal signal, ReceivedBatch batch) {
    if (closed
        || batch.items() > maxItems.get(signal) - heldItems.get(signal)
        || batch.bytes() > maxBytes - heldBytes) {
      return false;
    }
    queued.get(signal).addLast(batch);
    heldItems.merge(signal, batch.items(), Integer::sum);
    heldBytes += batch.bytes();
    return true;
  }

  /**
   * Takes the oldest batches of {@code signal} for one request: at least one, then more while the
   * request stays within {@code maxItems} items and {@code maxBytes} bytes. A batch is never split
   * (its bytes are sent as they came), so one larger than the limits goes alone.
   */
  synchronized List<ReceivedBatch> take(Signal signal, int maxItems, long maxBytes) {
    ArrayDeque<ReceivedBatch> q = queued.get(signal);
    List<ReceivedBatch> out = new ArrayList<>();
    int items = 0;
    long bytes = 0;
    while (!q.isEmpty()) {
      ReceivedBatch next = q.peekFirst();
      if (!out.isEmpty() && (items + next.items() > maxItems || bytes + next.bytes() > maxBytes)) {
        break;
      }
      out.add(q.removeFirst());
      items += next.items();
      bytes += next.bytes();
    }
    return out;
  }

  /** Puts batches taken by a request that was not sent, or failed certainly, back in front. */
  synchronized void putBack(Signal signal, List<ReceivedBatch> taken) {
    ArrayDeque<ReceivedBatch> q = queued.get(signal);
    for (int i = taken.size() - 1; i >= 0; i--) {
      q.addFirst(taken.get(i));
    }
  }

  /**
   * As {@link #putBack}, with {@code sent} (what the request carried, the join's edits applied) in
   * place of {@code taken}: the edits were decided once (the editor forgets a span it has seen), so
   * they must stay with the batches; the held bytes follow the edited sizes.
   */
  synchronized void putBackAsSent(Signal signal, List<ReceivedBatch> taken, List<ReceivedBatch> sent) {
    for (int i = 0; i < taken.size(); i++) {
      heldBytes += sent.get(i).bytes() - taken.get(i).bytes();
    }
    putBack(signal, sent);
  }

  /** Forgets batches taken by a request whose fate is known (sent, rejected or abandoned). */
  synchronized void release(Signal signal, List<ReceivedBatch> taken) {
    for (ReceivedBatch b : taken) {
      heldItems.merge(signal, -b.items(), Integer::sum);
      heldBytes -= b.bytes();
    }
  }

  /** Refuses every later batch. */
  synchronized void close() {
    closed = true;
  }

  /** Empties the queue of {@code signal}; returns the items it held. */
  synchronized int clear(Signal signal) {
    ArrayDeque<ReceivedBatch> q = queued.get(signal);
    int items = 0;
    for (ReceivedBatch b : q) {
      items += b.items();
      heldBytes -= b.bytes();
    }
    heldItems.merge(signal, -items, Integer::sum);
    q.clear();
    return items;
  }

  /** Items of {@code signal} queued (not those of a request under way). */
  synchronized int queuedItems(Signal signal) {
    int items = 0;
    for (ReceivedBatch b : queued.get(signal)) {
      items += b.items();
    }
    return items;
  }

  /** Whether a batch of {@code signal} is queued. */
  synchronized boolean hasQueued(Signal signal) {
    return !queued.get(signal).isEmpty();
  }

  /** Bytes held, queued or in a request under way. */
  synchronized long bytes() {
    return heldBytes;
  }
}
