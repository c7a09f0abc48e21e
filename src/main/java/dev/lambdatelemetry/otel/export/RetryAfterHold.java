package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per signal, the time before which no request goes to the collector because its {@code Retry-After}
 * named it. Apart from the retrier because it outlives a request and a flush: the next flushes ask it
 * before they take a batch, and the metrics export before it collects.
 *
 * <p>Capped at {@value #MAX_RETRY_AFTER_S} s and at the breaker's longest wait: a collector's hour
 * must not silence us for an hour. Thread-safe (the traces and logs parts run side by side).
 */
final class RetryAfterHold {

  /** The longest {@code Retry-After} honoured. */
  static final long MAX_RETRY_AFTER_S = 60;

  private final Clock clock;
  private final Duration cap;
  private final Map<Signal, Instant> notBefore = new ConcurrentHashMap<>();

  RetryAfterHold(Clock clock, Duration breakerMaxWait) {
    this.clock = clock;
    Duration retryAfterCap = Duration.ofSeconds(MAX_RETRY_AFTER_S);
    this.cap = breakerMaxWait.compareTo(retryAfterCap) < 0 ? breakerMaxWait : retryAfterCap;
  }

  /** The longest wait a {@code Retry-After} may impose, within a flush or across flushes. */
  Duration cap() {
    return cap;
  }

  /** Whether {@code signal} is still held back; marks {@code state} held back if so. */
  boolean holds(Signal signal, FlushState state) {
    Instant until = notBefore.get(signal);
    if (until == null) {
      return false;
    }
    if (clock.instant().isBefore(until)) {
      state.heldBack = true;
      return true;
    }
    notBefore.remove(signal, until);
    return false;
  }

  /** No request to {@code signal} for {@code retryAfter} (capped) from now. */
  void hold(Signal signal, Duration retryAfter) {
    Duration d = retryAfter.compareTo(cap) > 0 ? cap : retryAfter;
    if (!d.isZero() && !d.isNegative()) {
      notBefore.put(signal, clock.instant().plus(d));
    }
  }
}
