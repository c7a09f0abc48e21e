package dev.lambdatelemetry.otel.telemetry;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-off between the listener and the processing thread: bounded in batches and in bytes, so a
 * burst of deliveries can never exhaust the heap. The byte bound also covers what the listeners
 * are still reading ({@link #reserve}): bodies and TCP lines take their room here as they grow, so
 * that no number of connections can hold more than the bound between them. What does not fit
 * after a short, bounded wait for the processing thread to make room is dropped and counted: the
 * platform sends one batch at a time and waits for our answer, and a non-2xx answer would only make
 * Lambda resend the same batch.
 */
public final class TelemetryInbox {

  /** One unit of work for the processing thread. */
  public sealed interface Work {}

  /**
   * A delivered body: an HTTP POST body or one TCP-protocol line, which {@link BatchParser#parse}
   * reads alike (a line is one event object).
   */
  public record Batch(byte[] body, Instant receivedAt) implements Work {}

  /** A task to run on the processing thread, in order with the batches before it. */
  public record Task(Runnable runnable) implements Work {}

  private final int maxBatches;
  private final long maxBytes;
  private final ArrayDeque<Work> queue = new ArrayDeque<>();
  private long queuedBytes;
  /** Bytes the listeners hold for deliveries still being read. */
  private long reservedBytes;
  private final AtomicLong acceptedBatches = new AtomicLong();
  private final AtomicLong droppedBatches = new AtomicLong();
  private final AtomicLong droppedBytes = new AtomicLong();

  /** Creates an inbox holding at most {@code maxBatches} bodies and {@code maxBytes} bytes. */
  public TelemetryInbox(int maxBatches, long maxBytes) {
    if (maxBatches < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("inbox bounds must be positive");
    }
    this.maxBatches = maxBatches;
    this.maxBytes = maxBytes;
  }

  /**
   * Queues a body read into {@code reserved} bytes of {@link #reserve}d room (0 when none was
   * reserved), waiting up to {@code maxWaitNanos} for room when the inbox is full; returns false
   * (and counts it) when there is still none. The reservation is released (whatever the outcome) as
   * the body takes its place. A short wait is back-pressure the platform handles well: it sends one
   * batch at a time, buffers meanwhile, and accounts for what it must drop with {@code
   * platform.logsDropped}, so a burst is not lost on our side for want of a few milliseconds.
   */
  public boolean offerReserved(
      byte[] body, Instant receivedAt, long maxWaitNanos, long reserved) {
    synchronized (queue) {
      reservedBytes -= reserved;
      if (reserved > 0) {
        // The room is free from here, whether the body is queued, waits or is dropped: a delivery
        // waiting in reserve must not sleep out its wait meanwhile.
        queue.notifyAll();
      }
      long deadline = System.nanoTime() + maxWaitNanos;
      while (!fits(body.length)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          droppedBatches.incrementAndGet();
          droppedBytes.addAndGet(body.length);
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(queue, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          droppedBatches.incrementAndGet();
          droppedBytes.addAndGet(body.length);
          return false;
        }
      }
      long bytesAfter = queuedBytes + body.length;
      queue.addLast(new Batch(body, receivedAt));
      queuedBytes = bytesAfter;
      acceptedBatches.incrementAndGet();
      queue.notifyAll();
      return true;
    }
  }

  /**
   * Reserves room for {@code bytes} of a delivery still being read, waiting up to {@code
   * maxWaitNanos} for it; false when there is none (the caller then drops the delivery and counts
   * it with {@link #countDropped}). Every reservation ends in {@link #release} or {@link
   * #offerReserved}.
   */
  public boolean reserve(long bytes, long maxWaitNanos) {
    synchronized (queue) {
      long deadline = System.nanoTime() + maxWaitNanos;
      while (queuedBytes + reservedBytes + bytes > maxBytes) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(queue, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      reservedBytes += bytes;
      return true;
    }
  }

  /** Gives back room {@link #reserve}d for a delivery that is not queued after all. */
  public void release(long bytes) {
    synchronized (queue) {
      reservedBytes -= bytes;
      queue.notifyAll();
    }
  }

  /** Counts a delivery dropped because no room could be reserved for it. */
  public void countDropped(long bytes) {
    droppedBatches.incrementAndGet();
    droppedBytes.addAndGet(bytes);
  }

  /** Bytes queued plus bytes reserved by deliveries still being read. */
  long heldBytes() {
    synchronized (queue) {
      return queuedBytes + reservedBytes;
    }
  }

  /** The byte bound. */
  long maxBytes() {
    return maxBytes;
  }

  /** Queues a task behind every batch received so far; tasks are never dropped. */
  public void submit(Runnable task) {
    synchronized (queue) {
      queue.addLast(new Task(task));
      queue.notifyAll();
    }
  }

  /** Takes the next work item, waiting up to {@code timeoutMs}; null on timeout. */
  public Work poll(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    synchronized (queue) {
      while (queue.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(queue, left);
      }
      Work w = queue.removeFirst();
      if (w instanceof Batch b) {
        queuedBytes -= b.body().length;
        queue.notifyAll(); // room for a listener waiting in offer
      }
      return w;
    }
  }

  private boolean fits(int length) {
    return queue.size() < maxBatches
        && (queuedBytes + reservedBytes + length <= maxBytes
            || (queue.isEmpty() && reservedBytes == 0));
  }

  /** Batches accepted so far. */
  public long acceptedBatches() {
    return acceptedBatches.get();
  }

  /** Batches dropped because the inbox was full. */
  public long droppedBatches() {
    return droppedBatches.get();
  }

  /** Bytes of dropped batches. */
  public long droppedBytes() {
    return droppedBytes.get();
  }
}
