package dev.lambdatelemetry.otel.otlp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The join's edits of the spans of one {@code ResourceSpans} element, gathered while
 * {@link SpanLocator} walks it, then applied to a copy (the received element is never changed):
 * <ul>
 *   <li>a new parent span id: written over the 8 bytes of {@code parent_span_id} where the span has
 *       one (nothing moves); appended as field 4 where it has none (a root) or an empty one;
 *   <li>a link: a {@code Span.Link} (field 13) with {@code trace_id} and {@code span_id}, appended.
 * </ul>
 * Appending grows the span and its ScopeSpans: {@link SpanRewriter} rewrites those lengths.
 */
final class SpanEdits {

  /** Span field 4 ({@code parent_span_id}), wire type 2, then a length of 8. */
  private static final int PARENT_TAG = 4 << 3 | WireReader.LEN;
  /** Span field 13 ({@code links}), wire type 2. */
  private static final int LINK_TAG = 13 << 3 | WireReader.LEN;
  /** Link fields 1 ({@code trace_id}) and 2 ({@code span_id}), wire type 2. */
  private static final int LINK_TRACE_TAG = 1 << 3 | WireReader.LEN;
  private static final int LINK_SPAN_TAG = 2 << 3 | WireReader.LEN;

  private record Edit(int ordinal, int parentStart, int parentLength, byte[] newParent,
      List<byte[]> links) {}

  private final List<Edit> edits = new ArrayList<>(1);
  private int ordinal;

  /** Records the edits of the span being visited; {@code newParent} and {@code links} may be null. */
  void add(SpanLocator.Location span, byte[] newParent, List<byte[]> links) {
    edits.add(new Edit(ordinal, span.parentStart(), span.parentLength(), newParent,
        links == null ? List.of() : List.copyOf(links)));
  }

  /** Moves on to the next span. */
  void next() {
    ordinal++;
  }

  /** A copy of {@code element} with the edits applied, or {@code element} when there are none. */
  byte[] applyTo(byte[] element) throws MalformedMessageException {
    if (edits.isEmpty()) {
      return element;
    }
    byte[] copy = element.clone();
    byte[][] changes = null;
    for (Edit e : edits) {
      boolean inPlace = e.newParent() != null && e.parentStart() >= 0 && e.parentLength() == 8;
      if (inPlace) {
        System.arraycopy(e.newParent(), 0, copy, e.parentStart(), 8);
      }
      byte[] appended = appended(inPlace ? null : e.newParent(), e.links());
      if (appended.length > 0) {
        if (changes == null) {
          changes = new byte[ordinal][];
          Arrays.fill(changes, SpanRewriter.KEEP);
        }
        changes[e.ordinal()] = appended;
      }
    }
    return changes == null ? copy : SpanRewriter.rewrite(copy, changes);
  }

  private static byte[] appended(byte[] parent, List<byte[]> links) {
    int length = parent == null ? 0 : 2 + parent.length;
    for (byte[] l : links) {
      length += l.length;
    }
    byte[] out = new byte[length];
    int pos = 0;
    if (parent != null) {
      out[pos++] = (byte) PARENT_TAG;
      out[pos++] = (byte) parent.length;
      System.arraycopy(parent, 0, out, pos, parent.length);
      pos += parent.length;
    }
    for (byte[] l : links) {
      System.arraycopy(l, 0, out, pos, l.length);
      pos += l.length;
    }
    return out;
  }

  /** A {@code Span.links} field (tag, length, Link) naming {@code traceId} (16 bytes) / {@code spanId} (8). */
  static byte[] link(byte[] traceId, byte[] spanId) {
    int content = 2 + traceId.length + 2 + spanId.length;
    byte[] out = new byte[2 + content];
    out[0] = (byte) LINK_TAG;
    out[1] = (byte) content;
    out[2] = (byte) LINK_TRACE_TAG;
    out[3] = (byte) traceId.length;
    System.arraycopy(traceId, 0, out, 4, traceId.length);
    int at = 4 + traceId.length;
    out[at] = (byte) LINK_SPAN_TAG;
    out[at + 1] = (byte) spanId.length;
    System.arraycopy(spanId, 0, out, at + 2, spanId.length);
    return out;
  }

  /** The 8 bytes at {@code offset}, big-endian (as ids are written). */
  static long longAt(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (b[offset + i] & 0xffL);
    }
    return v;
  }
}
