package dev.lambdatelemetry.otel.otlp;

import java.nio.charset.StandardCharsets;

/**
 * A protobuf wire-format reader over a byte array range: varints, fixed 32/64-bit values and
 * length-delimited fields, with skipping of unknown fields. Allocation-free: a length-delimited field
 * is read as a range ({@link #fieldStart()}, {@link #fieldEnd()}) of the same array, and a nested message
 * is read with another reader over that range (or by {@link #enter} and {@link #leave}).
 *
 * <p>Every read is bounds-checked against the current limit and throws {@link MalformedMessageException}
 * on truncated or impossible input; it never reads past the range it was given.
 */
final class WireReader {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int START_GROUP = 3;
  static final int END_GROUP = 4;
  static final int FIXED32 = 5;

  private final byte[] buf;
  private int pos;
  private int limit;
  private int tag;
  private int fieldStart;
  private int fieldEnd;

  WireReader(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  WireReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  byte[] buffer() {
    return buf;
  }

  int position() {
    return pos;
  }

  int limit() {
    return limit;
  }

  /** Reads the next tag; false at the end of the current range. */
  boolean next() throws MalformedMessageException {
    if (pos >= limit) {
      return false;
    }
    long t = readVarint();
    if (t >>> 32 != 0 || (t >>> 3) == 0) {
      throw new MalformedMessageException("invalid field tag " + t);
    }
    tag = (int) t;
    int wt = wireType();
    if (wt == START_GROUP || wt == END_GROUP || wt > FIXED32) {
      throw new MalformedMessageException("unsupported wire type " + wt + " in field " + fieldNumber());
    }
    return true;
  }

  int fieldNumber() {
    return tag >>> 3;
  }

  int wireType() {
    return tag & 7;
  }

  long readVarint() throws MalformedMessageException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw new MalformedMessageException("truncated varint");
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new MalformedMessageException("varint longer than 10 bytes");
  }

  long readFixed64() throws MalformedMessageException {
    need(8);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (buf[pos + i] & 0xffL);
    }
    pos += 8;
    return v;
  }

  int readFixed32() throws MalformedMessageException {
    need(4);
    int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16
        | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  /** Reads a length-delimited field's length and steps over its content, keeping its range. */
  void readLengthDelimited() throws MalformedMessageException {
    long len = readVarint();
    if (len < 0 || len > limit - pos) {
      throw new MalformedMessageException("length " + len + " past the end of the message");
    }
    fieldStart = pos;
    fieldEnd = pos + (int) len;
    pos = fieldEnd;
  }

  /** Start of the last length-delimited field's content. */
  int fieldStart() {
    return fieldStart;
  }

  /** End (exclusive) of the last length-delimited field's content. */
  int fieldEnd() {
    return fieldEnd;
  }

  int fieldLength() {
    return fieldEnd - fieldStart;
  }

  String fieldString() {
    return new String(buf, fieldStart, fieldEnd - fieldStart, StandardCharsets.UTF_8);
  }

  /** Skips the value of the current field, whatever its wire type. */
  void skip() throws MalformedMessageException {
    switch (wireType()) {
      case VARINT -> readVarint();
      case FIXED64 -> readFixed64();
      case FIXED32 -> readFixed32();
      case LEN -> readLengthDelimited();
      default -> throw new MalformedMessageException("unsupported wire type " + wireType());
    }
  }

  /**
   * Reads a length-delimited field and narrows this reader to its content; returns the limit to pass
   * to {@link #leave} afterwards.
   */
  int enter() throws MalformedMessageException {
    readLengthDelimited();
    int outer = limit;
    pos = fieldStart;
    limit = fieldEnd;
    return outer;
  }

  /** Returns from a nested message entered with {@link #enter}, after its last field. */
  void leave(int outerLimit) {
    pos = limit;
    limit = outerLimit;
  }

  private void need(int n) throws MalformedMessageException {
    if (limit - pos < n) {
      throw new MalformedMessageException("truncated fixed-size field");
    }
  }
}
