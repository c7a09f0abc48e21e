package dev.lambdatelemetry.otel.otlp;

/**
 * What is done to a received batch just before it is written out to the collector: the join's edits
 * of the function's spans (a new parent, a link), which can only be known once the platform's events
 * of the invocation have been read. Called on the exporting thread; must not block.
 */
@FunctionalInterface
public interface BatchEditor {

  /** Sends every batch as it came. */
  BatchEditor NONE = batch -> batch;

  /** The batch to send instead of {@code batch} (the same one when nothing changes). */
  ReceivedBatch beforeExport(ReceivedBatch batch);
}
