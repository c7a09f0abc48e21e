package dev.lambdatelemetry.otel.export;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A bounded FIFO of one signal's pending items. When an item or byte bound is exceeded the OLDEST items
 * are dropped (fresh telemetry is worth more than old) and reported through {@link #add}'s return value.
 * Thread-safe: converters add while a flush takes and puts back.
 */
final class PendingQueue<T> {

  private final int maxItems;
  private final long maxBytes;
  private final ToIntFunction<T> sizer;
  private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();
  private long bytes;

  PendingQueue(int maxItems, long maxBytes, ToIntFunction<T> sizer) {
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
    this.sizer = sizer;
  }

  /** Appends {@code item}; returns how many old items were dropped to make room. */
  synchronized int add(T item) {
    Entry<T> e = new Entry<>(item, sizer.applyAsInt(item));
    entries.addLast(e);
    bytes += e.bytes;
    return trim();
  }

  /** Removes and returns up to {@code max} of the oldest entries. */
  synchronized List<Entry<T>> take(int max) {
    List<Entry<T>> out = new ArrayList<>(Math.min(max, entries.size()));
    while (out.size() < max && !entries.isEmpty()) {
      Entry<T> e = entries.removeFirst();
      bytes -= e.bytes;
      out.add(e);
    }
    return out;
  }

  /** Puts entries taken by a failed attempt back in front; returns how many had to be dropped. */
  synchronized int putBack(List<Entry<T>> taken) {
    for (int i = taken.size() - 1; i >= 0; i--) {
      entries.addFirst(taken.get(i));
      bytes += taken.get(i).bytes;
    }
    return trim();
  }

  synchronized int size() {
    return entries.size();
  }

  synchronized long bytes() {
    return bytes;
  }

  /** Empties the queue, returning the count of items removed. */
  synchronized int clear() {
    int n = entries.size();
    entries.clear();
    bytes = 0;
    return n;
  }

  private int trim() {
    int dropped = 0;
    while (entries.size() > maxItems || (bytes > maxBytes && entries.size() > 1)) {
      Entry<T> e = entries.removeFirst();
      bytes -= e.bytes;
      dropped++;
    }
    return dropped;
  }

  /** An item with its size estimate. */
  record Entry<T>(T item, int bytes) {}
}
