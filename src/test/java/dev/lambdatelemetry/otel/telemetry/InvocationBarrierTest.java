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
  void awaitQuiet_withNoDelivery_staysUntilNotBefore() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    long start = System.nanoTime();
    barrier.awaitQuiet(start + 150 * MS, 50 * MS, start + 10_000 * MS);
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(150 * MS).isLessThan(5_000 * MS);
  }

  @Test
  void awaitQuiet_afterADelivery_staysUntilAQuietGapHasPassed() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    long start = System.nanoTime();
    CompletableFuture<Long> returned = CompletableFuture.supplyAsync(() -> {
      try {
        barrier.awaitQuiet(start, 200 * MS, start + 10_000 * MS);
        return System.nanoTime();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    barrier.arrived();
    long lastArrival = System.nanoTime();
    assertThat(returned).isNotDone();
    long end = returned.get(5, TimeUnit.SECONDS);
    assertThat(end - lastArrival).isGreaterThanOrEqualTo(200 * MS);
  }

  @Test
  void awaitQuiet_neverPastTheDeadline_evenWhileDeliveriesCome() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    long start = System.nanoTime();
    barrier.arrived();
    barrier.awaitQuiet(start + 60_000 * MS, 60_000 * MS, start + 100 * MS);
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(100 * MS).isLessThan(5_000 * MS);
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
