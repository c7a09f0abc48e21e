package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link VertxGrpcSender} keeps of an answer: at most {@link VertxGrpcSender#MAX_ANSWER_BYTES} of
 * its body (an OTLP answer is an empty message or a short partial_success), while its status, in the
 * trailers after the body, still counts. A Vert.x h2c server on loopback plays the collector.
 */
class VertxGrpcSenderAnswerTest {

  private final Vertx server = Vertx.vertx();
  private final InFlight inFlight = new InFlight(Clock.systemUTC());
  private VertxGrpcSender sender;

  @AfterEach
  void stop() throws Exception {
    if (sender != null) {
      sender.shutdown();
    }
    server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void anOversizeAnswerIsCutAndItsTrailerStatusStillCounts() throws Exception {
    int port = collector(n -> n == 0 ? "0" : null, 4 * 1024 * 1024);

    Object outcome = send(port);

    assertThat(outcome).isInstanceOfSatisfying(GrpcResponse.class, r -> {
      assertThat(r.getStatusCode()).isEqualTo(GrpcStatusCode.OK);
      assertThat(r.getResponseMessage().length).isZero(); // cut: half a message says nothing true
    });
  }

  @Test
  void anOversizeAnswerWithAnErrorStatusIsThatError() throws Exception {
    int port = collector(n -> "14", 4 * 1024 * 1024);

    Object outcome = send(port);

    assertThat(outcome).isInstanceOfSatisfying(FailureClass.GrpcStatusException.class,
        e -> assertThat(e.code()).isEqualTo(GrpcStatusCode.UNAVAILABLE));
  }

  @Test
  void aSmallAnswerIsKept() throws Exception {
    int port = collector(n -> "0", 3);

    Object outcome = send(port);

    assertThat(outcome).isInstanceOfSatisfying(GrpcResponse.class,
        r -> assertThat(r.getResponseMessage()).containsExactly('x', 'x', 'x'));
  }

  /** An h2c server answering one gRPC frame of {@code size} bytes, then the status {@code status}. */
  private int collector(IntFunction<String> status, int size) throws Exception {
    HttpServer http = server.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0));
    http.requestHandler(req -> req.body().onComplete(body -> {
      byte[] message = new byte[size];
      java.util.Arrays.fill(message, (byte) 'x');
      Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(size).appendBytes(message);
      var response = req.response().putHeader("content-type", "application/grpc");
      response.write(frame);
      String s = status.apply(0);
      response.putTrailer("grpc-status", s == null ? "0" : s);
      response.end();
    }));
    return http.listen().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).actualPort();
  }

  private Object send(int port) throws Exception {
    GrpcConfig config = new GrpcConfig(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(10));
    GrpcTransport transport = new GrpcTransport(ProxySettings.NONE);
    sender = new VertxGrpcSender(config, inFlight, transport, transport.client(config.target(), config));
    inFlight.open(Instant.now().plusSeconds(10));
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    sender.send(SenderFixtures.writer("otlp".getBytes(StandardCharsets.UTF_8)), outcome::complete, outcome::complete);
    return outcome.get(15, TimeUnit.SECONDS);
  }
}
