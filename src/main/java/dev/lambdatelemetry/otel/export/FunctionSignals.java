package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.ExportConfig;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.export.ExportCounters.Source;
import dev.lambdatelemetry.otel.otlp.BatchEditor;
import dev.lambdatelemetry.otel.otlp.OtlpSettings;
import dev.lambdatelemetry.otel.otlp.OtlpSink;
import dev.lambdatelemetry.otel.otlp.ReceivedBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The function's own telemetry on the export side: the {@link OtlpSink} the local OTLP endpoint hands
 * each accepted request to, and the draining of what it holds during the pipeline's flushes. Apart from
 * {@link QueuedSignal} because the items here are not SDK objects but protobuf bytes, sent as they came
 * through the signal's own sender ({@link FunctionSender}), and because a full queue refuses the newest
 * batch instead of dropping the oldest ({@link FunctionQueues}).
 *
 * <p>Otherwise the rules are the platform's, and the flush's state, retrier, {@code Retry-After} hold
 * and counters are the very same (under {@code source=function}): each batch taken for a request ends
 * exported, rejected ({@code failed}), abandoned (cut at the deadline: never sent again), or back at
 * the front of its queue (certainly not accepted, or no time to start), and is counted so. The
 * function's metrics pass through with their own temporality, counted in data points.
 *
 * <p>Thread-safe: {@link #offer} comes from the endpoint's event loop (never blocks), {@link #drain}
 * from the flush's parts ({@link FlushParts}), one per signal.
 */
final class FunctionSignals implements OtlpSink {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.export");

  /**
   * The most bytes of elements in one request: under the 4 MiB message limit collectors apply by
   * default (gRPC's), with room for each element's tag and length.
   */
  static final long MAX_REQUEST_BYTES = 4L * 1024 * 1024 - 64 * 1024;

  private final Map<Signal, FunctionSender> senders;
  private final FunctionQueues queues;
  private final ExportCounters counters;
  private final RequestRetrier retrier;
  private final RetryAfterHold hold;
  private final int maxBatchItems;
  private volatile BatchEditor editor = BatchEditor.NONE;
  private volatile boolean shutDown;

  /**
   * @param senders per signal, how the function's data goes; a signal missing is not exported (its
   *     data is counted dropped as it arrives, never queued)
   * @param maxBatchItems the most items in one request (a single larger batch goes alone)
   */
  FunctionSignals(
      Map<Signal, FunctionSender> senders,
      FunctionQueues queues,
      ExportCounters counters,
      RequestRetrier retrier,
      RetryAfterHold hold,
      int maxBatchItems) {
    this.senders = Map.copyOf(senders);
    this.queues = queues;
    this.counters = counters;
    this.retrier = retrier;
    this.hold = hold;
    this.maxBatchItems = maxBatchItems;
  }

  /**
   * The function's side of a pipeline: its queues bounded in items like the platform's queue of the
   * same kind ({@code export.queue.max-spans}, {@code max-logs}, the latter for data points too) and
   * in bytes by the endpoint's default queue bound until {@link #limitBytes} names another.
   */
  static FunctionSignals create(Map<Signal, FunctionSender> senders, ExportConfig export,
      ExportCounters counters, RequestRetrier retrier, RetryAfterHold hold) {
    FunctionQueues queues = new FunctionQueues(Map.of(Signal.TRACES, export.queue().maxSpans(),
        Signal.LOGS, export.queue().maxLogs(), Signal.METRICS, export.queue().maxLogs()),
        OtlpSettings.DEFAULT_QUEUE_MAX_BYTES);
    return new FunctionSignals(senders, queues, counters, retrier, hold, export.maxBatchItems());
  }

  /**
   * Queues {@code batch} for the next flush. A signal not exported takes it and counts it dropped
   * (the user chose {@code none}: nothing for the function's SDK to warn about); a full queue, or a
   * pipeline shut down, refuses it and counts it dropped.
   */
  @Override
  public boolean offer(ReceivedBatch batch) {
    Signal signal = signalOf(batch.signal());
    if (!senders.containsKey(signal)) {
      counters.add(Source.FUNCTION, signal, Outcome.DROPPED, batch.items());
      return true;
    }
    if (shutDown || !queues.offer(signal, batch)) {
      counters.add(Source.FUNCTION, signal, Outcome.DROPPED, batch.items());
      return false;
    }
    return true;
  }

  /** The edits applied to each traces batch just before it is sent (the join's). */
  void editTracesWith(BatchEditor editor) {
    this.editor = editor == null ? BatchEditor.NONE : editor;
  }

  /** A new byte bound for what the function's queues hold, all signals together. */
  void limitBytes(long maxBytes) {
    queues.limitBytes(maxBytes);
  }

  /** Whether {@code signal} has batches waiting (and is exported). */
  boolean pending(Signal signal) {
    return senders.containsKey(signal) && queues.hasQueued(signal);
  }

  /** Items waiting, all signals. */
  int pendingItems() {
    int n = 0;
    for (Signal s : Signal.values()) {
      n += queues.queuedItems(s);
    }
    return n;
  }

  long bytes() {
    return queues.bytes();
  }

  /** How full the function's queues are, 0 to 1 ({@link FunctionQueues#share}). */
  double share() {
    return queues.share();
  }

  /**
   * Sends the function's batches of {@code signal} in requests of up to {@code max-batch-items}
   * items until the queue is empty, the signal is held back by a {@code Retry-After}, or the flush
   * stops.
   */
  void drain(Signal signal, FlushState state) {
    FunctionSender sender = senders.get(signal);
    while (sender != null && !state.halted()) {
      if (queues.hasQueued(signal) && hold.holds(signal, state)) {
        return;
      }
      List<ReceivedBatch> taken = queues.take(signal, maxBatchItems, MAX_REQUEST_BYTES);
      if (taken.isEmpty()) {
        return;
      }
      // Not our own lines: the flush's summary and rejections are worth their log lines.
      state.spansHandled = true;
      int items = 0;
      for (ReceivedBatch b : taken) {
        items += b.items();
      }
      List<ReceivedBatch> request = signal == Signal.TRACES ? edited(taken) : taken;
      switch (retrier.send(Source.FUNCTION, signal, items, () -> sender.send(request), state)) {
        case EXPORTED -> {
          counters.add(Source.FUNCTION, signal, Outcome.EXPORTED, items);
          state.exported += items;
          queues.release(signal, taken);
        }
        case REJECTED -> {
          counters.add(Source.FUNCTION, signal, Outcome.FAILED, items);
          queues.release(signal, taken);
        }
        case ABANDONED -> {
          counters.add(Source.FUNCTION, signal, Outcome.ABANDONED, items);
          state.abandoned += items;
          queues.release(signal, taken);
        }
        // The batches go back as they were to be sent: the editor hands out each span's edits once
        // (it forgets the spans it has seen), so the originals would go out unjoined later.
        case KEEP, NOT_SENT -> queues.putBackAsSent(signal, taken, request);
      }
    }
  }

  /** Refuses every later batch, and counts what is still queued dropped (SHUTDOWN's end). */
  void shutDown() {
    shutDown = true;
    queues.close();
    for (Signal s : Signal.values()) {
      counters.add(Source.FUNCTION, s, Outcome.DROPPED, queues.clear(s));
    }
  }

  /**
   * The batches as the editor wants them sent. An editor that fails costs its edits, not the
   * batch: the function's spans then go as they came.
   */
  private List<ReceivedBatch> edited(List<ReceivedBatch> batches) {
    BatchEditor e = editor;
    if (e == BatchEditor.NONE) {
      return batches;
    }
    List<ReceivedBatch> out = new ArrayList<>(batches.size());
    for (ReceivedBatch b : batches) {
      ReceivedBatch edited;
      try {
        edited = e.beforeExport(b);
      } catch (RuntimeException ex) {
        LOG.debugf(ex, "[export] the function's spans go unedited: the editor failed");
        edited = b;
      }
      out.add(edited == null ? b : edited);
    }
    return out;
  }

  static Signal signalOf(dev.lambdatelemetry.otel.otlp.Signal signal) {
    return switch (signal) {
      case TRACES -> Signal.TRACES;
      case LOGS -> Signal.LOGS;
      case METRICS -> Signal.METRICS;
    };
  }
}
