package dev.lambdatelemetry.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.telemetry.BatchParser.ParseResult;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import dev.lambdatelemetry.otel.telemetry.model.LogSource;
import dev.lambdatelemetry.otel.telemetry.model.RuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.testing.SmallStack;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A function that logs an untrusted request body as JSON controls the {@code record} of its log
 * lines: however deep or large that record is, it must cost only its own element, never the
 * {@code platform.runtimeDone} that follows it, and never overflow the launcher's 256 KiB stack.
 * Every parse here runs on a thread of that stack size.
 */
class BatchParserHostileRecordTest {

  private static final Instant RECEIVED = Instant.parse("2030-01-01T00:00:00Z");
  private static final String START_JSON =
      "{\"time\":\"2024-05-20T16:40:00.001Z\",\"type\":\"platform.start\","
          + "\"record\":{\"requestId\":\"r-1\"}}";
  private static final String LOG_LINE_JSON =
      "{\"time\":\"2024-05-20T16:40:00.060Z\",\"type\":\"function\",\"record\":\"hello\\n\"}";
  private static final String RUNTIME_DONE_JSON =
      "{\"time\":\"2024-05-20T16:40:00.100Z\",\"type\":\"platform.runtimeDone\","
          + "\"record\":{\"requestId\":\"r-1\",\"status\":\"success\"}}";
  private static final int KEPT_TEXT_BOUND = BatchParser.MAX_KEPT_RECORD_BYTES;

  private final BatchParser parser = new BatchParser();

  static Stream<Arguments> hostileRecords() {
    return Stream.of(
        argumentSet("objects nested 500 deep", nestedObjects(500)),
        argumentSet("objects nested 5 000 deep", nestedObjects(5_000)),
        argumentSet("objects nested 100 000 deep", nestedObjects(100_000)),
        argumentSet("arrays nested 500 deep", nestedArrays(500)),
        argumentSet("arrays nested 5 000 deep", nestedArrays(5_000)),
        argumentSet("arrays nested 100 000 deep", nestedArrays(100_000)),
        argumentSet("a 1 500-digit integer", "{\"n\":" + "7".repeat(1_500) + "}"),
        argumentSet("a 1 500-digit fraction", "{\"n\":0." + "7".repeat(1_500) + "}"),
        argumentSet("a 50 000-char key", "{\"" + "k".repeat(50_000) + "\":1}"),
        argumentSet("a 60 000-char key", "{\"" + "k".repeat(60_000) + "\":1}"),
        argumentSet("100 000 members", "{" + IntStream.range(0, 100_000)
            .mapToObj(i -> "\"k" + i + "\":" + i).collect(Collectors.joining(",")) + "}"),
        argumentSet("300 000 array elements", "{\"a\":[" + "0,".repeat(299_999) + "0]}"));
  }

  @ParameterizedTest
  @MethodSource("hostileRecords")
  void hostileFunctionLogThenRuntimeDone_keepsRuntimeDoneAndTheLogAsTruncatedText(String record) {
    String body = "[" + START_JSON + "," + functionLog(record) + "," + RUNTIME_DONE_JSON + "]";

    ParseResult result = SmallStack.call(() -> parse(body));

    assertThat(result.malformedBody()).isFalse(); // well-formed JSON, merely beyond our bounds
    assertThat(result.malformedElements()).isZero();
    assertThat(result.events()).extracting(TelemetryEvent::type)
        .containsExactly("platform.start", "function", "platform.runtimeDone");
    assertThat(result.events().get(2).record()).isEqualTo(
        new RuntimeDone("r-1", "success", null, null, null, List.of(), null, null));
    TelemetryEvent log = result.events().get(1);
    assertThat(log.time()).isEqualTo(Instant.parse("2024-05-20T16:40:00.050Z"));
    assertThat(log.record()).isInstanceOfSatisfying(LogLine.class, line -> {
      assertThat(line.source()).isEqualTo(LogSource.FUNCTION);
      assertThat(line.object()).isNull();
      assertThat(line.text()).isNotEmpty();
      assertThat(record).startsWith(line.text());
      assertThat(line.text().getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(KEPT_TEXT_BOUND);
    });
  }

  @ParameterizedTest
  @MethodSource("hostileRecords")
  void hostileRecordOnATcpLine_isOneTruncatedLogLine(String record) {
    byte[] line = (functionLog(record) + "\n").getBytes(StandardCharsets.UTF_8);

    ParseResult result = SmallStack.call(() -> parser.parse(line, RECEIVED));

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.events()).singleElement().satisfies(e ->
        assertThat(e.record()).isInstanceOfSatisfying(LogLine.class,
            l -> assertThat(record).startsWith(l.text())));
  }

