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
        assertThat(listener.refusedConnections()).isEqualTo(10 - TcpTelemetryListener.MAX_CONNECTIONS);
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
}
