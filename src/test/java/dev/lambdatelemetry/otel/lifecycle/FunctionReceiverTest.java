package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.otlp.ReceivedBatch;
import dev.lambdatelemetry.otel.otlp.Signal;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FunctionReceiverTest {

  private static final String ONE_SPAN_JSON = """
      {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"fn"}}]},
        "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",
          "spanId":"eee19b7ec3c1b174","name":"handler","kind":2,
          "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000"}]}]}]}""";

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() {
    vertx.close();
  }

  private static ReceivedBatch batch(int bytes) {
    return new ReceivedBatch(Signal.TRACES, List.of(new byte[bytes]), 1, bytes, Instant.EPOCH);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static ExtensionConfig receiverConfig(int http, int grpc) {
    return TestConfigs.extension(Map.of(
        "lambda-telemetry.otlp-receiver.http-port", "" + http,
        "lambda-telemetry.otlp-receiver.grpc-port", "" + grpc));
  }

  private static OtelSettings collectorElsewhere() {
    return OtelSettings.from(TestConfigs.otel(Map.of(
        "otel.exporter.otlp.endpoint", "http://collector.example:4318")));
  }

  @Test
  void handOff_holdsWhatArrivesBeforeThePipeline_thenForwardsItFirstAndInOrder() {
    FunctionReceiver.HandOff handOff = new FunctionReceiver.HandOff(1_000);
    ReceivedBatch early1 = batch(10);
    ReceivedBatch early2 = batch(20);
    assertThat(handOff.offer(early1)).isTrue();
    assertThat(handOff.offer(early2)).isTrue();
    List<ReceivedBatch> pipeline = new CopyOnWriteArrayList<>();
    handOff.connect(b -> pipeline.add(b));
    ReceivedBatch late = batch(30);
    assertThat(handOff.offer(late)).isTrue();
    assertThat(pipeline).containsExactly(early1, early2, late);
    assertThat(handOff.heldBytes()).isZero();
  }

  @Test
  void handOff_refusesTheNewestBeyondItsBound_soTheEndpointAnswersPartialSuccess() {
    FunctionReceiver.HandOff handOff = new FunctionReceiver.HandOff(100);
    assertThat(handOff.offer(batch(60))).isTrue();
    assertThat(handOff.offer(batch(41))).isFalse();
    assertThat(handOff.offer(batch(40))).isTrue();
    assertThat(handOff.heldBytes()).isEqualTo(100);
  }

  @Test
  void handOff_passesOnTheRefusalOfThePipeline() {
    FunctionReceiver.HandOff handOff = new FunctionReceiver.HandOff(100);
    handOff.connect(b -> false);
    assertThat(handOff.offer(batch(1))).isFalse();
  }

  @Test
  void disabled_bindsNothing() {
    FunctionReceiver r = FunctionReceiver.start(TestConfigs.extension(Map.of(
        "lambda-telemetry.otlp-receiver.enabled", "false")), collectorElsewhere(),
        vertx, Clock.systemUTC());
    assertThat(r.state()).isEqualTo(FunctionReceiver.State.DISABLED);
    assertThat(r.endpoint()).isNull();
  }

  @Test
  void anOtelDestinationThatIsOurOwnEndpoint_keepsTheEndpointOff_andThePortsFree() throws IOException {
    int http = freePort();
    int grpc = freePort();
    OtelSettings toUs = OtelSettings.from(TestConfigs.otel(Map.of(
        "otel.exporter.otlp.endpoint", "http://localhost:" + http)));
    FunctionReceiver r = FunctionReceiver.start(receiverConfig(http, grpc), toUs, vertx, Clock.systemUTC());
    assertThat(r.state()).isEqualTo(FunctionReceiver.State.DESTINATION_IS_LOCAL);
    try (ServerSocket s = new ServerSocket(http, 1, InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).as("free for a collector layer").isEqualTo(http);
    }
  }

  @Test
  void listensBeforeItReturnsFromAwait_andHandsTheFunctionsBatchesToThePipeline() throws Exception {
    int http = freePort();
    FunctionReceiver r = FunctionReceiver.start(receiverConfig(http, freePort()), collectorElsewhere(),
        vertx, Clock.systemUTC());
    r.awaitListening();
    assertThat(r.state()).isEqualTo(FunctionReceiver.State.LISTENING);
    HttpResponse<String> answer = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/v1/traces"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(ONE_SPAN_JSON)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    List<ReceivedBatch> pipeline = new CopyOnWriteArrayList<>();
    r.connect(pipeline::add);
    assertThat(pipeline).singleElement().satisfies(b -> {
      assertThat(b.signal()).isEqualTo(Signal.TRACES);
      assertThat(b.items()).isEqualTo(1);
    });
    assertThat(r.receiving()).isFalse();
    r.endpoint().close();
  }

  @Test
  void aPortInUse_isAWarningAndTheOtherPortStillServes() throws Exception {
    int grpc = freePort();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      FunctionReceiver r = FunctionReceiver.start(receiverConfig(taken.getLocalPort(), grpc),
          collectorElsewhere(), vertx, Clock.systemUTC());
      assertThat(r.state()).isEqualTo(FunctionReceiver.State.PARTLY_IN_USE);
      assertThat(r.endpoint().grpcPort()).hasValue(grpc);
      r.endpoint().close();
    }
  }
}
