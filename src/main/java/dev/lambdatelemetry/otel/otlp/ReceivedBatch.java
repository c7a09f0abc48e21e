package dev.lambdatelemetry.otel.otlp;

import java.time.Instant;
import java.util.List;

/**
 * What one accepted request of the function left for export: the protobuf bytes of each top-level
 * element of its {@code Export*ServiceRequest} ({@code ResourceSpans}, {@code ResourceLogs} or
 * {@code ResourceMetrics}: field 1 of the request, without tag and length), as the function's SDK sent
 * them (JSON requests converted to the same bytes). {@link ExportRequestWriter} writes them out again.
 *
 * @param signal what the elements are
 * @param resources one array per element, never changed after the batch is made
 * @param items spans, log records or data points in all elements
 * @param bytes the sum of the elements' lengths (what a bounded queue counts)
 * @param receivedAt when the request was answered
 */
public record ReceivedBatch(Signal signal, List<byte[]> resources, int items, long bytes,
    Instant receivedAt) {

  public ReceivedBatch {
    resources = List.copyOf(resources);
  }
}
