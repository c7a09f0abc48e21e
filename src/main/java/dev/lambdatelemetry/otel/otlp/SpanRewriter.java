package dev.lambdatelemetry.otel.otlp;

/**
 * Rebuilds one {@code ResourceSpans} element with some spans dropped or grown (bytes appended inside
 * them: a field added at the end of the span, which protobuf reads as if it were anywhere; for a
 * singular field, a later occurrence wins). Only what changes is re-encoded: every other field, the
 * resource, the scopes and the untouched spans are copied byte for byte; the lengths of the grown spans
 * and of the scopes around changed spans are written anew.
 *
 * <p>Spans are numbered in the order {@link SpanLocator#forEachSpan} visits them, which is the order of
 * this walk.
 */
final class SpanRewriter {

  /** In {@code changes}: the span stays as it is. */
  static final byte[] KEEP = new byte[0];

  private SpanRewriter() {}

  /**
   * The element with span {@code i} dropped where {@code changes[i]} is null, kept where it is
   * {@link #KEEP}, else kept with {@code changes[i]} (encoded fields) appended to its content. A
   * ScopeSpans left without spans is dropped too. Spans past the array's end are kept.
   */
  static byte[] rewrite(byte[] element, byte[][] changes) throws MalformedMessageException {
    WireWriter out = new WireWriter(element.length + 64, Integer.MAX_VALUE - 8);
    try {
      WireReader rs = new WireReader(element);
      int index = 0;
      int tagAt = rs.position();
      while (rs.next()) {
        if (rs.fieldNumber() != 2 || rs.wireType() != WireReader.LEN) {
          rs.skip();
          out.raw(element, tagAt, rs.position() - tagAt);
          tagAt = rs.position();
          continue;
        }
        int outer = rs.enter();
        int scopeMark = out.beginMessage(2);
        int kept = 0;
        int spans = 0;
        int fieldAt = rs.position();
        while (rs.next()) {
          boolean span = rs.fieldNumber() == 2 && rs.wireType() == WireReader.LEN;
          rs.skip();
          int fieldEnd = rs.position();
          if (!span) {
            out.raw(element, fieldAt, fieldEnd - fieldAt);
            fieldAt = fieldEnd;
            continue;
          }
          spans++;
          byte[] change = index < changes.length ? changes[index] : KEEP;
          index++;
          if (change == null) {
            fieldAt = fieldEnd;
            continue;
          }
          kept++;
          if (change.length == 0) {
            out.raw(element, fieldAt, fieldEnd - fieldAt);
          } else {
            int spanMark = out.beginMessage(2);
            out.raw(element, rs.fieldStart(), rs.fieldLength());
            out.raw(change, 0, change.length);
            out.endMessage(spanMark);
          }
          fieldAt = fieldEnd;
        }
        rs.leave(outer);
        if (kept == 0 && spans > 0) {
          out.truncate(scopeMark - 1);
        } else {
          out.endMessage(scopeMark);
        }
        tagAt = rs.position();
      }
      return out.toByteArray();
    } catch (WireWriter.TooLargeException e) {
      // Cannot happen below 2 GiB, and an element is at most the 4 MiB body limit.
      throw new MalformedMessageException("element too large to rewrite");
    }
  }
}
