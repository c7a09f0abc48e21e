package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SocketHttpSender} to an {@code https://} collector, what is particular to its TLS sockets: a
 * certificate that does not name the endpoint's host is refused, and cancelling a write blocked under
 * TLS closes the plain socket beneath (the TLS socket's own close would wait for the writer's lock).
 * Delivery over TLS and mTLS, and refusal of an untrusted certificate, are {@link SenderContractTest}'s. Certificates are made for each run with the JDK's keytool.
 */
class SocketHttpSenderTlsTest {

  private static final byte[] MESSAGE = "otlp-bytes".getBytes(StandardCharsets.UTF_8);
  private static final char[] PASSWORD = TestCertificates.PASSWORD;

  @TempDir Path dir;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final InFlight inFlight = new InFlight(Clock.systemUTC());
  private SSLServerSocket server;

  @AfterEach
  void stop() throws IOException {
    executor.shutdownNow();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void refusesACertificateForAnotherHost() throws Exception {
    KeyStore keys = certificate("dns:collector.example.com");
    serveOnce(keys);

    Object outcome = send(URI.create("https://localhost:" + server.getLocalPort() + "/v1/logs"),
        clientTrusting(keys));

    assertThat(outcome).isInstanceOf(SSLException.class);
  }

  @Test
  void theEndOfTheFlushEndsAWriteBlockedOnACollectorThatStoppedReading() throws Exception {
    KeyStore keys = certificate("dns:localhost");
    CountDownLatch readSome = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    serveAndStopReading(keys, readSome, release);
    SocketHttpSender sender = new SocketHttpSender(
        new SenderFixtures.Config(
            URI.create("https://localhost:" + server.getLocalPort() + "/v1/logs"), Map::of, clientTrusting(keys)),
        inFlight, executor);
    inFlight.open(Instant.now().plusSeconds(30));
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    byte[] large = new byte[64 * 1024 * 1024]; // far more than the socket buffers hold
    try {
      sender.send(SenderFixtures.writer(large), outcome::complete, outcome::complete);
      assertThat(readSome.await(10, TimeUnit.SECONDS)).as("the collector got part of the body").isTrue();

      // Closing the TLS socket itself would wait for the blocked writer's lock: forever.
      CompletableFuture<Integer> closed = CompletableFuture.supplyAsync(inFlight::close);

      assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    } finally {
      release.countDown();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A TLS collector that reads the head and 1 MiB of the body, then stops reading until released. */
  private void serveAndStopReading(KeyStore keys, CountDownLatch readSome, CountDownLatch release)
      throws Exception {
    server = listen(keys);
    Thread t = new Thread(() -> {
      try (SSLSocket s = (SSLSocket) server.accept()) {
        s.getInputStream().readNBytes(1024 * 1024);
        readSome.countDown();
        release.await();
      } catch (IOException | InterruptedException e) {
        readSome.countDown();
      }
    }, "tls-collector-stalled");
    t.setDaemon(true);
    t.start();
  }

  private Object send(URI endpoint, SSLContext client) throws Exception {
    SocketHttpSender sender = new SocketHttpSender(new SenderFixtures.Config(endpoint, Map::of, client), inFlight, executor);
    inFlight.open(Instant.now().plusSeconds(10));
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    sender.send(
        SenderFixtures.writer(MESSAGE),
        outcome::complete,
        outcome::complete);
    return outcome.get(10, TimeUnit.SECONDS);
  }

  private KeyStore certificate(String san) throws Exception {
    return TestCertificates.keyStore(dir, san);
  }

  /** A TLS server socket on loopback presenting the certificate of {@code keys}. */
  private static SSLServerSocket listen(KeyStore keys) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  private static SSLContext clientTrusting(KeyStore keys) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** A TLS collector that answers one request with 200 and hands over what it received. */
  private CompletableFuture<String> serveOnce(KeyStore keys) throws Exception {
    server = listen(keys);
    CompletableFuture<String> received = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (SSLSocket s = (SSLSocket) server.accept()) {
        InputStream in = s.getInputStream();
        StringBuilder request = new StringBuilder();
        while (!request.toString().endsWith("\r\n\r\n")) {
          int c = in.read();
          if (c == -1) {
            received.complete(request.toString());
            return;
          }
          request.append((char) c);
        }
        request.append(new String(in.readNBytes(MESSAGE.length), StandardCharsets.ISO_8859_1));
        s.getOutputStream().write(
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        received.complete(request.toString());
      } catch (IOException e) {
        received.complete("failed: " + e); // the client refused the handshake
      }
    }, "tls-collector");
    t.setDaemon(true);
    t.start();
    return received;
  }
}
