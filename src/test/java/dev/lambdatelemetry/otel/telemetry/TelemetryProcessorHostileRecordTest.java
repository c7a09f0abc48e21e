package dev.lambdatelemetry.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The issue as the event loop saw it: a hostile function log line made its whole batch unreadable,
 * the {@code platform.runtimeDone} with it, so the invocation waited {@code invoke.max-wait}.
 */
class TelemetryProcessorHostileRecordTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String RUNTIME_DONE_JSON =
      "{\"time\":\"2024-05-20T16:40:00.100Z\",\"type\":\"platform.runtimeDone\","
          + "\"record\":{\"requestId\":\"r-1\",\"status\":\"success\"}}";

  private final TelemetryInbox inbox = new TelemetryInbox(8, 16 << 20);
  private final InvocationBarrier barrier = new InvocationBarrier();
  private final List<TelemetryEvent> converted = new CopyOnWriteArrayList<>();
  private final TelemetryProcessor processor =
      new TelemetryProcessor(inbox, new BatchParser(), converted::add, barrier);

  @AfterEach
  void stop() {
    processor.stop();
  }

  @Test
  void aHostileFunctionLogLine_stillReleasesItsRuntimeDone() throws Exception {
    String hostile = "{\"type\":\"function\",\"record\":{\"n\":" + "7".repeat(1_500) + "}}";
    processor.start();

    assertThat(inbox.offerReserved(bytes("[" + hostile + "," + RUNTIME_DONE_JSON + "]"), Instant.now(), 0, 0))
        .isTrue();

    assertThat(barrier.awaitRuntimeDone("r-1", System.nanoTime() + WAIT.toNanos())).isTrue();
    assertThat(converted).extracting(TelemetryEvent::type).containsExactly("function", "platform.runtimeDone");
    assertThat(((LogLine) converted.get(0).record()).text()).startsWith("{\"n\":777");
    assertThat(processor.malformedBodies()).isZero();
    assertThat(processor.malformedElements()).isZero();
  }

  @Test
  void aHostileElementWithoutAType_isCountedMalformedAndTheRestConverted() throws Exception {
    String hostile = "{\"record\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
    processor.start();

    assertThat(inbox.offerReserved(bytes("[" + hostile + "," + RUNTIME_DONE_JSON + "]"), Instant.now(), 0, 0))
        .isTrue();

    assertThat(barrier.awaitRuntimeDone("r-1", System.nanoTime() + WAIT.toNanos())).isTrue();
    assertThat(converted).extracting(TelemetryEvent::type).containsExactly("platform.runtimeDone");
    assertThat(processor.malformedElements()).isEqualTo(1); // events{outcome=malformed}
    assertThat(processor.malformedBodies()).isZero();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
