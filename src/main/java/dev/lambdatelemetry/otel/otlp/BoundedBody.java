package dev.lambdatelemetry.otel.otlp;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * A request body collected into one array, never past {@code maxBytes}, its capacity reserved from the
 * shared {@link InFlightBudget}. Past the limit (or the budget) it stops keeping bytes and only
 * records why: the rest of the body is read and dropped, so the client still gets a clean answer
 * instead of a reset connection it would retry.
 */
final class BoundedBody {

  /** Where collection stands. */
  enum State { COLLECTING, TOO_LARGE, OVER_BUDGET }

  private static final int FIRST_CAPACITY = 16 * 1024;

  private final int maxBytes;
  private final InFlightBudget budget;
  private byte[] buf = new byte[0];
  private int length;
  private long reserved;
  private State state = State.COLLECTING;

  BoundedBody(int maxBytes, InFlightBudget budget) {
    this.maxBytes = maxBytes;
    this.budget = budget;
  }

  /** Reserves room for a body announced by its Content-Length, so the array is allocated once. */
  void expect(long contentLength) {
    if (contentLength > maxBytes) {
      state = State.TOO_LARGE;
    } else if (contentLength > 0 && state == State.COLLECTING) {
      grow((int) contentLength);
    }
  }

  void append(byte[] src, int off, int len) {
    if (room(len)) {
      System.arraycopy(src, off, buf, length, len);
      length += len;
    }
  }

  /** Appends a chunk as Vert.x delivers it, copied once, straight into the body's array. */
  void append(Buffer chunk) {
    int len = chunk.length();
    if (room(len)) {
      chunk.getBytes(0, len, buf, length);
      length += len;
    }
  }

  private boolean room(int len) {
    if (state != State.COLLECTING) {
      return false;
    }
    if (len > maxBytes - length) {
      drop(State.TOO_LARGE);
      return false;
    }
    if (length + len > buf.length) {
      int want = (int) Math.min(maxBytes, Math.max((long) length + len,
          Math.max(FIRST_CAPACITY, 2L * buf.length)));
      return grow(want);
    }
    return true;
  }

  State state() {
    return state;
  }

  byte[] array() {
    return buf;
  }

  int length() {
    return length;
  }

  /** Gives the buffer back to the budget; the body is empty afterwards. */
  void release() {
    budget.release(reserved);
    reserved = 0;
    buf = new byte[0];
    length = 0;
  }

  private boolean grow(int capacity) {
    long more = capacity - buf.length;
    if (more <= 0) {
      return true;
    }
    if (!budget.tryReserve(more)) {
      drop(State.OVER_BUDGET);
      return false;
    }
    reserved += more;
    buf = Arrays.copyOf(buf, capacity);
    return true;
  }

  private void drop(State why) {
    state = why;
    release();
  }
}
