package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceivedQueueTest {

  private static ReceivedBatch batch(Signal signal, int bytes) {
    return new ReceivedBatch(signal, List.of(new byte[bytes]), 1, bytes, Instant.EPOCH);
  }

  @Test
  void keepsTheOldestAndRefusesTheNewestPastItsBound() {
    ReceivedQueue q = new ReceivedQueue(100);
    ReceivedBatch first = batch(Signal.TRACES, 60);
    assertThat(q.offer(first)).isTrue();
    assertThat(q.offer(batch(Signal.LOGS, 41))).as("bounded across signals").isFalse();
    ReceivedBatch fits = batch(Signal.LOGS, 40);
    assertThat(q.offer(fits)).isTrue();
    assertThat(q.bytes()).isEqualTo(100);
    assertThat(q.drain(Signal.TRACES)).containsExactly(first);
    assertThat(q.bytes()).isEqualTo(40);
    assertThat(q.offer(batch(Signal.TRACES, 60))).as("draining makes room").isTrue();
    assertThat(q.drain(Signal.LOGS)).containsExactly(fits);
    assertThat(q.drain(Signal.METRICS)).isEmpty();
  }

  @Test
  void drainsOneSignalOldestFirst() {
    ReceivedQueue q = new ReceivedQueue(1000);
    ReceivedBatch a = batch(Signal.METRICS, 1);
    ReceivedBatch b = batch(Signal.METRICS, 2);
    q.offer(a);
    q.offer(b);
    assertThat(q.drain(Signal.METRICS)).containsExactly(a, b);
    assertThat(q.drain(Signal.METRICS)).isEmpty();
    assertThat(q.bytes()).isZero();
  }
}
