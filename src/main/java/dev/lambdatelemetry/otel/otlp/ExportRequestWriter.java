package dev.lambdatelemetry.otel.otlp;

import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes an {@code Export*ServiceRequest} from kept elements ({@link ReceivedBatch#resources()}): each
 * one as field 1 (tag, length, bytes). Repeated fields concatenate, so the result is the request a
 * protobuf encoder would write for those elements; the existing senders take it as any other
 * {@link MessageWriter} and forward the function's data unchanged.
 */
public final class ExportRequestWriter implements MessageWriter {

  /** Field 1, wire type 2 (length-delimited). */
  private static final int FIELD_1_TAG = 1 << 3 | WireReader.LEN;

  private final List<byte[]> elements;
  private final int length;

  public ExportRequestWriter(List<byte[]> elements) {
    this.elements = List.copyOf(elements);
    long total = 0;
    for (byte[] e : this.elements) {
      total += 1 + WireWriter.varintSize(e.length) + e.length;
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("request larger than 2 GiB");
    }
    this.length = (int) total;
  }

  /** The elements of all {@code batches}, in order (all of one signal). */
  public static ExportRequestWriter of(List<ReceivedBatch> batches) {
    return new ExportRequestWriter(batches.stream().flatMap(b -> b.resources().stream()).toList());
  }

  @Override
  public void writeMessage(OutputStream out) throws IOException {
    byte[] header = new byte[6];
    for (byte[] e : elements) {
      header[0] = (byte) FIELD_1_TAG;
      int n = 1;
      long v = e.length;
      while ((v & ~0x7FL) != 0) {
        header[n++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      header[n++] = (byte) v;
      out.write(header, 0, n);
      out.write(e);
    }
  }

  @Override
  public int getContentLength() {
    return length;
  }
}
