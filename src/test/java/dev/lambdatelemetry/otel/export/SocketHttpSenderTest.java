package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.PollingWait;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection handling of {@link SocketHttpSender} against a scripted collector on a raw server
 * socket: what goes on the wire, keep-alive, a connection the collector closed while idle, interim
 * and early answers, answers cut at their cap. What both senders promise (cancel, refused, no time
 * left, TLS) is {@link SenderContractTest}'s.
 */
class SocketHttpSenderTest {

  private static final byte[] MESSAGE = "otlp-bytes".getBytes(StandardCharsets.UTF_8);
  private static final MessageWriter WRITER = SenderFixtures.writer(MESSAGE);

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final InFlight inFlight = new InFlight(Clock.systemUTC());
  private ScriptedCollector collector;

  @AfterEach
  void stop() throws IOException {
    executor.shutdownNow();
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  void postsTheMessageWithItsHeadersAndReusesTheConnection() throws Exception {
    collector = new ScriptedCollector(Answer.OK, Answer.OK);
    SocketHttpSender sender = sender(collector.endpoint("/v1/traces"), Map.of("Authorization", List.of("k")));

    assertThat(send(sender).get(5, TimeUnit.SECONDS)).isInstanceOf(HttpResponse.class);
    assertThat(send(sender).get(5, TimeUnit.SECONDS)).isInstanceOf(HttpResponse.class);

    assertThat(collector.connections.get()).isEqualTo(1);
    assertThat(collector.requests).hasSize(2);
    String first = collector.requests.get(0);
    assertThat(first).startsWith("POST /v1/traces HTTP/1.1\r\n")
        .contains("Host: 127.0.0.1:" + collector.port() + "\r\n")
        .contains("Content-Type: application/x-protobuf\r\n")
        .contains("Authorization: k\r\n")
        .contains("Content-Length: " + MESSAGE.length + "\r\n")
        .doesNotContain("Connection: close")
        .endsWith("\r\n\r\notlp-bytes");
  }

  @Test
  void aConnectionTheCollectorClosedWhileIdleIsReplacedAndTheRequestSentOnce() throws Exception {
    collector = new ScriptedCollector(Answer.OK_THEN_CLOSE_SILENTLY, Answer.OK);
    SocketHttpSender sender = sender(collector.endpoint("/v1/logs"), Map.of(), Duration.ZERO);

    send(sender).get(5, TimeUnit.SECONDS);
    collector.awaitClosedByServer();
    Object second = send(sender).get(5, TimeUnit.SECONDS);

    assertThat(second).isInstanceOf(HttpResponse.class);
    assertThat(collector.connections.get()).isEqualTo(2);
    assertThat(collector.requests).hasSize(2); // the stale connection carried nothing
  }

  @Test
  void aRequestTheCollectorReadInFullBeforeClosingWithoutAnAnswerIsNotSentAgain() throws Exception {
    collector = new ScriptedCollector(Answer.OK, Answer.READ_THEN_CLOSE_SILENTLY, Answer.OK);
    SocketHttpSender sender = sender(collector.endpoint("/v1/logs"), Map.of());

    send(sender).get(5, TimeUnit.SECONDS);
    Object second = send(sender).get(5, TimeUnit.SECONDS);

    // The collector may have it: whether to send it again is the pipeline's decision, not a
    // silent retry here.
    assertThat(second).isInstanceOf(IOException.class);
    assertThat(collector.requests).hasSize(2);
  }

  @Test
  void interimAnswersAreSkippedAndTheConnectionStaysInStep() throws Exception {
    collector = new ScriptedCollector(Answer.CONTINUE_THEN_OK, Answer.CONTINUE_THEN_BAD_REQUEST);
    SocketHttpSender sender = sender(collector.endpoint("/v1/traces"), Map.of());

    Object first = send(sender).get(5, TimeUnit.SECONDS);
    Object second = send(sender).get(5, TimeUnit.SECONDS);

    assertThat(first).isInstanceOfSatisfying(HttpResponse.class, r -> assertThat(r.getStatusCode()).isEqualTo(200));
    assertThat(second).isInstanceOfSatisfying(SocketHttpSender.StatusException.class,
        e -> assertThat(e.status()).isEqualTo(400));
    assertThat(collector.connections.get()).isEqualTo(1);
  }

  @Test
  void anAnswerSentBeforeTheWholeBodyIsReadIsReportedNotABrokenPipe() throws Exception {
    collector = new ScriptedCollector(Answer.TOO_LARGE_BEFORE_READING_THE_BODY);
    SocketHttpSender sender = new SocketHttpSender(
        new SenderFixtures.Config(collector.endpoint("/v1/logs"), Map::of), inFlight, executor);
    inFlight.open(Instant.now().plusSeconds(10));
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    byte[] large = new byte[32 * 1024 * 1024];
    sender.send(SenderFixtures.writer(large), outcome::complete, outcome::complete);

    assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(
        SocketHttpSender.StatusException.class, e -> assertThat(e.status()).isEqualTo(413));
  }

  @Test
  void aNon2xxAnswerIsAStatusErrorCarryingRetryAfterAndKeepsTheConnection() throws Exception {
    collector = new ScriptedCollector(Answer.UNAVAILABLE_RETRY_AFTER_2, Answer.OK);
    SocketHttpSender sender = sender(collector.endpoint("/v1/traces"), Map.of());

    Object failure = send(sender).get(5, TimeUnit.SECONDS);
    send(sender).get(5, TimeUnit.SECONDS);

    assertThat(failure).isInstanceOfSatisfying(SocketHttpSender.StatusException.class, e -> {
      assertThat(e.status()).isEqualTo(503);
      assertThat(e.retryAfter()).contains("2");
    });
    assertThat(collector.connections.get()).isEqualTo(1);
  }

  @Test
  void anEndlessSuccessAnswerIsASuccessReadNoFurtherThanTheCapAndItsConnectionIsNotReused() throws Exception {
    collector = new ScriptedCollector(Answer.OK_ENDLESS_CHUNKED, Answer.OK);
    SocketHttpSender sender = sender(collector.endpoint("/v1/traces"), Map.of());

    Object first = send(sender).get(10, TimeUnit.SECONDS);
    Object second = send(sender).get(10, TimeUnit.SECONDS);

    assertThat(first).isInstanceOfSatisfying(HttpResponse.class, r -> {
      assertThat(r.getStatusCode()).isEqualTo(200);
      assertThat(r.getResponseBody().length).isLessThanOrEqualTo(SocketHttpSender.MAX_ANSWER_BYTES);
    });
    assertThat(second).isInstanceOf(HttpResponse.class);
    assertThat(collector.connections.get()).as("the cut answer's connection was closed").isEqualTo(2);
    PollingWait.await(Duration.ofSeconds(5), collector::sawClientClose, "the sender closed the endless answer");
  }

  @Test
  void anOversizeContentLengthSuccessIsStillASuccess() throws Exception {
    collector = new ScriptedCollector(Answer.OK_CONTENT_LENGTH_20_MIB);
    SocketHttpSender sender = sender(collector.endpoint("/v1/logs"), Map.of());

    assertThat(send(sender).get(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(HttpResponse.class, r -> assertThat(r.getStatusCode()).isEqualTo(200));
  }

  @Test
  void anEndlessErrorAnswerStaysThatStatusWithItsRetryAfter() throws Exception {
    collector = new ScriptedCollector(Answer.UNAVAILABLE_ENDLESS_UNTIL_CLOSE);
    SocketHttpSender sender = sender(collector.endpoint("/v1/traces"), Map.of());

    Object failure = send(sender).get(10, TimeUnit.SECONDS);

    assertThat(failure).isInstanceOfSatisfying(SocketHttpSender.StatusException.class, e -> {
      assertThat(e.status()).isEqualTo(503);
      assertThat(e.retryAfter()).contains("2");
    });
    assertThat(FailureClass.of((Throwable) failure).kind()).isEqualTo(FailureClass.Kind.RETRYABLE);
  }

  @Test
  void encodingThatOutlastsTheFlushLeavesTheRequestUnsentAndItsItemsQueued() throws Exception {
    collector = new ScriptedCollector(Answer.OK);
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-27T00:00:00Z"));
    Clock clock = new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    InFlight window = new InFlight(clock);
    window.open(now.get().plusMillis(100));
    SocketHttpSender sender = new SocketHttpSender(
        new SenderFixtures.Config(collector.endpoint("/v1/logs"), Map::of), window, executor);
    MessageWriter slowToEncode = new MessageWriter() {
      @Override
      public void writeMessage(OutputStream out) throws IOException {
        now.set(now.get().plusMillis(150)); // marshalling and gzip took longer than the flush had
        out.write(MESSAGE);
      }

      @Override
      public int getContentLength() {
        return MESSAGE.length;
      }
    };
    CompletableFuture<Object> outcome = new CompletableFuture<>();

    sender.send(slowToEncode, outcome::complete, outcome::complete);

    assertThat(outcome.get(5, TimeUnit.SECONDS))
        .isInstanceOf(SocketHttpSender.DeadlineExceededException.class); // NOT_SENT: kept for the next flush
    assertThat(FailureClass.ofException((Throwable) outcome.get()).kind()).isEqualTo(FailureClass.Kind.NOT_SENT);
    assertThat(collector.connections.get()).isZero();
    assertThat(window.size()).isZero();
  }

  // ---------------------------------------------------------------- helpers

  private CompletableFuture<Object> send(SocketHttpSender sender) {
    inFlight.open(Instant.now().plusSeconds(10));
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    sender.send(WRITER, outcome::complete, outcome::complete);
    return outcome;
  }

  private SocketHttpSender sender(URI endpoint, Map<String, List<String>> headers) {
    return new SocketHttpSender(new SenderFixtures.Config(endpoint, () -> headers), inFlight, executor);
  }

  /** A sender that checks a kept-alive connection after {@code checkAfterIdle} of idleness. */
  private SocketHttpSender sender(URI endpoint, Map<String, List<String>> headers, Duration checkAfterIdle) {
    return new SocketHttpSender(new SenderFixtures.Config(endpoint, () -> headers), inFlight, executor, checkAfterIdle);
  }


  private enum Answer {
    OK,
    OK_THEN_CLOSE_SILENTLY,
    READ_THEN_CLOSE_SILENTLY,
    CONTINUE_THEN_OK,
    CONTINUE_THEN_BAD_REQUEST,
    TOO_LARGE_BEFORE_READING_THE_BODY,
    UNAVAILABLE_RETRY_AFTER_2,
    OK_ENDLESS_CHUNKED,
    OK_CONTENT_LENGTH_20_MIB,
    UNAVAILABLE_ENDLESS_UNTIL_CLOSE
  }

  /** Answers each request with the next scripted answer, on whatever connection it arrives. */
  private static final class ScriptedCollector implements AutoCloseable {
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger connections = new AtomicInteger();
    private final List<Answer> script;
    private final ServerSocket server;
    private final CompletableFuture<Void> closedByServer = new CompletableFuture<>();
    private volatile boolean clientClosed;

    ScriptedCollector(Answer... answers) throws IOException {
      this.script = Collections.synchronizedList(new ArrayList<>(List.of(answers)));
      this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(this::accept, "scripted-collector");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    URI endpoint(String path) {
      return URI.create("http://127.0.0.1:" + port() + path);
    }

    int port() {
      return server.getLocalPort();
    }

    void awaitClosedByServer() throws Exception {
      closedByServer.get(5, TimeUnit.SECONDS);
    }

    boolean sawClientClose() {
      return clientClosed;
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          connections.incrementAndGet();
          Thread t = new Thread(() -> serve(s), "scripted-connection");
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
        while (true) {
          Answer answer = script.isEmpty() ? Answer.OK : script.remove(0);
          if (answer == Answer.TOO_LARGE_BEFORE_READING_THE_BODY) {
            readHead(in); // and not the body: answer, then close with the body still coming
            out.write(answer(413, "Content Too Large", "Connection: close\r\n"));
            out.flush();
            s.shutdownOutput();
            requests.add("(head only)");
            return;
          }
          String request = readRequest(in);
          if (request == null) {
            clientClosed = true;
            return;
          }
          requests.add(request);
          switch (answer) {
            case OK -> out.write(answer(200, "OK", ""));
            case OK_THEN_CLOSE_SILENTLY -> {
              out.write(answer(200, "OK", ""));
              out.flush();
              s.close();
              closedByServer.complete(null);
              return;
            }
            case READ_THEN_CLOSE_SILENTLY -> {
              s.close();
              return;
            }
            case CONTINUE_THEN_OK -> {
              out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
              out.write(answer(200, "OK", ""));
            }
            case CONTINUE_THEN_BAD_REQUEST -> {
              out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
              out.write(answer(400, "Bad Request", ""));
            }
            case UNAVAILABLE_RETRY_AFTER_2 -> out.write(answer(503, "Unavailable", "Retry-After: 2\r\n"));
            case OK_ENDLESS_CHUNKED -> {
              out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
              endless(out, "2000\r\n", "\r\n");
              return;
            }
            case OK_CONTENT_LENGTH_20_MIB -> {
              out.write("HTTP/1.1 200 OK\r\nContent-Length: 20971520\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
              endless(out, "", "");
              return;
            }
            case UNAVAILABLE_ENDLESS_UNTIL_CLOSE -> {
              out.write("HTTP/1.1 503 Unavailable\r\nRetry-After: 2\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
              endless(out, "", "");
              return;
            }
            default -> throw new IllegalStateException();
          }
          out.flush();
        }
      } catch (IOException e) {
        clientClosed = true;
      }
    }

    /**
     * Writes 8 KiB pieces (each between {@code before} and {@code after}) until the client closes the
     * connection, or at most 64 MiB: an answer the client must stop reading.
     */
    private void endless(OutputStream out, String before, String after) {
      byte[] piece = new byte[8192];
      java.util.Arrays.fill(piece, (byte) 'x');
      try {
        for (int i = 0; i < 8192; i++) {
          out.write(before.getBytes(StandardCharsets.ISO_8859_1));
          out.write(piece);
          out.write(after.getBytes(StandardCharsets.ISO_8859_1));
        }
        out.flush();
      } catch (IOException e) {
        clientClosed = true; // the client stopped reading and closed: as it should
      }
    }

    private static byte[] answer(int status, String reason, String headers) {
      return ("HTTP/1.1 " + status + " " + reason + "\r\n" + headers + "Content-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The request's head as text, or null at the end of the connection. */
    private static String readHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c == -1) {
          return null;
        }
        head.append((char) c);
      }
      return head.toString();
    }

    /** The request's head and body as text, or null at the end of the connection. */
    private static String readRequest(InputStream in) throws IOException {
      String head = readHead(in);
      if (head == null) {
        return null;
      }
      int length = 0;
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      byte[] body = in.readNBytes(length);
      return head + new String(body, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
