package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;

/** The sender contract over OTLP/HTTP: {@link SocketHttpSender} against an HTTP/1.1 collector on sockets. */
class SocketHttpSenderContractTest extends SenderContractTest {

  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Override
  Collector collector(Answer answer, CollectorTls collectorTls, Tls tls) throws Exception {
    return new HttpCollector(answer, collectorTls, tls);
  }

  @Override
  Sender newSender(URI endpoint, ClientTls clientTls, Tls tls) throws Exception {
    SSLContext context = tls == null || clientTls == ClientTls.DEFAULTS ? null : context(clientTls, tls);
    SocketHttpSender sender = new SocketHttpSender(new SenderFixtures.Config(endpoint, Map::of, context),
        inFlight, executor, HttpConnectionPool.CHECK_AFTER_IDLE, ProxySettings.NONE);
    return new Sender() {
      @Override
      public CompletableFuture<Object> send(byte[] message) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        sender.send(SenderFixtures.writer(message), outcome::complete, outcome::complete);
        return outcome;
      }

      @Override
      public void shutdown() {
        sender.shutdown();
      }
    };
  }

  @Override
  URI plainEndpoint(int port) {
    return URI.create("http://127.0.0.1:" + port + "/v1/traces");
  }

  @Override
  RawPeer.Mode silentPeer() {
    return RawPeer.Mode.SILENT;
  }

  @Override
  RawPeer.Mode notReadingPeer() {
    return RawPeer.Mode.NOT_READING;
  }

  /** HTTP carries the collector's {@code Retry-After}, which the pipeline honours. */
  @Override
  Optional<Duration> expectedRetryAfter() {
    return Optional.of(Duration.ofSeconds(2));
  }

  private static SSLContext context(ClientTls clientTls, Tls tls) throws Exception {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(tls.collectorKeys());
    KeyManagerFactory keys = null;
    if (clientTls == ClientTls.WITH_CLIENT_CERTIFICATE) {
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(tls.clientKeys(), TestCertificates.PASSWORD);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  /** An HTTP/1.1 collector on a (TLS) server socket, answering every request alike, keeping connections alive. */
  private static final class HttpCollector implements Collector {
    private final Answer answer;
    private final ServerSocket server;
    private final boolean tls;
    private final AtomicInteger requests = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    HttpCollector(Answer answer, CollectorTls collectorTls, Tls tls) throws Exception {
      this.answer = answer;
      this.tls = collectorTls != CollectorTls.NONE;
      if (collectorTls == CollectorTls.NONE) {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
      } else {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(tls.collectorKeys(), TestCertificates.PASSWORD);
        TrustManagerFactory clients = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        clients.init(tls.clientKeys());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), clients.getTrustManagers(), null);
        SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory()
            .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        s.setNeedClientAuth(collectorTls == CollectorTls.MUTUAL);
        server = s;
      }
      Thread acceptor = new Thread(this::accept, "http-collector");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    @Override
    public URI endpoint() {
      return URI.create((tls ? "https://localhost:" : "http://127.0.0.1:") + server.getLocalPort() + "/v1/traces");
    }

    @Override
    public int requests() {
      return requests.get();
    }

    @Override
    public int openConnections() {
      return open.size();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          open.add(s);
          Thread t = new Thread(() -> serve(s), "http-collector-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (readRequest(in)) {
          requests.incrementAndGet();
          switch (answer) {
            case OK -> out.write(answer("200 OK", ""));
            case UNAVAILABLE_RETRY_AFTER_2S -> out.write(answer("503 Unavailable", "Retry-After: 2\r\n"));
            case CLOSE_AFTER_READING -> {
              return;
            }
            default -> throw new IllegalStateException();
          }
          out.flush();
        }
      } catch (IOException e) {
        // the client went away, or refused our certificate
      } finally {
        open.remove(s);
      }
    }

    private static byte[] answer(String status, String headers) {
      return ("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads a request with a Content-Length body; false at the end of the connection. */
    private static boolean readRequest(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
        int c = in.read();
        if (c == -1) {
          return false;
        }
        head.append((char) c);
      }
      int length = 0;
      for (String line : head.toString().split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring("content-length:".length()).trim());
        }
      }
      return in.readNBytes(length).length == length;
    }

    @Override
    public void close() {
      closeQuietly(server);
      open.forEach(HttpCollector::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // closing
      }
    }
  }
}
