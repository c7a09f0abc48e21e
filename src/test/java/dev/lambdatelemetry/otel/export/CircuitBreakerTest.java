package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Duration INITIAL = Duration.ofSeconds(4);
  private static final Duration MAX = Duration.ofSeconds(20);

  private final CircuitBreaker breaker = new CircuitBreaker(3, INITIAL, MAX, new SplittableRandom(42));

  @Test
  void failuresBelowThreshold_keepItClosed() {
    breaker.onFailure(T0);
    breaker.onFailure(T0);

    assertThat(breaker.allows(T0)).isTrue();
    assertThat(breaker.tripped()).isFalse();
  }

  @Test
  void thresholdReached_opensForRandomFirstWaitWithinHalfToFullInitial() {
    trip();

    assertThat(breaker.lastWait()).isBetween(INITIAL.dividedBy(2), INITIAL);
    assertThat(breaker.allows(T0.plus(breaker.lastWait()).minusMillis(1))).isFalse();
    assertThat(breaker.allows(T0.plus(breaker.lastWait()))).as("probe due").isTrue();
  }

  @Test
  void failedProbes_growTheWaitUpToTheCap() {
    trip();
    Duration previous = breaker.lastWait();
    Instant now = T0;
    for (int i = 0; i < 10; i++) {
      now = breaker.openUntil();
      breaker.onFailure(now);
      assertThat(breaker.lastWait()).isLessThanOrEqualTo(MAX);
      if (previous.multipliedBy(2).compareTo(MAX) < 0) {
        assertThat(breaker.lastWait()).as("grows").isGreaterThan(previous);
      }
      previous = breaker.lastWait();
    }
    assertThat(breaker.lastWait()).isEqualTo(MAX);
  }

  @Test
  void successfulProbe_closesAndResets() {
    trip();

    breaker.onSuccess();

    assertThat(breaker.tripped()).isFalse();
    breaker.onFailure(T0);
    assertThat(breaker.allows(T0)).as("needs the threshold again").isTrue();
  }

  private void trip() {
    breaker.onFailure(T0);
    breaker.onFailure(T0);
    breaker.onFailure(T0);
  }
}
