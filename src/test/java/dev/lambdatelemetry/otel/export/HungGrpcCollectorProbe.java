package dev.lambdatelemetry.otel.export;

import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child-JVM program for {@link VertxGrpcSenderHangTest}: sends many large gRPC calls, one per "flush"
 * with a short deadline, to a collector that accepts TCP but never answers, as the pipeline does
 * (open the window, send, wait, close the window), under the launcher's heap. Prints one {@code RESULT}
 * line; the JVM dies with an OutOfMemoryError (-XX:+ExitOnOutOfMemoryError) if anything of an abandoned
 * call stays reachable.
 *
 * <p>Arguments: mode ({@code silent}: reads and discards, never writes a byte; {@code preface}: answers
 * the HTTP/2 connection preface with SETTINGS, then never answers a stream), calls, message bytes,
 * deadline in ms.
 */
final class HungGrpcCollectorProbe {

  /** An empty SETTINGS frame, then an ACK of the client's: the server side of the HTTP/2 preface. */
  private static final byte[] SERVER_PREFACE = {
    0, 0, 0, 4, 0, 0, 0, 0, 0,
    0, 0, 0, 4, 1, 0, 0, 0, 0
  };

  /** A callback this much later than its deadline counts as late (GC pauses in a 24 MiB heap). */
  private static final long LATE_SLACK_MS = 1_000;

  private HungGrpcCollectorProbe() {}

  public static void main(String[] args) throws Exception {
    boolean preface = args[0].equals("preface");
    int calls = Integer.parseInt(args[1]);
    int size = Integer.parseInt(args[2]);
    long deadlineMs = Long.parseLong(args[3]);

    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger open = new AtomicInteger();
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> accept(server, preface, accepted, open), "hung-collector");
    acceptor.setDaemon(true);
    acceptor.start();

    URI endpoint = URI.create("http://127.0.0.1:" + server.getLocalPort());
    GrpcConfig config = new GrpcConfig(endpoint, Duration.ofSeconds(10));
    InFlight inFlight = new InFlight(Clock.systemUTC());
    GrpcTransport transport = new GrpcTransport();
    VertxGrpcSender sender =
        new VertxGrpcSender(config, inFlight, transport, transport.client(config.target(), config));

    Random random = new Random(42);
    int late = 0;
    int answered = 0;
    long heapAfterWarmUp = 0;
    for (int i = 0; i < calls; i++) {
      byte[] message = new byte[size];
      random.nextBytes(message);
      long start = System.nanoTime();
      inFlight.open(Instant.now().plusMillis(deadlineMs));
      CompletableFuture<Object> outcome = new CompletableFuture<>();
      sender.send(writer(message), outcome::complete, outcome::complete);
      message = null;
      try {
        Object o = outcome.get(deadlineMs + LATE_SLACK_MS, TimeUnit.MILLISECONDS);
        if (!(o instanceof Throwable)) {
          answered++;
        }
      } catch (TimeoutException e) {
        late++;
      }
      inFlight.close(); // as the pipeline does when the flush returns
      if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(deadlineMs + LATE_SLACK_MS)) {
        late++;
      }
      if (i == 4) {
        heapAfterWarmUp = usedHeapAfterGc();
      }
    }
    long growth = usedHeapAfterGc() - heapAfterWarmUp;
    System.out.println("RESULT calls=" + calls + " late=" + late + " answered=" + answered
        + " accepted=" + accepted.get() + " open=" + open.get() + " heapGrowthKiB=" + growth / 1024);
    sender.shutdown();
    System.exit(0);
  }

  private static void accept(ServerSocket server, boolean preface, AtomicInteger accepted, AtomicInteger open) {
    while (true) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      open.incrementAndGet();
      Thread reader = new Thread(() -> {
        try (s; InputStream in = s.getInputStream()) {
          if (preface) {
            in.readNBytes(24); // PRI * HTTP/2.0 ...
            OutputStream out = s.getOutputStream();
            out.write(SERVER_PREFACE);
            out.flush();
          }
          byte[] sink = new byte[16 * 1024];
          while (in.read(sink) != -1) {
            // read and forget: never an answer
          }
        } catch (IOException e) {
          // reset by the client: closed as well
        } finally {
          open.decrementAndGet();
        }
      }, "hung-connection");
      reader.setDaemon(true);
      reader.start();
    }
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static MessageWriter writer(byte[] message) {
    return SenderFixtures.writer(message);
  }
}
