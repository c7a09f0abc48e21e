package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.PollingWait;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The background thread's life with a scripted flush: a flush that holds until the test releases
 * it, and registers a request in the shared {@link InFlight} as a sender would.
 */
class BackgroundExportTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Clock clock = Clock.systemUTC();
  private final InFlight inFlight = new InFlight(clock);
  private final List<Instant> deadlines = new CopyOnWriteArrayList<>();
  private final AtomicBoolean sawCancel = new AtomicBoolean();
  private volatile CountDownLatch release = new CountDownLatch(0);
  private volatile CompletableFuture<Void> request;
  private final BackgroundExport background = new BackgroundExport(clock, inFlight, (deadline, cancelled) -> {
    deadlines.add(deadline);
    inFlight.open(deadline);
    CompletableFuture<Void> r = new CompletableFuture<>();
    inFlight.register(r);
    request = r;
    try {
      // the request "waits on the collector" until released or cancelled
      while (!r.isCancelled() && !release.await(5, TimeUnit.MILLISECONDS)) {
        // polling the cancel, as a sender's future would complete on cancel
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sawCancel.set(cancelled.getAsBoolean());
    inFlight.done(r);
    inFlight.close();
    return null;
  });

  @AfterEach
  void stop() {
    release.countDown();
    background.stop(Instant.now().plusSeconds(1));
  }

  @Test
  void runOnce_flushesOnTheThreadWithTheGivenDeadline_andSettleWaitsForItsEnd() {
    Instant deadline = Instant.now().plus(WAIT);
    release = new CountDownLatch(1);

    assertThat(background.runOnce(deadline)).isTrue();
    PollingWait.await(WAIT, background::flushing, "the flush began");
    CompletableFuture.runAsync(() -> release.countDown());
    boolean cut = background.settle(Instant.now().plus(WAIT));

    assertThat(cut).isFalse();
    assertThat(deadlines).containsExactly(deadline);
    assertThat(request.isCancelled()).isFalse();
    assertThat(sawCancel).isFalse();
  }

  @Test
  void settle_rightAfterRunOnce_stillLetsTheFlushRunWithinItsTime() {
    Instant deadline = Instant.now().plus(WAIT);

    background.runOnce(deadline); // the thread may not even have woken up yet
    boolean cut = background.settle(Instant.now().plus(WAIT));

    assertThat(cut).isFalse();
    assertThat(deadlines).containsExactly(deadline);
  }

  @Test
  void settle_aFlushRunningPastItsTime_isCut_itsRequestCancelled_nothingInFlight() {
    release = new CountDownLatch(1); // the collector never answers
    background.runOnce(Instant.now().plus(WAIT));
    PollingWait.await(WAIT, () -> inFlight.size() == 1, "the request is in flight");

    boolean cut = background.settle(Instant.now().plusMillis(20));

    assertThat(cut).isTrue();
    assertThat(request.isCancelled()).isTrue();
    assertThat(inFlight.size()).isZero();
    assertThat(background.flushing()).isFalse();
    assertThat(sawCancel).as("the flush was told to start nothing more").isTrue();
  }

  @Test
  void runOnce_whileAFlushRuns_startsNothing() {
    release = new CountDownLatch(1);
    background.runOnce(Instant.now().plus(WAIT));
    PollingWait.await(WAIT, background::flushing, "the flush began");

    assertThat(background.runOnce(Instant.now().plus(WAIT))).isFalse();
    release.countDown();
    background.settle(Instant.now().plus(WAIT));
    assertThat(deadlines).hasSize(1);
  }

  @Test
  void periodicFlushes_areHeldBySettle_untilResumed() {
    background.start(Duration.ofMillis(10));
    PollingWait.await(WAIT, () -> deadlines.size() >= 2, "periodic flushes");

    background.settle(Instant.now().plus(WAIT));
    int held = deadlines.size();
    // a periodic flush would come every 10 ms: let several intervals pass, on a condition that
    // cannot hold, then check that none came
    CountDownLatch never = new CountDownLatch(1);
    try {
      never.await(100, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(deadlines).as("held while frozen").hasSize(held);

    background.resume();
    PollingWait.await(WAIT, () -> deadlines.size() > held, "periodic flushes again");
  }

  @Test
  void stop_cutsAFlushThatRunsPastTheStopDeadline_andNothingStartsAfter() {
    release = new CountDownLatch(1);
    background.runOnce(Instant.now().plus(WAIT));
    PollingWait.await(WAIT, () -> inFlight.size() == 1, "the request is in flight");

    background.stop(Instant.now().plusMillis(20));

    assertThat(request.isCancelled()).isTrue();
    assertThat(background.runOnce(Instant.now().plus(WAIT))).isFalse();
    assertThat(deadlines).hasSize(1);
  }
}
