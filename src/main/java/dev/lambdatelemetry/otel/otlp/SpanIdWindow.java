package dev.lambdatelemetry.otel.otlp;

/**
 * The (trace id, span id) pairs of the last {@code capacity} spans received, to recognise a span sent
 * again (an SDK that retries after a timeout sends the same request twice). When full, the oldest pair
 * is forgotten: an SDK retries within seconds, and a few thousand spans cover that at any realistic
 * rate of a Lambda function.
 *
 * <p>Primitive arrays only (three longs a span in a ring, plus an open-addressing index of twice the
 * capacity): about 32 bytes a span, 128 KiB at the default capacity, nothing allocated per span. Not
 * thread-safe: the caller serialises.
 */
final class SpanIdWindow {

  /** Spans remembered by default: a few seconds of a function that sends hundreds of spans a second. */
  static final int DEFAULT_CAPACITY = 4096;

  private final long[] traceHigh;
  private final long[] traceLow;
  private final long[] spanIds;
  /** Slot to ring index + 1; 0 is an empty slot. Linear probing, deletion by backward shift. */
  private final int[] table;
  private final int mask;
  private int next;
  private int size;

  SpanIdWindow(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    traceHigh = new long[capacity];
    traceLow = new long[capacity];
    spanIds = new long[capacity];
    int slots = Integer.highestOneBit(Math.max(2, capacity - 1)) << 2;
    table = new int[slots];
    mask = slots - 1;
  }

  int size() {
    return size;
  }

  boolean contains(long high, long low, long spanId) {
    return find(high, low, spanId) >= 0;
  }

  /**
   * Remembers the pair, forgetting the oldest when full.
   *
   * @return false if it was already remembered (a duplicate), true if it is new
   */
  boolean add(long high, long low, long spanId) {
    if (find(high, low, spanId) >= 0) {
      return false;
    }
    int at = next;
    if (size == spanIds.length) {
      remove(at);
    } else {
      size++;
    }
    traceHigh[at] = high;
    traceLow[at] = low;
    spanIds[at] = spanId;
    int slot = home(high, low, spanId);
    while (table[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    table[slot] = at + 1;
    next = (at + 1) % spanIds.length;
    return true;
  }

  /** The table slot of the pair, or -1. */
  private int find(long high, long low, long spanId) {
    int slot = home(high, low, spanId);
    while (true) {
      int e = table[slot];
      if (e == 0) {
        return -1;
      }
      int i = e - 1;
      if (spanIds[i] == spanId && traceLow[i] == low && traceHigh[i] == high) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Takes ring entry {@code ring} out of the table, shifting back what probed past it. */
  private void remove(int ring) {
    int hole = find(traceHigh[ring], traceLow[ring], spanIds[ring]);
    if (hole < 0) {
      return;
    }
    table[hole] = 0;
    int j = hole;
    while (true) {
      j = (j + 1) & mask;
      int e = table[j];
      if (e == 0) {
        return;
      }
      int k = home(traceHigh[e - 1], traceLow[e - 1], spanIds[e - 1]);
      // The entry at j may stay only if its home lies cyclically in (hole, j].
      boolean stays = hole <= j ? hole < k && k <= j : hole < k || k <= j;
      if (!stays) {
        table[hole] = e;
        table[j] = 0;
        hole = j;
      }
    }
  }

  private int home(long high, long low, long spanId) {
    long h = spanId * 0x9E3779B97F4A7C15L ^ low * 0xC2B2AE3D27D4EB4FL ^ high;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ h >>> 32) & mask;
  }
}
