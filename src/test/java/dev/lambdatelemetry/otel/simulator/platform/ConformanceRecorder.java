package dev.lambdatelemetry.otel.simulator.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Everything the extension sent, and every way it broke the platform's rules. Thread-safe: HTTP handler
 * threads, delivery threads and the scenario runner all write here.
 */
public final class ConformanceRecorder {

  private static final Logger LOG = Logger.getLogger(ConformanceRecorder.class);

  // A plain list under this object's lock: a 20 000-invocation benchmark records ~60 000 calls, and a
  // copy-on-write list would copy the whole history on each of them.
  private final List<RecordedCall> calls = new ArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final AtomicLong acceptedBytes = new AtomicLong();
  private final AtomicLong acceptedEvents = new AtomicLong();
  private final AtomicLong failedPosts = new AtomicLong();
  private final AtomicLong droppedRecords = new AtomicLong();

  /** Records {@code call} and returns its index, so its status can be filled in when answered. */
  synchronized int record(RecordedCall call) {
    calls.add(call);
    return calls.size() - 1;
  }

  synchronized void answered(int index, int status) {
    calls.set(index, calls.get(index).withStatus(status));
  }

  private volatile boolean shutdownSent;

  /** SHUTDOWN is on its way: from now on an extension may be gone, and its listener with it. */
  public void shutdownSent() {
    shutdownSent = true;
  }

  boolean isShutdownSent() {
    return shutdownSent;
  }

  public void violation(String message) {
    LOG.debugf("violation: %s", message);
    violations.add(message);
  }

  void warning(String message) {
    if (!warnings.contains(message)) {
      warnings.add(message);
    }
  }

  public synchronized List<RecordedCall> calls() {
    return List.copyOf(calls);
  }

  /** The first recorded call to {@code path}, if any. */
  public synchronized java.util.Optional<RecordedCall> firstCall(String path) {
    return calls.stream().filter(call -> call.path().equals(path)).findFirst();
  }

  /** A batch the listener accepted: {@code bytes} of body holding {@code events} events. */
  void accepted(long bytes, int events) {
    acceptedBytes.addAndGet(bytes);
    acceptedEvents.addAndGet(events);
  }

  /** A POST the listener failed or answered with a non-2xx status. */
  void failedPost() {
    failedPosts.incrementAndGet();
  }

  /** Records the platform gave up on after its retry, and reported in {@code platform.logsDropped}. */
  void dropped(int records) {
    droppedRecords.addAndGet(records);
  }

  /** Totals so far, for one phase's figures (subtract two snapshots). */
  public DeliveryTotals deliveryTotals() {
    return new DeliveryTotals(acceptedBytes.get(), acceptedEvents.get(), failedPosts.get(), droppedRecords.get());
  }

  /**
   * Telemetry delivery totals.
   *
   * @param bytes          body bytes of every batch a listener accepted
   * @param events         events in those batches
   * @param failedPosts    POSTs that failed or were answered non-2xx (each is retried once)
   * @param droppedRecords events the platform dropped after a failed retry ({@code platform.logsDropped})
   */
  public record DeliveryTotals(long bytes, long events, long failedPosts, long droppedRecords) {
    public DeliveryTotals minus(DeliveryTotals earlier) {
      return new DeliveryTotals(bytes - earlier.bytes, events - earlier.events,
          failedPosts - earlier.failedPosts, droppedRecords - earlier.droppedRecords);
    }
  }

  public List<String> violations() {
    return List.copyOf(new ArrayList<>(violations));
  }

  public List<String> warnings() {
    return List.copyOf(new ArrayList<>(warnings));
  }
}
