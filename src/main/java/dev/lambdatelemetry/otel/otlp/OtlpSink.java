package dev.lambdatelemetry.otel.otlp;

/**
 * Where the endpoint hands each accepted request. Called on a Vert.x event-loop thread while the
 * function's SDK waits for its answer: must not block and must not wait on export.
 */
@FunctionalInterface
public interface OtlpSink {

  /**
   * Takes {@code batch}, or refuses it when full. A refused batch is answered with a
   * {@code partial_success} naming its items as rejected, never with a status the SDK would retry.
   *
   * @return true if taken
   */
  boolean offer(ReceivedBatch batch);
}
