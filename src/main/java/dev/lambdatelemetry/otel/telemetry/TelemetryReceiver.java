package dev.lambdatelemetry.otel.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * What the listeners (HTTP and TCP) do with a delivered body: read it within a size cap, drop a
 * {@code Sequence-Id} seen before, and hand it to the {@link TelemetryInbox}. Never throws, never
 * waits for conversion or export, never logs per delivery above DEBUG (our own output comes back to
 * us through the {@code extension} stream).
 */
public final class TelemetryReceiver {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.telemetry.listener");
  private static final int DEDUP_CAPACITY = 256;
  private static final int CHUNK = 8192;
  /** How long a delivery may wait for room in a full inbox before it is dropped (and counted). */
  static final long FULL_INBOX_WAIT_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);

  private final TelemetryInbox inbox;
  private final Runnable arrived;
  private final String path;
  private final int maxBodyBytes;
  private final SequenceDeduplicator sequences = new SequenceDeduplicator(DEDUP_CAPACITY);
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong oversized = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();

  /**
   * @param path the subscribed path ({@code /telemetry}); {@code /} is accepted as well, because
   *     the managed-instances emulator always posts to {@code /}
   * @param maxBodyBytes bodies longer than this are read to the end and dropped (counted)
   * @param arrived told after each delivery is taken (queued or dropped): SHUTDOWN waits for the
   *     deliveries to end
   */
  public TelemetryReceiver(TelemetryInbox inbox, String path, int maxBodyBytes, Runnable arrived) {
    this.inbox = inbox;
    this.arrived = arrived;
    this.path = normalise(path);
    this.maxBodyBytes = maxBodyBytes;
  }

  /** True when telemetry may be posted to {@code requestPath}. */
  public boolean acceptsPath(String requestPath) {
    String p = normalise(requestPath);
    return p.equals("/") || p.equals(path);
  }

  /** Takes one HTTP body. Always returns normally: the caller answers 200 whatever happened. */
  public void receive(InputStream body, String sequenceId) {
    receive(body, sequenceId, -1);
  }

  /**
   * Takes one HTTP body of {@code contentLength} bytes ({@code -1} when unknown). Always returns
   * normally: the caller answers 200 whatever happened.
   */
  public void receive(InputStream body, String sequenceId, long contentLength) {
    try {
      take(body, sequenceId, contentLength);
    } finally {
      arrived.run();
    }
  }

  private void take(InputStream body, String sequenceId, long contentLength) {
    Instant now = Instant.now();
    Read read;
    try {
      read = read(body, contentLength);
    } catch (IOException | RuntimeException e) {
      unreadable.incrementAndGet();
      LOG.debugf(e, "could not read a telemetry body");
      return;
    }
    if (read.status == Status.TOO_LARGE) {
      oversized.incrementAndGet();
      LOG.debugf("dropped a telemetry body over %d bytes", maxBodyBytes);
      return;
    }
    if (read.status == Status.NO_ROOM) {
      inbox.countDropped(read.length);
      LOG.debugf("inbox full: dropped a batch while reading it");
      return;
    }
    if (!sequences.firstTime(sequenceId)) {
      inbox.release(read.reserved);
      duplicates.incrementAndGet();
      LOG.debugf("batch %s seen before: acknowledged, not processed again", sequenceId);
      return;
    }
    if (!inbox.offerReserved(read.bytes, now, FULL_INBOX_WAIT_NANOS, read.reserved)) {
      LOG.debugf("inbox full: dropped a batch of %d bytes", read.bytes.length);
    }
  }

  /** Takes one TCP-protocol line (one event) read into {@code reserved} bytes of inbox room. */
  void receiveLine(byte[] line, long reserved) {
    if (!inbox.offerReserved(line, Instant.now(), FULL_INBOX_WAIT_NANOS, reserved)) {
      LOG.debugf("inbox full: dropped a line of %d bytes", line.length);
    }
    arrived.run();
  }

  /** Takes one TCP-protocol line (one event). */
  public void receiveLine(byte[] line) {
    receiveLine(line, 0);
  }

  /**
   * Room for a TCP line still being read, from the inbox's byte bound (shared by every connection
   * and by the bodies being read); false when there is none within the usual wait.
   */
  boolean reserve(long bytes) {
    return inbox.reserve(bytes, FULL_INBOX_WAIT_NANOS);
  }

  /** The inbox's byte bound: the most a line being read could ever hold. */
  long inboxBound() {
    return inbox.maxBytes();
  }

  /** Gives back room of a line that is not delivered after all. */
  void release(long bytes) {
    inbox.release(bytes);
  }

  /** A TCP line dropped for want of room in the inbox while it was read. */
  void lineDropped(long bytes) {
    inbox.countDropped(bytes);
    arrived.run();
  }

  /** A TCP line dropped for its length. */
  void lineTooLong() {
    oversized.incrementAndGet();
    arrived.run();
  }

  /** Batches acknowledged but not processed because their Sequence-Id was seen before. */
  public long duplicates() {
    return duplicates.get();
  }

  /** Bodies dropped for their size. */
  public long oversized() {
    return oversized.get();
  }

  /** Bodies that could not be read (connection cut mid-body). */
  public long unreadable() {
    return unreadable.get();
  }

  private enum Status { OK, TOO_LARGE, NO_ROOM }

  /** A body read: its bytes and the inbox room they hold, or why it was not kept. */
  private record Read(Status status, byte[] bytes, long reserved, long length) {}

  /**
   * Reads a body within the cap, taking its room in the inbox as it grows (sized at once from
   * {@code contentLength} when known, so that no copy doubles it); a body over the cap, or with no
   * room left, is read to its end and dropped. Every reservation is either handed back with the
   * result or released here.
   */
  private Read read(InputStream in, long contentLength) throws IOException {
    if (in == null) {
      return new Read(Status.OK, new byte[0], 0, 0);
    }
    if (contentLength > maxBodyBytes) {
      return new Read(Status.TOO_LARGE, null, 0, drain(in, new byte[CHUNK]));
    }
    byte[] chunk = new byte[CHUNK];
    byte[] buf = new byte[0];
    long reserved = 0;
    long len = 0;
    boolean done = false;
    try {
      if (contentLength > 0) {
        if (!inbox.reserve(contentLength, FULL_INBOX_WAIT_NANOS)) {
          return new Read(Status.NO_ROOM, null, 0, drain(in, chunk));
        }
        reserved = contentLength;
        buf = new byte[(int) contentLength];
      }
      int n;
      while ((n = in.read(chunk)) != -1) {
        if (len + n > maxBodyBytes) {
          buf = null;
          return new Read(Status.TOO_LARGE, null, 0, len + n + drain(in, chunk));
        }
        if (len + n > buf.length) {
          int capacity = (int) Math.min(maxBodyBytes, Math.max(buf.length * 2L, len + n));
          // Both arrays live while one is copied into the other: reserve for both. A doubling
          // that even an empty inbox could not give is cut to what it could; a body that cannot
          // grow at all within the bound is too large for it, not waiting for room.
          long couldGive = inbox.maxBytes() - buf.length;
          if (capacity > couldGive) {
            if (couldGive < len + n) {
              buf = null;
              return new Read(Status.TOO_LARGE, null, 0, len + n + drain(in, chunk));
            }
            capacity = (int) couldGive;
          }
          if (!inbox.reserve(capacity, FULL_INBOX_WAIT_NANOS)) {
            buf = null;
            return new Read(Status.NO_ROOM, null, 0, len + n + drain(in, chunk));
          }
          reserved += capacity;
          int old = buf.length;
          buf = Arrays.copyOf(buf, capacity);
          inbox.release(old);
          reserved -= old;
        }
        System.arraycopy(chunk, 0, buf, (int) len, n);
        len += n;
      }
      Read read;
      if (len == buf.length) {
        read = new Read(Status.OK, buf, reserved, len);
      } else {
        // Inside the try: this copy may fail (an OutOfMemoryError), and then the reservation
        // must still be given back, or the inbox would refuse everything from then on.
        byte[] exact = Arrays.copyOf(buf, (int) len);
        buf = null;
        inbox.release(reserved - len);
        reserved = len;
        read = new Read(Status.OK, exact, len, len);
      }
      done = true;
      return read;
    } finally {
      if (!done) {
        inbox.release(reserved);
      }
    }
  }

  /** Reads {@code in} to its end; returns how many bytes that was. */
  private static long drain(InputStream in, byte[] chunk) throws IOException {
    long total = 0;
    int n;
    while ((n = in.read(chunk)) != -1) {
      total += n;
    }
    return total;
  }

  private static String normalise(String p) {
    if (p == null || p.isEmpty()) {
      return "/";
    }
    String s = p.startsWith("/") ? p : "/" + p;
    return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
