package dev.lambdatelemetry.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.PollingWait;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The TCP listener over real loopback connections: whatever connects, what it holds stays within
 * the inbox's byte bound, and what it cannot keep is counted.
 */
class TcpTelemetryListenerTest {

  private static final int MIB = 1024 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void tenConnectionsEachHoldingAPartialLineOf2_5MiB_holdNoMoreThanTheBound() throws Exception {
    TelemetryInbox inbox = new TelemetryInbox(64, 3 * MIB);
    AtomicLong arrivals = new AtomicLong();
    TelemetryReceiver receiver =
        new TelemetryReceiver(inbox, "/telemetry", 3 * MIB, arrivals::incrementAndGet);
    try (TcpTelemetryListener listener =
        new TcpTelemetryListener(InetAddress.getLoopbackAddress(), 0, receiver, 3 * MIB)) {
      listener.start();
      byte[] partial = new byte[5 * MIB / 2];
      Arrays.fill(partial, (byte) 'x');
      List<Socket> sockets = new ArrayList<>();
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port());
        sockets.add(s);
        writers.add(CompletableFuture.runAsync(() -> {
          try {
            OutputStream out = s.getOutputStream();
            out.write(partial); // no newline: the listener must hold it, or drop it
            out.flush();
          } catch (IOException e) {
            // a connection over the limit is closed by the listener
          }
        }));
      }
      try {
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        // The writes may all land in the kernel's socket buffers before the listener has accepted
        // (and refused) the extra connections: wait for the refusals rather than read them at once.
        PollingWait.await(WAIT,
            () -> listener.refusedConnections() == 10 - TcpTelemetryListener.MAX_CONNECTIONS,
            () -> "refused: " + listener.refusedConnections());
        assertThat(listener.peakHeldBytes()).isPositive().isLessThanOrEqualTo(3L * MIB);
        assertThat(inbox.heldBytes()).isLessThanOrEqualTo(3L * MIB);
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
      // The partial lines end with their connections: nothing held, each loss counted.
      PollingWait.await(WAIT, () -> listener.heldBytes() == 0 && inbox.heldBytes() == 0,
          () -> "still held: " + listener.heldBytes() + " / " + inbox.heldBytes());
      // A connection whose line was dropped holds nothing but reads on to its end: the one after
      // the burst is refused while all four are still counted.
      PollingWait.await(WAIT, () -> listener.openConnections() == 0,
          () -> "still open: " + listener.openConnections());
      PollingWait.await(WAIT, () -> inbox.droppedBatches() + receiver.oversized() >= 1,
          () -> "no loss counted");
      assertThat(listener.peakHeldBytes()).isLessThanOrEqualTo(3L * MIB);

      // A connection after them is served as usual.
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
        s.getOutputStream().write("{\"type\":\"function\"}\n".getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        PollingWait.await(WAIT, () -> inbox.acceptedBatches() == 1, "the line after the burst");
      }
    }
  }

  @Test
  void aLineOverTheCap_isDroppedAndCounted_andTheNextLineIsDelivered() throws Exception {
    TelemetryInbox inbox = new TelemetryInbox(64, MIB);
    TelemetryReceiver receiver = new TelemetryReceiver(inbox, "/telemetry", MIB, () -> {});
    try (TcpTelemetryListener listener =
            new TcpTelemetryListener(InetAddress.getLoopbackAddress(), 0, receiver, 64 * 1024);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
      listener.start();
      byte[] longLine = new byte[100 * 1024];
      Arrays.fill(longLine, (byte) 'x');
      OutputStream out = s.getOutputStream();
      out.write(longLine);
      out.write("\n{\"type\":\"function\"}\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      PollingWait.await(WAIT, () -> inbox.acceptedBatches() == 1, "the line after the long one");
      assertThat(receiver.oversized()).isEqualTo(1);
      assertThat(listener.heldBytes()).isZero();
    }
  }

  /**
   * A line grows by doubling, holding the old buffer while it is copied: a step that an empty inbox
   * could never give is cut to what it could (a line that fits is kept), and a line that cannot grow
   * at all within the bound is counted too large at once, not "inbox full" after a wait for room
   * that can never come.
   */
  @Test
  void aLineThatFitsAnEmptyInbox_isKept_andOneThatCannot_isCountedTooLarge() throws Exception {
    TelemetryInbox inbox = new TelemetryInbox(64, 90_000);
    TelemetryReceiver receiver = new TelemetryReceiver(inbox, "/telemetry", 90_000, () -> {});
    try (TcpTelemetryListener listener =
            new TcpTelemetryListener(InetAddress.getLoopbackAddress(), 0, receiver, 90_000);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
      listener.start();
      OutputStream out = s.getOutputStream();
      byte[] cannot = new byte[60_000]; // under the cap, but not twice in the bound
      Arrays.fill(cannot, (byte) 'y');
      out.write(cannot);
      out.write('\n');
      byte[] fits = new byte[40_000]; // 32 768 held + 65 536 would be 98 304
      Arrays.fill(fits, (byte) 'x');
      out.write(fits);
      out.write("\n{\"type\":\"function\"}\n".getBytes(StandardCharsets.UTF_8));
      out.flush();

      PollingWait.await(WAIT, () -> receiver.oversized() == 1 && inbox.acceptedBatches() == 2,
          () -> "accepted " + inbox.acceptedBatches() + ", too large " + receiver.oversized()
              + ", dropped " + inbox.droppedBatches());
      assertThat(inbox.droppedBatches()).isZero();
      assertThat(((TelemetryInbox.Batch) inbox.poll(0)).body()).hasSize(40_000);
      assertThat(listener.heldBytes()).isZero();
    }
  }
}
