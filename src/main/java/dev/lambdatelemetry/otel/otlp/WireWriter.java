package dev.lambdatelemetry.otel.otlp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A protobuf wire-format writer into a growable array with a hard size limit. A nested message is
 * written in place and its length inserted in front of it when it ends ({@link #beginMessage},
 * {@link #endMessage}): that moves the message's bytes once per nesting level, which is cheaper than
 * sizing every message first for the OTLP JSON bodies this writes (a few levels deep, at most a few MiB).
 */
final class WireWriter {

  private final int maxBytes;
  private byte[] buf;
  private int pos;

  WireWriter(int initialCapacity, int maxBytes) {
    this.maxBytes = maxBytes;
    this.buf = new byte[Math.max(16, Math.min(initialCapacity, maxBytes))];
  }

  /** Thrown when the output would pass the writer's limit. */
  static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException() {
      super("message larger than the limit", null, false, false);
    }
  }

  int size() {
    return pos;
  }

  /** Forgets what was written after the first {@code size} bytes. */
  void truncate(int size) {
    if (size < 0 || size > pos) {
      throw new IllegalArgumentException("cannot truncate " + pos + " bytes to " + size);
    }
    pos = size;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  void tag(int fieldNumber, int wireType) throws TooLargeException {
    varint((long) fieldNumber << 3 | wireType);
  }

  void varint(long v) throws TooLargeException {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  void fixed64(long v) throws TooLargeException {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  void fixed32(int v) throws TooLargeException {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  void bytes(int fieldNumber, byte[] b, int off, int len) throws TooLargeException {
    tag(fieldNumber, WireReader.LEN);
    varint(len);
    ensure(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
  }

  /** Copies bytes as they are (an already encoded field or message content). */
  void raw(byte[] b, int off, int len) throws TooLargeException {
    ensure(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
  }

  void string(int fieldNumber, String s) throws TooLargeException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    bytes(fieldNumber, b, 0, b.length);
  }

  /** Starts a length-delimited field; returns the mark to pass to {@link #endMessage}. */
  int beginMessage(int fieldNumber) throws TooLargeException {
    tag(fieldNumber, WireReader.LEN);
    return pos;
  }

  /** Ends the field started at {@code mark}: inserts its length in front of its content. */
  void endMessage(int mark) throws TooLargeException {
    int len = pos - mark;
    int n = varintSize(len);
    ensure(n);
    System.arraycopy(buf, mark, buf, mark + n, len);
    int at = mark;
    long v = len;
    while ((v & ~0x7FL) != 0) {
      buf[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[at] = (byte) v;
    pos += n;
  }

  static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private void ensure(int n) throws TooLargeException {
    if (buf.length - pos >= n) {
      return;
    }
    long needed = (long) pos + n;
    if (needed > maxBytes) {
      throw new TooLargeException();
    }
    buf = Arrays.copyOf(buf, (int) Math.min(maxBytes, Math.max(needed, 2L * buf.length)));
  }
}
