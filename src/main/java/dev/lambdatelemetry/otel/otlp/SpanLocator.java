package dev.lambdatelemetry.otel.otlp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds, in the bytes of one kept {@code ResourceSpans} element, each span and within it the ranges
 * of {@code trace_id} (field 1), {@code span_id} (2), {@code parent_span_id} (4) and the string value of
 * the attribute (field 9) that names the Lambda invocation ({@code faas.invocation_id}, else
 * {@code aws.request_id}, else {@code faas.execution}), with its start time (7) and flags (16). This is what joining the function's spans to
 * the platform's needs: it reads ids and rewrites them in place (same length) or rebuilds one span.
 *
 * <p>One {@link Location} object is reused for every span; the walk allocates nothing per span.
 */
final class SpanLocator {

  /** Receives each span; the location is valid only during the call. */
  @FunctionalInterface
  interface Visitor {
    void span(Location span);
  }

  /** Attribute keys that carry the invocation's request id, most specific first. */
  static final String[] INVOCATION_KEYS = {"faas.invocation_id", "aws.request_id", "faas.execution"};
  /** {@code SpanFlags.SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK}: the next bit says something. */
  static final int HAS_IS_REMOTE = 0x100;
  /** {@code SpanFlags.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK}: the parent is in another process. */
  static final int IS_REMOTE = 0x200;
  private static final byte[][] KEY_BYTES = Arrays.stream(INVOCATION_KEYS)
      .map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

  /**
   * Where one span's parts are, as offsets into the element's array; a {@code *Start} of -1 means
   * the field is absent. Ranges are of field content, without tag and length.
   */
  static final class Location {
    int fieldStart;
    int start;
    int end;
    int traceIdStart;
    int traceIdLength;
    int spanIdStart;
    int spanIdLength;
    int parentStart;
    int parentLength;
    int invocationIdStart;
    int invocationIdLength;
    int invocationKey;
    long startTimeUnixNano;
    int flags;

    /** Offset of the span's tag within its ScopeSpans: where a rebuilt span would be written. */
    int fieldStart() {
      return fieldStart;
    }

    /** The span message's content range. */
    int start() {
      return start;
    }

    int end() {
      return end;
    }

    int traceIdStart() {
      return traceIdStart;
    }

    int traceIdLength() {
      return traceIdLength;
    }

    int spanIdStart() {
      return spanIdStart;
    }

    int spanIdLength() {
      return spanIdLength;
    }

    int parentStart() {
      return parentStart;
    }

    int parentLength() {
      return parentLength;
    }

    int invocationIdStart() {
      return invocationIdStart;
    }

    int invocationIdLength() {
      return invocationIdLength;
    }

    /** {@code start_time_unix_nano} (field 7), 0 when absent. */
    long startTimeUnixNano() {
      return startTimeUnixNano;
    }

    /**
     * Whether the span's parent is known to be in this process: a parent is present and {@code flags}
     * (field 16) say it is not remote. False for a root, a remote parent, and when the SDK did not say
     * (no {@code SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE} bit: older SDKs).
     */
    boolean parentKnownLocal() {
      return parentLength > 0 && (flags & HAS_IS_REMOTE) != 0 && (flags & IS_REMOTE) == 0;
    }

    /** Whether the SDK said the parent is remote ({@code SPAN_FLAGS_CONTEXT_IS_REMOTE}). */
    boolean parentKnownRemote() {
      return parentLength > 0 && (flags & HAS_IS_REMOTE) != 0 && (flags & IS_REMOTE) != 0;
    }

    /** The attribute the invocation id came from (one of {@link #INVOCATION_KEYS}), or null. */
    String invocationKey() {
      return invocationKey < 0 ? null : INVOCATION_KEYS[invocationKey];
    }

