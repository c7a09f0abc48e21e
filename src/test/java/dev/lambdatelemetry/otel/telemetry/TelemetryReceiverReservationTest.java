package dev.lambdatelemetry.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The room an HTTP body reserves in the inbox while it is read is given back on every path: a leak
 * would make the inbox reject every later delivery.
 */
class TelemetryReceiverReservationTest {

  private static final int BOUND = 100_000;

  static Stream<Arguments> deliveries() {
    return Stream.of(
        argumentSet("declared length exact", body(30_000), 30_000L),
        argumentSet("declared length longer than the body", body(30_000), 50_000L),
        argumentSet("declared length shorter than the body", body(30_000), 10_000L),
        argumentSet("no declared length", body(30_000), -1L),
        argumentSet("empty", body(0), 0L),
        argumentSet("over the cap, declared", body(150_000), 150_000L),
        argumentSet("over the cap, not declared", body(150_000), -1L),
        argumentSet("cut mid-body, declared", cutAfter(20_000), 30_000L),
        argumentSet("cut mid-body, not declared", cutAfter(20_000), -1L));
  }

  @ParameterizedTest
  @MethodSource("deliveries")
  void everyDelivery_givesItsReservationBack(Supplier<InputStream> in, long contentLength)
      throws InterruptedException {
    TelemetryInbox inbox = new TelemetryInbox(64, BOUND);
    TelemetryReceiver receiver = new TelemetryReceiver(inbox, "/telemetry", BOUND, () -> {});

    receiver.receive(in.get(), "seq-1", contentLength);
    receiver.receive(in.get(), "seq-1", contentLength); // a duplicate, when the first was read
    while (inbox.poll(0) != null) {
      // drained: what is queued gives its room back as it is taken
    }

    assertThat(inbox.heldBytes()).isZero();
  }

  /**
   * A body of unknown length grows by doubling, holding the old buffer while it is copied: a step
   * that an empty inbox could never give is capped to what it could, so that a body which fits is
   * not dropped for the doubling alone.
   */
  @Test
  void bodyOfUnknownLength_thatFitsAnEmptyInbox_isQueued() throws InterruptedException {
    TelemetryInbox inbox = new TelemetryInbox(64, 90_000);
    TelemetryReceiver receiver = new TelemetryReceiver(inbox, "/telemetry", 90_000, () -> {});

    receiver.receive(body(40_000).get(), "seq-1", -1); // 32 768 held + 65 536 would be 98 304

    assertThat(inbox.droppedBatches()).isZero();
    assertThat(inbox.poll(0)).isInstanceOfSatisfying(
        TelemetryInbox.Batch.class, b -> assertThat(b.body()).hasSize(40_000));
    assertThat(inbox.heldBytes()).isZero();
  }

  /**
   * A body of unknown length that no inbox of this bound could hold while it is read is dropped
   * for its size at once: counted too large, not "inbox full" after a wait for room that can never
   * come.
   */
  @Test
  void bodyOfUnknownLength_thatNoInboxCouldHold_isCountedTooLarge() throws InterruptedException {
    TelemetryInbox inbox = new TelemetryInbox(64, BOUND);
    TelemetryReceiver receiver = new TelemetryReceiver(inbox, "/telemetry", BOUND, () -> {});

    receiver.receive(body(150_000).get(), "seq-1", -1);
    receiver.receive(body(80_000).get(), "seq-2", -1); // under the cap, but not twice in the bound

    assertThat(receiver.oversized()).isEqualTo(2);
    assertThat(inbox.droppedBatches()).isZero();
    assertThat(inbox.heldBytes()).isZero();
  }

  private static Supplier<InputStream> body(int length) {
    return () -> new ByteArrayInputStream(new byte[length]);
  }

  private static Supplier<InputStream> cutAfter(int length) {
    return () -> new InputStream() {
      private int read;

      @Override
      public int read() throws IOException {
        if (read++ >= length) {
          throw new IOException("connection cut");
        }
        return ' ';
      }
    };
  }
}
