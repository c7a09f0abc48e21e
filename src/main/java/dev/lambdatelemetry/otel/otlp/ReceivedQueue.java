package dev.lambdatelemetry.otel.otlp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded {@link OtlpSink}: batches wait here, per signal, until the export side drains them. Bounded
 * in bytes across all signals; when a batch does not fit, the newest is refused and what is already
 * here is kept (the oldest data belongs to invocations whose flush is due first).
 */
public final class ReceivedQueue implements OtlpSink {

  private final long maxBytes;
  private final Map<Signal, ArrayDeque<ReceivedBatch>> bySignal = new EnumMap<>(Signal.class);
  private long bytes;

  public ReceivedQueue(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    this.maxBytes = maxBytes;
    for (Signal s : Signal.values()) {
      bySignal.put(s, new ArrayDeque<>());
    }
  }

  @Override
  public synchronized boolean offer(ReceivedBatch batch) {
    if (batch.bytes() > maxBytes - bytes) {
      return false;
    }
    bySignal.get(batch.signal()).addLast(batch);
    bytes += batch.bytes();
    return true;
  }

  /** Takes every batch of {@code signal}, oldest first. */
  public synchronized List<ReceivedBatch> drain(Signal signal) {
    ArrayDeque<ReceivedBatch> q = bySignal.get(signal);
    List<ReceivedBatch> out = new ArrayList<>(q);
    q.clear();
    for (ReceivedBatch b : out) {
      bytes -= b.bytes();
    }
    return out;
  }

  /** Bytes of all batches waiting. */
  public synchronized long bytes() {
    return bytes;
  }

  public long maxBytes() {
    return maxBytes;
  }
}
