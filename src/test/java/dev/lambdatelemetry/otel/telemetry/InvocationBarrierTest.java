package dev.lambdatelemetry.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What SHUTDOWN waits for: the last report of a request, or the platform's deliveries to end. Lower
 * bounds are exact (the wait must not end early); upper bounds are generous, never timings.
 */
class InvocationBarrierTest {

  private static final long MS = 1_000_000L;

  @Test
  void awaitQuiet_withNoDeliverySince_waitsUntilTheDeadline() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    barrier.arrived(); // before "since": says nothing of what is still to come
    long since = System.nanoTime();
    barrier.awaitQuiet(since, 10 * MS, since + 200 * MS);
    assertThat(System.nanoTime() - since).isGreaterThanOrEqualTo(200 * MS).isLessThan(5_000 * MS);
  }

  @Test
  void awaitQuiet_afterADelivery_returnsOnceAQuietGapHasPassed() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    long since = System.nanoTime();
    barrier.arrived();
    barrier.awaitQuiet(since, 100 * MS, since + 60_000 * MS);
    long now = System.nanoTime();
    assertThat(now - since).isGreaterThanOrEqualTo(100 * MS);
    assertThat(now - since).as("long before the deadline").isLessThan(30_000 * MS);
  }

  @Test
  void awaitQuiet_aDeliveryArrivingDuringTheWait_endsItAfterTheQuietGap() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    long since = System.nanoTime();
    CompletableFuture<Long> returned = CompletableFuture.supplyAsync(() -> {
      try {
        barrier.awaitQuiet(since, 50 * MS, since + 60_000 * MS);
        return System.nanoTime();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    // However the waiter and this thread interleave, the wait cannot end before this delivery
    // plus the quiet gap, and must end long before the deadline.
    long beforeArrival = System.nanoTime();
    barrier.arrived();
    long end = returned.get(30, TimeUnit.SECONDS);
    assertThat(end - beforeArrival).isGreaterThanOrEqualTo(50 * MS);
  }

  @Test
  void awaitQuiet_neverPastTheDeadline_evenWhileDeliveriesCome() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    long since = System.nanoTime();
    barrier.arrived();
    barrier.awaitQuiet(since, 60_000 * MS, since + 100 * MS);
    assertThat(System.nanoTime() - since).isGreaterThanOrEqualTo(100 * MS).isLessThan(5_000 * MS);
  }

  @Test
  void awaitReport_returnsOnceTheReportIsConverted_evenIfItCameBefore() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    barrier.reported("req-1");
    assertThat(barrier.awaitReport("req-1", System.nanoTime())).isTrue();
    assertThat(barrier.awaitRuntimeDone("req-1", System.nanoTime())).isTrue();
    assertThat(barrier.awaitReport("req-2", System.nanoTime() + 20 * MS)).isFalse();
  }
}