  @Test
  void hostileExtensionLog_isKeptAsExtensionText() {
    String body = "[{\"type\":\"extension\",\"record\":" + nestedArrays(2_000) + "},"
        + RUNTIME_DONE_JSON + "]";

    ParseResult result = SmallStack.call(() -> parse(body));

    assertThat(result.events()).extracting(TelemetryEvent::type)
        .containsExactly("extension", "platform.runtimeDone");
    assertThat(((LogLine) result.events().get(0).record()).source()).isEqualTo(LogSource.EXTENSION);
  }

  @Test
  void aRecordAtTheDepthBound_isStillAnObject() {
    String body = "[" + functionLog(nestedObjects(64)) + "," + RUNTIME_DONE_JSON + "]";

    ParseResult result = SmallStack.call(() -> parse(body));

    assertThat(result.events()).hasSize(2);
    assertThat(((LogLine) result.events().get(0).record()).object()).isInstanceOf(JsonObject.class);
  }

  @Test
  void theTypeAfterAHostileRecord_isStillFound() {
    String body = "[{\"record\":" + nestedObjects(5_000) + ",\"time\":\"2024-05-20T16:40:00.050Z\","
        + "\"type\":\"function\"}," + RUNTIME_DONE_JSON + "]";

    ParseResult result = SmallStack.call(() -> parse(body));

    assertThat(result.events()).extracting(TelemetryEvent::type)
        .containsExactly("function", "platform.runtimeDone");
    assertThat(result.events().get(0).time()).isEqualTo(Instant.parse("2024-05-20T16:40:00.050Z"));
  }

  @Test
  void aHostileEnvelopeFieldBesideAStringRecord_keepsTheRecordWhole() {
    String body = "[{\"time\":\"2024-05-20T16:40:00.050Z\",\"type\":\"function\",\""
        + "x".repeat(60_000) + "\":" + "9".repeat(2_000) + ",\"record\":\"hello \\\"world\\\"\\n\"},"
        + RUNTIME_DONE_JSON + "]";

    ParseResult result = SmallStack.call(() -> parse(body));

    assertThat(result.events()).extracting(TelemetryEvent::type)
        .containsExactly("function", "platform.runtimeDone");
    assertThat(result.events().get(0).record())
        .isEqualTo(new LogLine(LogSource.FUNCTION, "hello \"world\"\n", null));
  }

