package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * What the flushes have learnt of the collector: the {@link CircuitBreaker} they feed, and the few
 * lines that tell the user about it (once per outage, a rejection at most every {@value
 * #REJECT_WARN_EVERY_MINUTES} minutes). Apart from the flush because these are decisions about a
 * series of flushes, not one: a flush only reports how it went ({@link #flushEnded}).
 *
 * <p>Rare lines on purpose: our own output comes back to us as telemetry. Used under the pipeline's
 * flush lock, except {@link #describe()}, which only reads.
 */
final class CollectorHealth {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.export");
  private static final long REJECT_WARN_EVERY_MINUTES = 5;
  private static final Duration REJECT_WARN_EVERY = Duration.ofMinutes(REJECT_WARN_EVERY_MINUTES);

  private final CircuitBreaker breaker;
  private final Clock clock;
  private volatile Instant lastRejectWarning;

  CollectorHealth(CircuitBreaker breaker, Clock clock) {
    this.breaker = breaker;
    this.clock = clock;
  }

  /** Whether the breaker keeps ordinary flushes from trying at {@code now}. */
  boolean breakerOpen(Instant now) {
    return breaker.isOpen(now);
  }

  /**
   * Feeds the breaker with how a flush went: a failure counts towards opening it (and a probe that
   * failed keeps it open longer); a flush that reached the collector closes it; a flush stopped by
   * the pipeline itself, or that started no request, says nothing of the collector.
   */
  void flushEnded(FlushState state) {
    if (state.cancelled.getAsBoolean()) {
      LOG.debug("[export] flush stopped by the pipeline's own stop");
    } else if (state.collectorFailed) {
      boolean wasTripped = breaker.tripped();
      breaker.onFailure(clock.instant());
      if (!wasTripped && breaker.tripped()) {
        // Once per outage, not per flush: our own output comes back to us as telemetry.
        LOG.warnf("the collector is failing (%s); exports pause for %d ms, data stays"
                + " queued (bounded) and is retried after", state.lastFailure,
            breaker.lastWait().toMillis());
      }
    } else if (state.attempted) {
      if (breaker.tripped() && !state.finalFlush) {
        LOG.info("the collector answers again; exports resume");
      }
      breaker.onSuccess();
    }
  }

  /** The warm-up's empty request failed or hung: a failed flush for the breaker. */
  void warmUpFailed() {
    breaker.onFailure(clock.instant());
  }

  /** A collector that rejects data (400, 401, 413, …) is a configuration problem: say so, rarely. */
  void rejected(Signal signal, int items, String detail) {
    Instant now = clock.instant();
    Instant last = lastRejectWarning;
    if (last == null || Duration.between(last, now).compareTo(REJECT_WARN_EVERY) > 0) {
      lastRejectWarning = now;
      LOG.warnf("the collector rejected %d %s items: %s (further rejections: debug log"
          + " and lambda_telemetry.export.items{outcome=failed})", items, signal.key(), detail);
    } else {
      LOG.debugf("[export] %s: %d items rejected: %s", signal.key(), items, detail);
    }
  }

  /** {@code closed}, or {@code open until …}, for the stats line. */
  String describe() {
    Instant openUntil = breaker.openUntil();
    return openUntil == null ? "closed" : "open until " + openUntil;
  }

  CircuitBreaker breaker() {
    return breaker;
  }
}
