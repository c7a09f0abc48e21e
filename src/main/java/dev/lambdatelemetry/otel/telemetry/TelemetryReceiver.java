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
    try {
      take(body, sequenceId);
    } finally {
      arrived.run();
    }
  }

  private void take(InputStream body, String sequenceId) {
    Instant now = Instant.now();
    byte[] bytes;
    try {
      bytes = readCapped(body);
    } catch (IOException | RuntimeException e) {
      unreadable.incrementAndGet();
      LOG.debugf(e, "could not read a telemetry body");
      return;
    }
    if (bytes == null) {
      oversized.incrementAndGet();
      LOG.debugf("dropped a telemetry body over %d bytes", maxBodyBytes);
      return;
    }
    if (!sequences.firstTime(sequenceId)) {
      duplicates.incrementAndGet();
      LOG.debugf("batch %s seen before: acknowledged, not processed again", sequenceId);
      return;
    }
    if (!inbox.offer(bytes, now, false, FULL_INBOX_WAIT_NANOS)) {
      LOG.debugf("inbox full: dropped a batch of %d bytes", bytes.length);
    }
  }

  /** Takes one TCP-protocol line (one event). */
  public void receiveLine(byte[] line) {
    if (!inbox.offer(line, Instant.now(), true, FULL_INBOX_WAIT_NANOS)) {
      LOG.debugf("inbox full: dropped a line of %d bytes", line.length);
    }
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

  /** Returns the bytes, or null when the body is longer than the cap (then drained to its end). */
  private byte[] readCapped(InputStream in) throws IOException {
    if (in == null) {
      return new byte[0];
    }
    byte[] buf = new byte[8192];
    int len = 0;
    boolean over = false;
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) != -1) {
      if (over) {
        continue;
      }
      if (len + n > maxBodyBytes) {
        over = true;
        buf = null;
        continue;
      }
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.min(maxBodyBytes, Math.max(buf.length * 2, len + n)));
      }
      System.arraycopy(chunk, 0, buf, len, n);
      len += n;
    }
    return over ? null : Arrays.copyOf(buf, len);
  }

  private static String normalise(String p) {
    if (p == null || p.isEmpty()) {
      return "/";
    }
    String s = p.startsWith("/") ? p : "/" + p;
    return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