  @Test
  void aHostileElementWithoutAType_isCountedMalformedAndItsNeighboursKept() {
    String body = "[" + START_JSON + ",{\"record\":" + nestedArrays(5_000) + "}," + RUNTIME_DONE_JSON + "]";

    ParseResult result = SmallStack.call(() -> parse(body));

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.malformedElements()).isEqualTo(1);
    assertThat(result.events()).extracting(TelemetryEvent::type)
        .containsExactly("platform.start", "platform.runtimeDone");
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 5_000, 100_000})
  void deeplyNestedElementsAndRoots_areSkippedNotAStackOverflow(int depth) {
    String deep = nestedArrays(depth);

    ParseResult inArray = SmallStack.call(() -> parse("[" + deep + "," + RUNTIME_DONE_JSON + "]"));
    ParseResult atRoot = SmallStack.call(() -> parse(deep + RUNTIME_DONE_JSON));

    assertThat(inArray.malformedElements()).isEqualTo(1); // an array where an event belongs
    assertThat(inArray.events()).extracting(TelemetryEvent::type).containsExactly("platform.runtimeDone");
    assertThat(atRoot.events()).isNotEmpty();
  }

  @Test
  void aTruncatedBodyAfterAHostileRecord_keepsEveryCompleteElement() {
    String body = "[" + START_JSON + "," + functionLog(nestedObjects(500)) + "," + RUNTIME_DONE_JSON
        + ",{\"type\":\"function\",\"record\":\"cut he";

    ParseResult result = SmallStack.call(() -> parse(body));

    assertThat(result.malformedBody()).isTrue();
    assertThat(result.events()).extracting(TelemetryEvent::type)
        .containsExactly("platform.start", "function", "platform.runtimeDone");
  }

  @Test
  void aSyntaxErrorInOneElement_costsOnlyThatElement() {
    String body = "[" + START_JSON + ",{\"type\":\"function\",\"record\":{\"a\":tru}}," + RUNTIME_DONE_JSON + "]";

    ParseResult result = SmallStack.call(() -> parse(body));

    assertThat(result.malformedBody()).isTrue(); // not JSON: flagged, but its neighbours are kept
    assertThat(result.malformedElements()).isEqualTo(1);
    assertThat(result.events()).extracting(TelemetryEvent::type)
        .containsExactly("platform.start", "platform.runtimeDone");
  }

  /** After a fault the rest of a body is read element by element: it must read the same events. */
  @ParameterizedTest
  @MethodSource("dev.lambdatelemetry.otel.telemetry.BatchParserTest#fixtureTypes")
  void everyFixtureAfterAHostileElement_readsTheSameEventsAsAlone(String fixture, List<String> types) {
    String alone = new String(BatchParserTest.fixture(fixture), StandardCharsets.UTF_8);
    int open = alone.indexOf('[');
    String afterHostile = alone.substring(0, open + 1) + functionLog(nestedArrays(1_000)) + ","
        + alone.substring(open + 1);

    ParseResult expected = parse(alone);
    ParseResult result = SmallStack.call(() -> parse(afterHostile));

    assertThat(result.events()).hasSize(types.size() + 1);
    assertThat(result.events().subList(1, result.events().size())).isEqualTo(expected.events());
    assertThat(result.malformedElements()).isEqualTo(expected.malformedElements());
    assertThat(result.malformedBody()).isEqualTo(expected.malformedBody());
  }

  @Test
  void aFaultAfterCompleteElements_readsThemOnce() {
    String body = "[" + START_JSON + "," + RUNTIME_DONE_JSON + "] {\"type\":\"function\",\"record\":"
        + nestedObjects(100) + "} [" + START_JSON + ",42]";

    ParseResult result = SmallStack.call(() -> parse(body));

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.malformedElements()).isEqualTo(1); // the 42
    assertThat(result.events()).extracting(TelemetryEvent::type).containsExactly(
        "platform.start", "platform.runtimeDone", "function", "platform.start");
  }

  @ParameterizedTest
  @ValueSource(strings = {"UTF-8 BOM", "UTF-16BE", "UTF-16LE", "UTF-32LE"})
  void aHostileRecordInAnotherUnicodeEncoding_costsOnlyItself(String encoding) {
    String body = "[" + START_JSON + "," + functionLog(nestedObjects(500)) + "," + RUNTIME_DONE_JSON + "]";
    byte[] bytes = encoding.equals("UTF-8 BOM")
        ? ("\uFEFF" + body).getBytes(StandardCharsets.UTF_8)
        : ("\uFEFF" + body).getBytes(java.nio.charset.Charset.forName(encoding));

    ParseResult result = SmallStack.call(() -> parser.parse(bytes, RECEIVED));

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.events()).extracting(TelemetryEvent::type)
        .containsExactly("platform.start", "function", "platform.runtimeDone");
    assertThat(((LogLine) result.events().get(1).record()).text()).startsWith("{\"a\":{\"a\":");
  }

  @Test
  void recordsPastTheBatchsValueBudget_areKeptAsTextAndTheRestStillRead() {
    String record = "{\"a\":[" + "0,".repeat(9_989) + "0]}"; // 9 992 values: within one tree's bound
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < 8; i++) {
      body.append(functionLog(record)).append(',');
    }
    body.append(LOG_LINE_JSON).append(',').append(RUNTIME_DONE_JSON).append(']');

    ParseResult result = SmallStack.call(() -> parse(body.toString()));

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.malformedElements()).isZero();
    assertThat(result.events()).extracting(TelemetryEvent::type).endsWith("function", "platform.runtimeDone");
    List<LogLine> lines = result.events().subList(0, 8).stream().map(e -> (LogLine) e.record()).toList();
    // 50 000 values: five trees fit, the next ones are text.
    assertThat(lines.subList(0, 5)).allSatisfy(l -> assertThat(l.object()).isNotNull());
    assertThat(lines.subList(5, 8)).allSatisfy(l ->
        assertThat(l.text()).isEqualTo(record.substring(0, BatchParser.MAX_KEPT_RECORD_BYTES)));
    assertThat(result.events().get(8).record()).isEqualTo(new LogLine(LogSource.FUNCTION, "hello\n", null));
  }

  private ParseResult parse(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8), RECEIVED);
  }

  private static String functionLog(String record) {
    return "{\"time\":\"2024-05-20T16:40:00.050Z\",\"type\":\"function\",\"record\":" + record + "}";
  }

  private static String nestedObjects(int depth) {
    return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
  }

  private static String nestedArrays(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }
}