    private void reset(int fieldStart, int start, int end) {
      this.fieldStart = fieldStart;
      this.start = start;
      this.end = end;
      traceIdStart = spanIdStart = parentStart = invocationIdStart = -1;
      traceIdLength = spanIdLength = parentLength = invocationIdLength = 0;
      invocationKey = -1;
      startTimeUnixNano = 0;
      flags = 0;
    }
  }

  private SpanLocator() {}

  static void forEachSpan(byte[] resourceSpans, Visitor visitor) throws MalformedMessageException {
    Location loc = new Location();
    WireReader rs = new WireReader(resourceSpans);
    while (rs.next()) {
      if (rs.fieldNumber() != 2 || rs.wireType() != WireReader.LEN) {
        rs.skip();
        continue;
      }
      int outer = rs.enter();
      while (rs.next()) {
        if (rs.fieldNumber() != 2 || rs.wireType() != WireReader.LEN) {
          rs.skip();
          continue;
        }
        int tagAt = tagStart(rs);
        int scope = rs.enter();
        loc.reset(tagAt, rs.fieldStart(), rs.fieldEnd());
        readSpan(rs, loc);
        rs.leave(scope);
        visitor.span(loc);
      }
      rs.leave(outer);
    }
  }

  /** The tag of the current field was read just before; field 2, wire type 2 is one byte. */
  private static int tagStart(WireReader r) {
    return r.position() - 1;
  }

  private static void readSpan(WireReader span, Location loc) throws MalformedMessageException {
    while (span.next()) {
      int field = span.fieldNumber();
      if (field == 7 && span.wireType() == WireReader.FIXED64) {
        loc.startTimeUnixNano = span.readFixed64();
        continue;
      }
      if (field == 16 && span.wireType() == WireReader.FIXED32) {
        loc.flags = span.readFixed32();
        continue;
      }
      if (span.wireType() != WireReader.LEN || (field != 1 && field != 2 && field != 4 && field != 9)) {
        span.skip();
        continue;
      }
      if (field == 9) {
        int outer = span.enter();
        attribute(span, loc);
        span.leave(outer);
        continue;
      }
      span.readLengthDelimited();
      switch (field) {
        case 1 -> {
          loc.traceIdStart = span.fieldStart();
          loc.traceIdLength = span.fieldLength();
        }
        case 2 -> {
          loc.spanIdStart = span.fieldStart();
          loc.spanIdLength = span.fieldLength();
        }
        default -> {
          loc.parentStart = span.fieldStart();
          loc.parentLength = span.fieldLength();
        }
      }
    }
  }

  /** A KeyValue: keeps its string value if its key names the invocation (the most specific key wins). */
  private static void attribute(WireReader kv, Location loc) throws MalformedMessageException {
    int key = -1;
    int valueStart = -1;
    int valueLength = 0;
    while (kv.next()) {
      if (kv.wireType() != WireReader.LEN) {
        kv.skip();
        continue;
      }
      if (kv.fieldNumber() == 2) {
        int outer = kv.enter();
        while (kv.next()) {
          if (kv.fieldNumber() == 1 && kv.wireType() == WireReader.LEN) {
            kv.readLengthDelimited();
            valueStart = kv.fieldStart();
            valueLength = kv.fieldLength();
          } else {
            kv.skip();
          }
        }
        kv.leave(outer);
      } else {
        kv.readLengthDelimited();
        if (kv.fieldNumber() == 1) {
          key = invocationKey(kv.buffer(), kv.fieldStart(), kv.fieldLength());
        }
      }
    }
    if (key >= 0 && valueStart >= 0 && (loc.invocationKey < 0 || key < loc.invocationKey)) {
      loc.invocationKey = key;
      loc.invocationIdStart = valueStart;
      loc.invocationIdLength = valueLength;
    }
  }

  private static int invocationKey(byte[] b, int start, int length) {
    for (int i = 0; i < KEY_BYTES.length; i++) {
      byte[] k = KEY_BYTES[i];
      if (k.length == length && Arrays.equals(b, start, start + length, k, 0, k.length)) {
        return i;
      }
    }
    return -1;
  }
}
