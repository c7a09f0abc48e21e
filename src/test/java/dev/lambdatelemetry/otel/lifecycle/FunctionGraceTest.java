package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FunctionGraceTest {

  private final FakeClock clock = new FakeClock();

  /** Receiving for the first {@code polls} looks, each look a millisecond later on the clock. */
  private java.util.function.BooleanSupplier receivingFor(int polls, AtomicInteger looks) {
    return () -> {
      clock.advance(Duration.ofMillis(1));
      return looks.incrementAndGet() <= polls;
    };
  }

  @Test
  void nothingBeingReceived_costsNoWait() {
    FunctionGrace grace = new FunctionGrace(() -> false, Duration.ofMillis(5), clock);
    long before = clock.nanoTime();
    assertThat(grace.await(clock.now().plusSeconds(1))).isFalse();
    assertThat(clock.nanoTime()).isEqualTo(before);
  }

  @Test
  void aRequestBeingReceived_isWaitedForUntilItIsDone() {
    AtomicInteger looks = new AtomicInteger();
    FunctionGrace grace = new FunctionGrace(receivingFor(3, looks), Duration.ofMillis(50), clock);
    assertThat(grace.await(clock.now().plusSeconds(1))).as("done within the grace").isFalse();
    assertThat(looks.get()).isEqualTo(4);
  }

  @Test
  void theWait_endsAtTheGrace() {
    AtomicInteger looks = new AtomicInteger();
    long start = clock.nanoTime();
    FunctionGrace grace = new FunctionGrace(receivingFor(1_000, looks), Duration.ofMillis(5), clock);
    assertThat(grace.await(clock.now().plusSeconds(1))).as("still receiving").isTrue();
    assertThat(Duration.ofNanos(clock.nanoTime() - start)).isLessThanOrEqualTo(Duration.ofMillis(7));
  }

  @Test
  void theWait_neverPassesTheInvocationsDeadline() {
    AtomicInteger looks = new AtomicInteger();
    long start = clock.nanoTime();
    FunctionGrace grace = new FunctionGrace(receivingFor(1_000, looks), Duration.ofMillis(500), clock);
    assertThat(grace.await(clock.now().plusMillis(3))).isTrue();
    assertThat(Duration.ofNanos(clock.nanoTime() - start)).isLessThanOrEqualTo(Duration.ofMillis(5));
  }
}
