package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.export.FlushPolicy;
import dev.lambdatelemetry.otel.export.FlushResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One invocation, from its INVOKE event to the moment the event loop may call {@code next} again:
 *
 * <ol>
 *   <li>tell the converter about the INVOKE, and start a flush in the background if the {@link
 *       FlushPolicy} says so at an invocation's start (the {@code adaptive} strategy under frequent
 *       invocations): it overlaps the function's own work;
 *   <li>wait for the invocation's {@code platform.runtimeDone} (only in {@link
 *       TelemetryMode#PLATFORM_EVENTS}), in slices of about a second, asking the policy at each
 *       slice whether a long invocation gets a backstop flush; the wait ends by the invocation's
 *       deadline less {@code invoke.deadline-margin}, and by {@code invoke.max-wait};
 *   <li>settle a background flush still under way: it may finish within the flush budget, then it
 *       is cut as the end-of-invocation flush would be, so that nothing is in flight at {@code next};
 *   <li>flush if the policy says so at an invocation's end, within the flush budget: {@code
 *       export.first-flush-budget} the very first time, {@code export.flush-budget} after.
 * </ol>
 *
 * <p>Why it waits and flushes before {@code next}: calling {@code next} tells Lambda we are done, and
 * Lambda then freezes the whole sandbox, possibly for hours. Data not exported before {@code next}
 * leaves only at the next thaw.
 *
 * <p>The telemetry side is built on its own thread during init: each step waits for it within its
 * own deadline and is skipped if it is not there in time. That wait is part of the flush budget, not
 * added to it. Each step is guarded ({@link FailOpen}): whatever it throws, the flow goes on.
 */
final class InvocationFlow {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle.flush");
  private static final Logger LOOP_LOG =
      Logger.getLogger("dev.lambdatelemetry.otel.lifecycle.loop");

  /** How often a long wait for runtimeDone looks up to offer a backstop flush. */
  static final Duration WAIT_SLICE = Duration.ofSeconds(1);
  /** How long an INVOKE may wait for the telemetry side to be ready before going on without it. */
  static final Duration INVOKE_START_WAIT = Duration.ofMillis(500);

  /**
   * @param maxWait {@code invoke.max-wait}: the longest wait for runtimeDone
   * @param deadlineMargin {@code invoke.deadline-margin}: kept free before the invocation's deadline
   * @param flushBudget {@code export.flush-budget}
   * @param firstFlushBudget {@code export.first-flush-budget}; never less than {@code flushBudget}
   */
  record Settings(
      Duration maxWait, Duration deadlineMargin, Duration flushBudget, Duration firstFlushBudget) {

    Settings {
      firstFlushBudget = firstFlushBudget.compareTo(flushBudget) > 0 ? firstFlushBudget : flushBudget;
    }

    static Settings from(ExtensionConfig config) {
      return new Settings(config.invoke().maxWait(), config.invoke().deadlineMargin(),
          config.export().flushBudget(), config.export().firstFlushBudget());
    }
  }

  private final Ready<TelemetrySide> telemetry;
  private final Barrier barrier;
  private final Settings settings;
  private final TelemetryMode mode;
  private final FailOpen guard;
  private final LifecycleClock clock;
  private boolean firstFlushDone;
  /** The side whose background flush this invocation started, until it is settled. */
  private TelemetrySide inBackground;
  /** Whether that background flush was the environment's first flush (its budget is the larger). */
  private boolean backgroundWasFirst;

  InvocationFlow(Ready<TelemetrySide> telemetry, Barrier barrier, Settings settings,
      TelemetryMode mode, FailOpen guard, LifecycleClock clock) {
    this.telemetry = telemetry;
    this.barrier = barrier;
    this.settings = settings;
    this.mode = mode;
    this.guard = guard;
    this.clock = clock;
  }

  /** Runs the invocation through; returns when the loop may call {@code next}. */
  void run(NextEvent.Invoke invoke) throws InterruptedException {
    long startNanos = clock.nanoTime();
    Instant start = clock.now();
    guard.run("invokeStarted", () -> started(invoke, start));
    // Everything below is bounded by the invocation's own deadline: never push it into a timeout.
    long deadlineNanos =
        clock.deadlineNanos(invoke.deadlineMs(), settings.deadlineMargin(), startNanos);
    long waitUntil = Math.min(deadlineNanos, startNanos + settings.maxWait().toNanos());
    if (mode.awaitsPlatformEvents() && !awaitRuntimeDone(invoke, start, waitUntil)) {
      LOOP_LOG.debugf("no platform.runtimeDone for %s in time; going on", invoke.requestId());
    }
    Instant flushDeadline = clock.wallAt(deadlineNanos);
    // The budget counts from here: a wait for the telemetry side to be ready is part of it.
    Instant handedOver = clock.now();
    // First the function's late export and the join's decision, so that what the background flush
    // and the end flush take of the function's spans goes out joined.
    guard.run("settleInvocation", () -> telemetry.await(flushDeadline)
        .ifPresent(s -> s.settleInvocation(invoke.requestId(), flushDeadline)));
    guard.run("settleBackground", () -> settleBackground(handedOver, flushDeadline));
    guard.run("invokeFinished", () -> finished(handedOver, flushDeadline));
  }

