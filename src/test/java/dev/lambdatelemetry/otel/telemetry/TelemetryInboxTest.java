package dev.lambdatelemetry.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.PollingWait;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TelemetryInboxTest {

  /**
   * A reserved body dropped (the inbox full of batches) gives its room back at once to a delivery
   * waiting for room: that one must not sleep out its whole wait while the room is free.
   */
  @Test
  void reservedBodyDropped_wakesADeliveryWaitingForItsRoom() throws InterruptedException {
    TelemetryInbox inbox = new TelemetryInbox(1, 100);
    assertThat(inbox.offerReserved(new byte[10], Instant.EPOCH, 0, 0)).isTrue(); // the one batch allowed
    assertThat(inbox.reserve(80, 0)).isTrue();
    AtomicBoolean reserved = new AtomicBoolean();
    Thread waiter = new Thread(() -> reserved.set(inbox.reserve(50, TimeUnit.SECONDS.toNanos(30))));
    waiter.setDaemon(true);
    waiter.start();
    PollingWait.await(Duration.ofSeconds(5), () -> waiter.getState() == Thread.State.TIMED_WAITING,
        "the second delivery did not wait for room");

    assertThat(inbox.offerReserved(new byte[80], Instant.EPOCH, 0, 80)).isFalse();

    PollingWait.await(Duration.ofSeconds(5), reserved::get,
        "the waiting delivery was not told that the dropped body's room is free");
    waiter.join(TimeUnit.SECONDS.toMillis(5));
    assertThat(inbox.heldBytes()).isEqualTo(60);
  }

  @Test
  void offer_beyondItemBound_dropsAndCounts() {
    TelemetryInbox inbox = new TelemetryInbox(2, 1_000);
    assertThat(inbox.offerReserved(new byte[10], Instant.EPOCH, 0, 0)).isTrue();
    assertThat(inbox.offerReserved(new byte[10], Instant.EPOCH, 0, 0)).isTrue();
    assertThat(inbox.offerReserved(new byte[10], Instant.EPOCH, 0, 0)).isFalse();
    assertThat(inbox.droppedBatches()).isEqualTo(1);
    assertThat(inbox.droppedBytes()).isEqualTo(10);
  }

  @Test
  void offer_beyondByteBound_dropsButAnEmptyInboxTakesOneOversizedBody() {
    TelemetryInbox inbox = new TelemetryInbox(10, 100);
    assertThat(inbox.offerReserved(new byte[150], Instant.EPOCH, 0, 0)).isTrue();
    assertThat(inbox.offerReserved(new byte[1], Instant.EPOCH, 0, 0)).isFalse();
  }

  @Test
  void poll_freesBytesAndKeepsOrderWithTasks() throws InterruptedException {
    TelemetryInbox inbox = new TelemetryInbox(10, 100);
    List<String> seen = new ArrayList<>();
    inbox.offerReserved(new byte[60], Instant.EPOCH, 0, 0);
    inbox.submit(() -> seen.add("task"));
    assertThat(inbox.poll(0)).isInstanceOf(TelemetryInbox.Batch.class);
    assertThat(inbox.offerReserved(new byte[60], Instant.EPOCH, 0, 0)).isTrue();
    ((TelemetryInbox.Task) inbox.poll(0)).runnable().run();
    assertThat(seen).containsExactly("task");
    assertThat(inbox.poll(0)).isInstanceOf(TelemetryInbox.Batch.class);
    assertThat(inbox.poll(0)).isNull();
  }

  @Test
  void offer_intoAFullInbox_waitsForRoomMadeByTheProcessingThread() throws Exception {
    TelemetryInbox inbox = new TelemetryInbox(1, 1_000);
    assertThat(inbox.offerReserved(new byte[10], Instant.EPOCH, 0, 0)).isTrue();
    java.util.concurrent.CompletableFuture<Boolean> waiting = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> inbox.offerReserved(new byte[20], Instant.EPOCH,
            java.util.concurrent.TimeUnit.SECONDS.toNanos(30), 0));
    assertThat(inbox.poll(5_000)).isInstanceOf(TelemetryInbox.Batch.class); // makes room
    assertThat(waiting.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(((TelemetryInbox.Batch) inbox.poll(5_000)).body()).hasSize(20);
    assertThat(inbox.droppedBatches()).isZero();
  }

  @Test
  void offer_intoAFullInbox_dropsWhenNoRoomComesInTime() {
    TelemetryInbox inbox = new TelemetryInbox(1, 1_000);
    inbox.offerReserved(new byte[10], Instant.EPOCH, 0, 0);
    assertThat(inbox.offerReserved(new byte[20], Instant.EPOCH, 1_000_000, 0)).isFalse();
    assertThat(inbox.droppedBatches()).isEqualTo(1);
  }

  @Test
  void reservedRoom_countsAgainstTheByteBound_untilReleasedOrOffered() {
    TelemetryInbox inbox = new TelemetryInbox(10, 100);
    assertThat(inbox.reserve(60, 0)).isTrue();
    assertThat(inbox.reserve(60, 0)).isFalse(); // a second delivery being read: no room
    assertThat(inbox.offerReserved(new byte[50], Instant.EPOCH, 0, 0)).isFalse();
    assertThat(inbox.offerReserved(new byte[40], Instant.EPOCH, 0, 60)).isTrue();
    assertThat(inbox.heldBytes()).isEqualTo(40);
    assertThat(inbox.reserve(60, 0)).isTrue();
    inbox.release(60);
    assertThat(inbox.heldBytes()).isEqualTo(40);
  }
}
