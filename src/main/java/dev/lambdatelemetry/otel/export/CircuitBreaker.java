package dev.lambdatelemetry.otel.export;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Stops export attempts during a collector outage so that the outage adds no time to invocations. After
 * {@code threshold} consecutive failed flushes it opens for a random first period in
 * {@code [initialWait/2, initialWait]}; each failed probe doubles the period (with ±25% jitter) up to
 * {@code maxWait}. When the period is over, one flush is let through as a probe; success closes it.
 * Not thread-safe: used under the pipeline's flush lock.
 */
final class CircuitBreaker {

  private static final double GROWTH = 2.0;
  private static final double JITTER = 0.25;

  private final int threshold;
  private final Duration initialWait;
  private final Duration maxWait;
  private final RandomGenerator random;
  private int consecutiveFailures;
  private Duration lastWait = Duration.ZERO;
  private Instant openUntil;

  CircuitBreaker(int threshold, Duration initialWait, Duration maxWait, RandomGenerator random) {
    if (threshold < 1) {
      throw new IllegalArgumentException("lambda-telemetry.export.breaker.failure-threshold: must be >= 1");
    }
    this.threshold = threshold;
    this.initialWait = initialWait;
    this.maxWait = maxWait;
    this.random = random;
  }

  /** Whether a flush may try to export at {@code now} (closed, or open but due for a probe). */
  boolean allows(Instant now) {
    return openUntil == null || !now.isBefore(openUntil);
  }

  boolean isOpen(Instant now) {
    return !allows(now);
  }

  /** Whether the breaker has tripped (open or waiting for a probe). */
  boolean tripped() {
    return openUntil != null;
  }

  void onSuccess() {
    consecutiveFailures = 0;
    lastWait = Duration.ZERO;
    openUntil = null;
  }

  void onFailure(Instant now) {
    consecutiveFailures++;
    if (openUntil != null) {
      // A failed probe: wait longer.
      lastWait = min(maxWait, jitter(scale(lastWait, GROWTH)));
      openUntil = now.plus(lastWait);
    } else if (consecutiveFailures >= threshold) {
      long half = initialWait.toNanos() / 2;
      lastWait = min(maxWait, Duration.ofNanos(half + (long) (random.nextDouble() * half)));
      openUntil = now.plus(lastWait);
    }
  }

  Instant openUntil() {
    return openUntil;
  }

  Duration lastWait() {
    return lastWait;
  }

  private Duration jitter(Duration d) {
    return scale(d, 1 - JITTER + random.nextDouble() * 2 * JITTER);
  }

  private static Duration scale(Duration d, double factor) {
    return Duration.ofNanos((long) Math.min(Long.MAX_VALUE / 4.0, d.toNanos() * factor));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
