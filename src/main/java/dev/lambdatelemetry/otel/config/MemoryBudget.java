package dev.lambdatelemetry.otel.config;

/**
 * The bytes the extension's two buffers may hold, sized from the JVM's heap unless configured.
 *
 * <p>Why from the heap: the layer's launcher gives the JVM a small heap (a share of the function's
 * memory, 24 MiB on a 128 MB function), and an extension that runs out of heap crashes, which
 * Lambda answers by resetting the environment: the function pays for our burst. The inbox (raw
 * batch bodies waiting for conversion) and each pending export queue (spans, logs: what a failing
 * collector leaves behind) must therefore fit beside the working set (~10 MiB) whatever the load.
 * A queue's bound counts the estimated OTLP size, close to what its log records take on the heap
 * (a 1 KiB line is ~1.3 KiB of objects). A queue must still hold more than one invocation's output
 * of a log-heavy function (1 000 lines of 1 KiB were measured to overflow a 1.5 MiB queue and drop
 * 38 % of them), so it gets a quarter of the heap. Values set in the configuration are used as they
 * are.
 */
public final class MemoryBudget {

  static final long MIB = 1024L * 1024L;

  /** Inbox: an eighth of the heap, within [2 batches of the subscription's maximum, 16 MiB]. */
  static final long INBOX_HEAP_SHARE = 8;
  static final long INBOX_MAX = 16 * MIB;

  /** Each pending queue: a quarter of the heap, within [1, 8] MiB of estimated size. */
  static final long QUEUE_HEAP_SHARE = 4;
  static final long QUEUE_MIN = MIB;
  static final long QUEUE_MAX = 8 * MIB;

  private MemoryBudget() {}

  /** The inbox's byte bound: {@code lambda-telemetry.inbox.max-bytes}, or the heap's share. */
  public static long inboxBytes(ExtensionConfig config, long maxHeapBytes) {
    if (config.inbox().maxBytes().isPresent()) {
      return config.inbox().maxBytes().getAsLong();
    }
    long twoBatches = 2L * config.subscription().buffering().maxBytes();
    return Math.max(twoBatches, Math.min(INBOX_MAX, maxHeapBytes / INBOX_HEAP_SHARE));
  }

  /** Each pending queue's bound: {@code lambda-telemetry.export.queue.max-mib}, or the heap's share. */
  public static long queueBytes(ExportConfig export, long maxHeapBytes) {
    if (export.queue().maxMib().isPresent()) {
      return export.queue().maxMib().getAsInt() * MIB;
    }
    return Math.max(QUEUE_MIN, Math.min(QUEUE_MAX, maxHeapBytes / QUEUE_HEAP_SHARE));
  }

  /** The heap this JVM may grow to. */
  public static long maxHeap() {
    return Runtime.getRuntime().maxMemory();
  }
}
