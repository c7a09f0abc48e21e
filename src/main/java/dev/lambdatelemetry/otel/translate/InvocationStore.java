package dev.lambdatelemetry.otel.translate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The invocations of one environment by {@code requestId}: those held for their report (in arrival
 * order, oldest first), a bounded memory of recently emitted ones (so late reports and log lines still
 * find their invocation and nothing is emitted twice), and ARNs from INVOKE events that came before
 * their {@code platform.start}.
 */
final class InvocationStore {

  /**
   * How many emitted invocations are remembered: far more than can be in flight at once (a report
   * comes at most a couple of batches late). Each costs ~1.5 KB of heap with its records, and the
   * layer's heap is small: 1 024 of them were measured at ~1.5 MB of the ~10 MB live set.
   */
  static final int RECENT_CAPACITY = 256;

  /** How many INVOKE ARNs may wait for their platform.start. */
  static final int PENDING_ARN_CAPACITY = 64;

  private final Map<String, InvocationState> held = new LinkedHashMap<>();
  private final Map<String, InvocationState> recent = bounded(RECENT_CAPACITY);
  private final Map<String, String> pendingArns = bounded(PENDING_ARN_CAPACITY);

  /** The held or recently emitted invocation, or null. */
  InvocationState find(String requestId) {
    if (requestId == null) {
      return null;
    }
    InvocationState state = held.get(requestId);
    return state != null ? state : recent.get(requestId);
  }

  void hold(InvocationState state) {
    state.invokedArn = pendingArns.remove(state.requestId);
    held.put(state.requestId, state);
  }

  /** Moves an emitted invocation from the held set to the recent memory. */
  void retire(InvocationState state) {
    held.remove(state.requestId);
    recent.put(state.requestId, state);
  }

  int heldCount() {
    return held.size();
  }

  /** The oldest held invocation, or null. */
  InvocationState oldestHeld() {
    return held.isEmpty() ? null : held.values().iterator().next();
  }

  /** A snapshot of the held invocations, oldest first (safe to retire while iterating it). */
  List<InvocationState> heldSnapshot() {
    return new ArrayList<>(held.values());
  }

  void rememberArn(String requestId, String arn) {
    pendingArns.put(requestId, arn);
  }

  private static <V> Map<String, V> bounded(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }
}
