package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.export.ExportPipeline.ShutdownRound;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * SHUTDOWN, the whole of it, in the order it runs. The process must have exited by the event's
 * deadline less {@code shutdown.safety-margin} (called "the deadline" below); every wait is bounded.
 *
 * <ol>
 *   <li><b>Stop background export</b> (Managed Instances' periodic export), by the deadline less
 *       {@link #EXPORT_RESERVE}: from here on this sequence says when to export, and a background
 *       request hanging on the collector must not hold the exit. A telemetry side still being built
 *       is stopped as soon as it is there.
 *   <li><b>Wait for what is still to come.</b> After invocations on demand, the last invocation's
 *       {@code platform.report} is generated after our last {@code next}: it comes now, behind
 *       everything else of that invocation; wait for it {@code shutdown.grace} at most. With no
 *       request to wait for (Managed Instances, or no invocation yet), nothing says what is still to
 *       come, and the platform flushes what it buffered only now: stay until the deadline less
 *       {@link #EXPORT_RESERVE}, exporting what arrives as it arrives ({@link
 *       ShutdownRound#WHILE_DELIVERING}: spans waiting for their report stay held, the report may be
 *       in the next delivery), a round after each delivery that went {@link #QUIET}. In local mode
 *       nothing comes: no wait.
 *   <li><b>Final export rounds.</b> Drain conversion on the processing thread (behind every batch
 *       received, so that the last report is converted before the held spans are released) and
 *       export everything, metrics included ({@link ShutdownRound#FINAL}). The listener stays up until
 *       we exit: if deliveries came during a round (a late flush, a CPU starved at 128 MB), wait for
 *       them to go quiet and export another round, unless the round ended with less than {@link
 *       #LAST_ROUND_RESERVE} left.
 *   <li><b>Shut the pipeline down</b>: drain once more (normally nothing), export what is left, close
 *       the exporters, by the deadline.
 * </ol>
 *
 * <p>Each conversion drain waits for the processing thread at most half of the time left: the other
 * half is the export's. Each step waits for the telemetry side to be ready within its own deadline
 * and is skipped if it is not: the next step (and the exit) still comes. Each step is guarded
 * ({@link FailOpen}): whatever it throws, the sequence goes on to the exit.
 */
final class ShutdownSequence {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle.loop");
  private static final Logger FLUSH_LOG =
      Logger.getLogger("dev.lambdatelemetry.otel.lifecycle.flush");

  /**
   * A gap this long after a delivery means the platform's deliveries are over: it then sends what it
   * buffered without waiting for the buffering timeout, one batch after the other.
   */
  static final Duration QUIET = Duration.ofMillis(100);
  /** The waits for telemetry end this long before the deadline: the export's time. */
  static final Duration EXPORT_RESERVE = Duration.ofMillis(500);
  /** No further export round starts after one that ended with less than this left. */
  static final Duration LAST_ROUND_RESERVE = Duration.ofMillis(200);

  /**
   * @param grace {@code shutdown.grace}: the longest wait for the last invocation's report
   * @param safetyMargin {@code shutdown.safety-margin}: kept free before the event's deadline
   */
  record Settings(Duration grace, Duration safetyMargin) {
    static Settings from(ExtensionConfig config) {
      return new Settings(config.shutdown().grace(), config.shutdown().safetyMargin());
    }
  }

  private final Ready<TelemetrySide> telemetry;
  private final Barrier barrier;
  private final Settings settings;
  private final TelemetryMode mode;
  private final FailOpen guard;
  private final LifecycleClock clock;

  ShutdownSequence(Ready<TelemetrySide> telemetry, Barrier barrier, Settings settings,
      TelemetryMode mode, FailOpen guard, LifecycleClock clock) {
    this.telemetry = telemetry;
    this.barrier = barrier;
    this.settings = settings;
    this.mode = mode;
    this.guard = guard;
    this.clock = clock;
  }

  /**
   * Runs SHUTDOWN through; returns when the process may exit.
   *
   * @param lastRequestId the last invocation's request id; null when there was none
   */
  void run(NextEvent.Shutdown shutdown, String lastRequestId) throws InterruptedException {
    long startNanos = clock.nanoTime();
    long deadlineNanos =
        clock.deadlineNanos(shutdown.deadlineMs(), settings.safetyMargin(), startNanos);
    long waitBy = deadlineNanos - EXPORT_RESERVE.toNanos();

    // 1. Background export stops.
    guard.run("shutdown start", () -> stopBackground(clock.wallAt(waitBy)));

    // 2. What is still to come.
    if (mode.awaitsPlatformEvents() && lastRequestId != null) {
      long graceEnd = Math.min(waitBy, startNanos + settings.grace().toNanos());
      barrier.awaitReport(lastRequestId, graceEnd);
    } else if (mode.expectsTelemetry()) {
      stayForLateDeliveries(waitBy, deadlineNanos);
    }

    // 3. Final rounds, while deliveries keep coming and the deadline allows.
    long lastRoundBy = deadlineNanos - LAST_ROUND_RESERVE.toNanos();
    for (int round = 1; ; round++) {
      long roundStart = clock.nanoTime();
      long arrivals = barrier.arrivals();
      guard.run("export at shutdown", () -> exportAll(clock.wallAt(deadlineNanos)));
      if (!mode.expectsTelemetry() || barrier.arrivals() == arrivals
          || clock.nanoTime() - lastRoundBy >= 0) {
        LOG.debugf("SHUTDOWN: %d final export round(s)", round);
        break;
      }
      barrier.awaitQuiet(roundStart, QUIET.toNanos(), lastRoundBy);
    }

    // 4. The pipeline shuts down.
    guard.run("shutdown", () -> shutDown(clock.wallAt(deadlineNanos)));
  }

  private void stopBackground(Instant stopBy) {
    // Not ready yet: whatever it starts in the background once ready is stopped then.
    telemetry.whenReady(side -> side.stopBackground(stopBy));
  }

  /** Until {@code stayUntil}, a round for what has arrived, each after the deliveries went quiet. */
  private void stayForLateDeliveries(long stayUntil, long deadlineNanos)
      throws InterruptedException {
    while (clock.nanoTime() - stayUntil < 0) {
      long roundStart = clock.nanoTime();
      // The round may outlast the stay: a request started late must not be cut (and its items
      // lost) by the stay's end; the rounds after it get what is left.
      guard.run("export while staying", () -> exportArrived(clock.wallAt(deadlineNanos)));
      // Until a delivery has come since this round began and gone quiet, or the stay ends.
      barrier.awaitQuiet(roundStart, QUIET.toNanos(), stayUntil);
    }
  }

  private void exportArrived(Instant deadline) {
    Optional<TelemetrySide> side = telemetry.await(deadline);
    if (side.isEmpty()) {
      return;
    }
    if (!side.get().catchUp(halfwayTo(deadline))) {
      FLUSH_LOG.debug("[flush] conversion did not catch up in time; exporting what is ready");
    }
    // No line of ours per round: it would come back as a delivery and call for another round (the
    // pipeline logs the flushes worth a line).
    side.get().flushAtShutdown(deadline, ShutdownRound.WHILE_DELIVERING);
  }

  private void exportAll(Instant deadline) {
    Optional<TelemetrySide> side = telemetry.await(deadline);
    if (side.isEmpty()) {
      return;
    }
    drain(side.get(), deadline);
    // As above: a line here would come back as a delivery and call for another export round.
    side.get().flushAtShutdown(deadline, ShutdownRound.FINAL);
  }

  private void shutDown(Instant deadline) {
    Optional<TelemetrySide> side = telemetry.await(deadline);
    if (side.isEmpty()) {
      return;
    }
    // Whatever came after the last round's drain (normally nothing) is converted and exported.
    drain(side.get(), deadline);
    side.get().shutdown(deadline);
    FLUSH_LOG.debugf("[flush] shut down: %s", side.get().statsLine());
  }

  private void drain(TelemetrySide side, Instant deadline) {
    if (!side.drain(halfwayTo(deadline))) {
      FLUSH_LOG.debug("[flush] conversion did not drain in time; exporting what is ready");
    }
  }

  /** Half of the time left before {@code deadline}: the other half is the export's. */
  private Instant halfwayTo(Instant deadline) {
    Instant now = clock.now();
    long leftMs = Duration.between(now, deadline).toMillis();
    return now.plusMillis(Math.max(0, leftMs / 2));
  }
}
