package dev.lambdatelemetry.otel.export;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The parts of one flush that run on the executor beside the flushing thread (the platform's logs, and
 * each signal of the function's data), each with a {@link FlushState} of its own, and the wait for
 * them. Side by side because on a healthy collector a flush then costs one round trip, not one per
 * part, and each part keeps its own retries inside the same deadline.
 *
 * <p>The wait lasts until the requests' deadline; then every request in flight is cut and the parts
 * get until the flush's own deadline (at least {@code partGrace}) to notice. They are merged into the
 * flush's state only once all have ended; parts that have not (a starved CPU) are told to stop and
 * left to end on their own ({@link FlushGate#leaveBehind}): they start nothing more (the window is
 * closed), and what they hold goes back to its queue or is counted.
 */
final class FlushParts {

  private record Part(FlushState state, CompletableFuture<Void> done) {}

  private final Executor executor;
  private final InFlight inFlight;
  private final FlushGate gate;
  private final Clock clock;
  private final List<Part> parts = new ArrayList<>(4);

  FlushParts(Executor executor, InFlight inFlight, FlushGate gate, Clock clock) {
    this.executor = executor;
    this.inFlight = inFlight;
    this.gate = gate;
    this.clock = clock;
  }

  /** Starts {@code work} on the executor, with a state of its own bounded as {@code flush} is. */
  void start(FlushState flush, Consumer<FlushState> work) {
    FlushState own = new FlushState(flush.deadline, flush.cancelled);
    parts.add(new Part(own, CompletableFuture.runAsync(() -> work.accept(own), executor)));
  }

  /**
   * Waits for every part started (see the class comment) and merges what they did into {@code
   * state}.
   *
   * @param flushDeadline the flush's own deadline, a little after the requests' ({@code
   *     state.deadline})
   * @param partGrace the least time the parts get to notice their requests were cut
   */
  void awaitAll(FlushState state, Instant flushDeadline, Duration partGrace) {
    if (parts.isEmpty()) {
      return;
    }
    CompletableFuture<Void> all =
        CompletableFuture.allOf(parts.stream().map(Part::done).toArray(CompletableFuture[]::new));
    try {
      try {
        all.get(Math.max(0, Duration.between(clock.instant(), state.deadline).toNanos()),
            TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        inFlight.abandonAll();
        long grace = Duration.between(clock.instant(), flushDeadline).toNanos();
        all.get(Math.max(partGrace.toNanos(), grace), TimeUnit.NANOSECONDS);
      }
      parts.forEach(p -> state.merge(p.state()));
    } catch (TimeoutException e) {
      // Their requests ran past the deadline and were cut: nothing acknowledged, a failed flush.
      leaveBehind(all, state);
      state.collectorFailed = true;
    } catch (ExecutionException e) {
      // allOf fails only once every part has ended: all can be merged.
      state.error = e.getCause();
      parts.forEach(p -> state.merge(p.state()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      leaveBehind(all, state);
    }
  }

  private void leaveBehind(CompletableFuture<Void> all, FlushState state) {
    gate.leaveBehind(all);
    parts.forEach(p -> p.state().stopped = true);
    state.stopped = true;
  }
}
