package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.otlp.ReceivedBatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The function's queues: bounded in items per signal and bytes overall, refusing the newest. */
class FunctionQueuesTest {

  private final FunctionQueues queues =
      new FunctionQueues(Map.of(Signal.TRACES, 10, Signal.LOGS, 10, Signal.METRICS, 10), 1000);

  @Test
  void share_isHowFullTheFullerBoundIs_soTheAdaptiveStrategyFlushesBeforeTheEndpointRefuses() {
    assertThat(queues.share()).isZero();
    queues.offer(Signal.TRACES, batch(5, 100));
    assertThat(queues.share()).as("half of the traces' items").isEqualTo(0.5);
    queues.offer(Signal.LOGS, batch(1, 700));
    assertThat(queues.share()).as("800 of 1000 bytes").isEqualTo(0.8);
  }

  @Test
  void offer_overTheByteBound_refusesTheNewestAndKeepsTheOldest() {
    ReceivedBatch first = batch(1, 600);
    ReceivedBatch second = batch(1, 500);

    assertThat(queues.offer(Signal.TRACES, first)).isTrue();
    assertThat(queues.offer(Signal.LOGS, second)).as("the bytes bound is shared by the signals").isFalse();

    assertThat(queues.take(Signal.TRACES, 100, 10_000)).containsExactly(first);
    assertThat(queues.hasQueued(Signal.LOGS)).isFalse();
  }

  @Test
  void offer_overTheItemBoundOfItsSignal_refusedWhileOtherSignalsStillTake() {
    assertThat(queues.offer(Signal.TRACES, batch(8, 10))).isTrue();

    assertThat(queues.offer(Signal.TRACES, batch(3, 10))).isFalse();
    assertThat(queues.offer(Signal.METRICS, batch(3, 10))).isTrue();
    assertThat(queues.queuedItems(Signal.TRACES)).isEqualTo(8);
  }

  @Test
  void take_fillsARequestUpToTheItemAndByteLimits_aLargerBatchGoesAlone() {
    ReceivedBatch big = batch(7, 10);
    ReceivedBatch a = batch(2, 10);
    ReceivedBatch b = batch(2, 10);
    ReceivedBatch c = batch(1, 300);
    FunctionQueues queues = new FunctionQueues(Map.of(Signal.TRACES, 100), 1000);
    for (ReceivedBatch x : List.of(big, a, b, c)) {
      assertThat(queues.offer(Signal.TRACES, x)).isTrue();
    }

    assertThat(queues.take(Signal.TRACES, 5, 10_000)).containsExactly(big);
    assertThat(queues.take(Signal.TRACES, 5, 100)).containsExactly(a, b);
    assertThat(queues.take(Signal.TRACES, 5, 100)).containsExactly(c);
    assertThat(queues.take(Signal.TRACES, 5, 100)).isEmpty();
  }

  @Test
  void aRequestUnderWay_stillCountsAgainstTheBounds_untilReleased() {
    ReceivedBatch first = batch(1, 600);
    queues.offer(Signal.TRACES, first);
    List<ReceivedBatch> taken = queues.take(Signal.TRACES, 10, 10_000);

    assertThat(queues.offer(Signal.TRACES, batch(1, 600))).as("the taken bytes are still held").isFalse();
    queues.putBack(Signal.TRACES, taken);
    assertThat(queues.bytes()).as("put back without counting twice").isEqualTo(600);
    assertThat(queues.take(Signal.TRACES, 10, 10_000)).containsExactly(first);

    queues.release(Signal.TRACES, taken);
    assertThat(queues.bytes()).isZero();
    assertThat(queues.offer(Signal.TRACES, batch(1, 600))).isTrue();
  }

  @Test
  void close_refusesLaterBatches_clearCountsTheItemsLeft() {
    queues.offer(Signal.LOGS, batch(3, 10));
    queues.offer(Signal.LOGS, batch(4, 10));

    queues.close();

    assertThat(queues.offer(Signal.LOGS, batch(1, 1))).isFalse();
    assertThat(queues.clear(Signal.LOGS)).isEqualTo(7);
    assertThat(queues.bytes()).isZero();
  }

  @Test
  void limitBytes_appliesToLaterOffers() {
    queues.limitBytes(50);

    assertThat(queues.offer(Signal.TRACES, batch(1, 60))).isFalse();
    assertThat(queues.offer(Signal.TRACES, batch(1, 50))).isTrue();
  }

  private static ReceivedBatch batch(int items, int bytes) {
    return new ReceivedBatch(dev.lambdatelemetry.otel.otlp.Signal.TRACES, List.of(new byte[bytes]), items,
        bytes, Instant.EPOCH);
  }
}