  private void started(NextEvent.Invoke invoke, Instant now) {
    Instant invokeDeadline = Instant.ofEpochMilli(invoke.deadlineMs());
    Instant readyBy = now.plus(INVOKE_START_WAIT);
    Optional<TelemetrySide> side =
        telemetry.await(readyBy.isBefore(invokeDeadline) ? readyBy : invokeDeadline);
    if (side.isEmpty()) {
      return;
    }
    side.get().onInvoke(invoke);
    FlushPolicy.Decision decision =
        side.get().policy().atInvokeStart(now, side.get().pendingShare());
    if (decision == FlushPolicy.Decision.FLUSH) {
      flush(side.get(), now, invokeDeadline);
    } else if (decision == FlushPolicy.Decision.BACKGROUND) {
      // It may run as long as the invocation: it is settled before next whatever happens.
      inBackground = side.get();
      backgroundWasFirst = !firstFlushDone;
      firstFlushDone = true;
      // One that did not start (the last one still ends) is not a flush: the next start asks again.
      if (side.get().flushInBackground(invokeDeadline.minus(settings.deadlineMargin()))) {
        side.get().policy().flushed(now);
      }
    }
  }

  /** Waits in slices, so that a long invocation still gets its backstop flushes. */
  private boolean awaitRuntimeDone(NextEvent.Invoke invoke, Instant start, long waitUntil)
      throws InterruptedException {
    while (true) {
      long slice = Math.min(waitUntil, clock.nanoTime() + WAIT_SLICE.toNanos());
      if (barrier.awaitRuntimeDone(invoke.requestId(), slice)) {
        return true;
      }
      if (clock.nanoTime() >= waitUntil) {
        return false;
      }
      guard.run("stillRunning", () -> stillRunning(invoke, start));
    }
  }

  /** A backstop flush, if the side is there now: a long invocation does not wait for it. */
  private void stillRunning(NextEvent.Invoke invoke, Instant start) {
    Optional<TelemetrySide> side = telemetry.now();
    Instant now = clock.now();
    if (side.isPresent()
        && side.get().policy().duringInvoke(start, now) == FlushPolicy.Decision.FLUSH) {
      flush(side.get(), now, Instant.ofEpochMilli(invoke.deadlineMs()));
    }
  }

  /**
   * A background flush still under way gets what the end-of-invocation flush would (the same budget
   * from the same moment), then is cut: nothing is in flight at next. Under {@code continuous} on an
   * environment that freezes, its periodic flushes are held until the next INVOKE too.
   */
  private void settleBackground(Instant handedOver, Instant flushDeadline) {
    TelemetrySide side = inBackground;
    inBackground = null;
    if (side == null) {
      side = telemetry.now().filter(s -> s.policy().backgroundInterval().isPresent()).orElse(null);
    }
    if (side != null) {
      Instant byBudget = handedOver.plus(
          backgroundWasFirst ? settings.firstFlushBudget() : settings.flushBudget());
      backgroundWasFirst = false;
      side.settleBackground(byBudget.isBefore(flushDeadline) ? byBudget : flushDeadline);
    }
  }

  private void finished(Instant handedOver, Instant flushDeadline) {
    Optional<TelemetrySide> side = telemetry.await(flushDeadline);
    if (side.isPresent()
        && side.get().policy().atInvokeEnd(clock.now()) == FlushPolicy.Decision.FLUSH) {
      flush(side.get(), handedOver, flushDeadline);
    }
  }

  private void flush(TelemetrySide side, Instant since, Instant deadline) {
    // Only the very first flush gets the larger budget, whatever its outcome: a collector that hangs
    // must cost the function at most that once (the breaker then stops further attempts).
    Instant byBudget =
        since.plus(firstFlushDone ? settings.flushBudget() : settings.firstFlushBudget());
    Instant until = byBudget.isBefore(deadline) ? byBudget : deadline;
    if (!until.isAfter(clock.now())) {
      return; // the budget went on waiting: the data stays queued for the next flush
    }
    firstFlushDone = true;
    FlushResult result = side.flush(until);
    side.policy().flushed(clock.now());
    LOG.debugf("[flush] %s", result);
  }
}
