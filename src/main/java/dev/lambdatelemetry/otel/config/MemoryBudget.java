package dev.lambdatelemetry.otel.config;

/**
 * One budget for the JVM's heap: the bytes the extension's buffers (the inbox, the two pending
 * export queues) may hold, sized from the heap unless configured. Values set in the configuration
 * are used as they are.
 *
 * <p>Why from the heap: the layer's launcher gives the JVM a small heap (a share of the function's
 * memory, 24 MiB on a 128 MB function), and an extension that runs out of heap crashes, which
 * Lambda answers by resetting the environment: the function pays for our burst. So the worst the
 * subscription allows must fit: batches of its maximum size (1 MiB), the collector down (both
 * queues full and staying full), the inbox full, one batch being parsed and converted, one OTLP
 * request being marshalled. Each part, measured on the packaged jar and in tests:
 * <ul>
 *   <li>the working set ({@link #WORKING_SET}, 6 MiB): the idle extension's live heap after a
 *       full GC is 4-5 MiB (Quarkus, Vert.x, the OpenTelemetry SDK, the converter's state); the
 *       rest covers the HTTP server's and the exporter's buffers;
 *   <li>the batch being processed ({@link #PROCESSING_FACTOR} times the largest batch, 6 MiB): its
 *       body stays referenced while it is parsed, and its parse result costs up to 4.4 times its
 *       bytes (short JSON log lines, each a small tree; 1 KiB text lines cost 1.1 to 1.8 times);
 *       what it converts into goes to the queues and is counted there;
 *   <li>the OTLP request in flight ({@link #REQUEST_BYTES_PER_ITEM} per item of {@code
 *       max-batch-items}, 2.5 MiB for 512): its records, taken out of the queue, plus their
 *       encoding;
 *   <li>a tenth of the heap ({@link #GC_MARGIN_SHARE}) left for the collector to work in;
 *   <li>what is left ("free", 6.4 MiB of the 23.2 MiB that {@code -Xmx24m} gives) goes to the
 *       buffers: three eighths of it to each pending queue (2.4 MiB each), a quarter to the
 *       inbox, which holds at least two batches of the subscription's maximum (2 MiB at 1 MiB).
 *       The inbox's bound also covers the bodies and TCP lines still being read: the listeners
 *       reserve their room in it as they read.
 * </ul>
 * At 24 MiB and 1 MiB batches: 6 + 6 + 2.5 + 2.3 + 2 + 2 × 2.4 = 23.6 MiB of 23.2, the overshoot
 * coming out of the collector's tenth, which is only needed when everything peaks at once. A
 * queue's bound counts the estimated OTLP size, which is at least what its items take on the heap
 * (measured: 1.07 times for spans, 1.08 to 2 times for log records). A queue must still hold more
 * than one invocation's output of a log-heavy function (1 000 lines of 1 KiB, ~2.2 MB estimated:
 * a 1.5 MiB queue dropped 38 % of them in the log-heavy benchmark): 2.4 MiB holds ~1 100 of them.
 * Larger heaps give larger buffers (at 64 MiB: 8 MiB queues, an 11 MiB inbox).
 */
public final class MemoryBudget {

  static final long MIB = 1024L * 1024L;

  /** The live heap of the extension itself, without its buffers. */
  static final long WORKING_SET = 6 * MIB;
  /** The largest batch the subscription allows ({@code buffering.max-bytes} at most). */
  static final long LARGEST_BATCH = ConfigValidator.MAX_BUFFERING_BYTES;
  /** A batch being parsed and converted holds its body plus a parse result of up to 4.4 times it. */
  static final double PROCESSING_FACTOR = 6;
  /** An item of an OTLP request in flight: the record (~2 KiB for a 1 KiB line) and its encoding. */
  static final long REQUEST_BYTES_PER_ITEM = 5 * 1024;
  /** The share of the heap left unassigned, for the collector to work in. */
  static final long GC_MARGIN_SHARE = 10;

  /** Inbox: a quarter of the free heap, within [2 batches of the subscription's maximum, 16 MiB]. */
  static final long INBOX_FREE_SHARE = 4;
  static final long INBOX_MAX = 16 * MIB;

  /** Each pending queue: three eighths of the free heap, within [1, 8] MiB of estimated size. */
  static final long QUEUE_FREE_EIGHTHS = 3;
  static final long QUEUE_MIN = MIB;
  static final long QUEUE_MAX = 8 * MIB;

  private MemoryBudget() {}

  /** The inbox's byte bound: {@code lambda-telemetry.inbox.max-bytes}, or its share of the heap. */
  public static long inboxBytes(ExtensionConfig config, long maxHeapBytes) {
    if (config.inbox().maxBytes().isPresent()) {
      return config.inbox().maxBytes().getAsLong();
    }
    long twoBatches = 2L * config.subscription().buffering().maxBytes();
    long free = free(config.export(), maxHeapBytes);
    return Math.max(twoBatches, Math.min(INBOX_MAX, free / INBOX_FREE_SHARE));
  }

  /** Each pending queue's bound: {@code lambda-telemetry.export.queue.max-mib}, or its share. */
  public static long queueBytes(ExportConfig export, long maxHeapBytes) {
    if (export.queue().maxMib().isPresent()) {
      return export.queue().maxMib().getAsInt() * MIB;
    }
    long share = free(export, maxHeapBytes) / 8 * QUEUE_FREE_EIGHTHS;
    return Math.max(QUEUE_MIN, Math.min(QUEUE_MAX, share));
  }

  /**
   * The heap left for the buffers once the working set, the batch being processed, the request in
   * flight and the collector's margin are set aside; may be negative for a tiny heap (the buffers
   * then get their minimum).
   */
  static long free(ExportConfig export, long maxHeapBytes) {
    long processing = (long) (PROCESSING_FACTOR * LARGEST_BATCH);
    long request = (long) Math.max(1, export.maxBatchItems()) * REQUEST_BYTES_PER_ITEM;
    return maxHeapBytes - WORKING_SET - processing - request - maxHeapBytes / GC_MARGIN_SHARE;
  }

  /** The heap this JVM may grow to. */
  public static long maxHeap() {
    return Runtime.getRuntime().maxMemory();
  }
}
