package dev.lambdatelemetry.otel.lifecycle;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The barrier as the tests script it: events and deliveries come when the test says (directly, or
 * scheduled on the {@link FakeClock}); its waits let the clock's time pass.
 */
final class FakeBarrier implements Barrier {

  private final FakeClock clock;
  private final Set<String> runtimeDone = new HashSet<>();
  private final Set<String> reported = new HashSet<>();
  private long arrivals;
  private long lastArrivalNanos;
  /** The deadline of each wait for runtimeDone, in order. */
  final List<Long> runtimeDoneWaits = new ArrayList<>();
  /** The deadline of each wait for a report, in order. */
  final List<Long> reportWaits = new ArrayList<>();

  FakeBarrier(FakeClock clock) {
    this.clock = clock;
  }

  void runtimeDone(String requestId) {
    runtimeDone.add(requestId);
  }

  void reported(String requestId) {
    reported.add(requestId);
    runtimeDone.add(requestId);
  }

  /** A delivery reached the inbox now. */
  void arrived() {
    arrivals++;
    lastArrivalNanos = clock.nanoTime();
  }

  @Override
  public boolean awaitRuntimeDone(String requestId, long deadlineNanos) {
    runtimeDoneWaits.add(deadlineNanos);
    return clock.waitUntil(() -> runtimeDone.contains(requestId), deadlineNanos);
  }

  @Override
  public boolean awaitReport(String requestId, long deadlineNanos) {
    reportWaits.add(deadlineNanos);
    return clock.waitUntil(() -> reported.contains(requestId), deadlineNanos);
  }

  @Override
  public long arrivals() {
    return arrivals;
  }

  @Override
  public void awaitQuiet(long sinceNanos, long quietNanos, long deadlineNanos) {
    // As InvocationBarrier: until a delivery since sinceNanos has been followed by quietNanos
    // without another, or the deadline.
    while (true) {
      long seen = arrivals;
      long until = deadlineNanos;
      if (arrivals > 0 && lastArrivalNanos - sinceNanos >= 0
          && lastArrivalNanos + quietNanos - deadlineNanos < 0) {
        until = lastArrivalNanos + quietNanos;
      }
      if (clock.nanoTime() - until >= 0 || !clock.waitUntil(() -> arrivals != seen, until)) {
        return;
      }
    }
  }
}
