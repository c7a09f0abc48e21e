package dev.lambdatelemetry.otel.telemetry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The listener answers 200 to every body at the subscribed path and at {@code /}, and hands it off. */
@QuarkusTest
class TelemetryResourceTest {

  private static final String GOOD =
      "[{\"time\":\"2024-02-09T08:42:44.078Z\",\"type\":\"platform.start\","
          + "\"record\":{\"requestId\":\"d661f7cf-9208-46b9-85b0-213b04a91065\",\"version\":\"8\"}}]";

  @Inject TelemetryInbox inbox;

  @BeforeEach
  void emptyInbox() throws InterruptedException {
    while (inbox.poll(0) != null) {
      // drain what earlier tests left
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/telemetry", "/", "/telemetry/"})
  void post_atSubscribedPathOrRoot_isAnswered200AndQueued(String path) throws InterruptedException {
    given().contentType("application/json").body(GOOD).when().post(path).then().statusCode(200);

    TelemetryInbox.Work w = inbox.poll(5_000);
    assertThat(w).isInstanceOf(TelemetryInbox.Batch.class);
    assertThat(new String(((TelemetryInbox.Batch) w).body(), StandardCharsets.UTF_8)).isEqualTo(GOOD);
  }

  @Test
  void post_atAnotherPath_isNotOurs() {
    given().contentType("application/json").body(GOOD).when().post("/other").then().statusCode(404);
  }

  @Test
  void malformedBodies_areAnswered200_andAGoodBatchAfterThemIsStillQueued()
      throws InterruptedException {
    List<byte[]> bodies = new ArrayList<>();
    bodies.add(new byte[0]);
    bodies.add("not json".getBytes(StandardCharsets.UTF_8));
    bodies.add("[{\"time\":".getBytes(StandardCharsets.UTF_8));
    bodies.add("{}".getBytes(StandardCharsets.UTF_8));
    bodies.add("null".getBytes(StandardCharsets.UTF_8));
    bodies.add(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, 0});
    for (byte[] body : bodies) {
      given().contentType("application/json").body(body).when().post("/telemetry")
          .then().statusCode(200);
    }
    given().contentType("text/plain").body("[]").when().post("/telemetry").then().statusCode(200);
    given().body(GOOD).when().post("/telemetry").then().statusCode(200);

    List<String> queued = new ArrayList<>();
    TelemetryInbox.Work w;
    while ((w = inbox.poll(2_000)) != null) {
      queued.add(new String(((TelemetryInbox.Batch) w).body(), StandardCharsets.UTF_8));
      if (queued.get(queued.size() - 1).equals(GOOD)) {
        break;
      }
    }
    assertThat(queued).hasSize(bodies.size() + 2).last().isEqualTo(GOOD);
  }

  @Test
  void sameSequenceId_isAcknowledgedButQueuedOnce() throws InterruptedException {
    for (int i = 0; i < 2; i++) {
      given().header("Sequence-Id", "c2VxLTE=").body(GOOD).when().post("/telemetry")
          .then().statusCode(200);
    }
    given().header("Sequence-Id", "c2VxLTI=").body("[]").when().post("/telemetry")
        .then().statusCode(200);

    assertThat(inbox.poll(5_000)).isInstanceOf(TelemetryInbox.Batch.class);
    TelemetryInbox.Batch second = (TelemetryInbox.Batch) inbox.poll(5_000);
    assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo("[]");
  }

  @Test
  void hugeBody_isAnswered200() {
    byte[] huge = new byte[20 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) 'x');
    given().body(huge).when().post("/telemetry").then().statusCode(200);
  }
}
