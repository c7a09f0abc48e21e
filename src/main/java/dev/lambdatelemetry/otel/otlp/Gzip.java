package dev.lambdatelemetry.otel.otlp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Bounded gzip inflation: a body that inflates past the limit (a gzip bomb) is cut there. */
final class Gzip {

  private static final int CHUNK = 8 * 1024;

  private Gzip() {}

  /**
   * Inflates {@code len} bytes of {@code in} from {@code off} into {@code out}; stops as soon as {@code out} stops
   * collecting (too large or over budget), having inflated at most one chunk past its limit.
   */
  static void inflate(byte[] in, int off, int len, BoundedBody out) throws MalformedMessageException {
    byte[] chunk = new byte[CHUNK];
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(in, off, len), CHUNK)) {
      int n;
      while (out.state() == BoundedBody.State.COLLECTING && (n = gz.read(chunk)) > 0) {
        out.append(chunk, 0, n);
      }
    } catch (IOException e) {
      throw new MalformedMessageException("invalid gzip body: " + e.getMessage());
    }
  }
}
