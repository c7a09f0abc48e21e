package dev.lambdatelemetry.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.telemetry.BatchParser.ParseResult;
import dev.lambdatelemetry.otel.telemetry.model.ExtensionState;
import dev.lambdatelemetry.otel.telemetry.model.InitReport;
import dev.lambdatelemetry.otel.telemetry.model.InitRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.InitStart;
import dev.lambdatelemetry.otel.json.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNull;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import dev.lambdatelemetry.otel.telemetry.model.LogSource;
import dev.lambdatelemetry.otel.telemetry.model.LogsDropped;
import dev.lambdatelemetry.otel.telemetry.model.Report;
import dev.lambdatelemetry.otel.telemetry.model.ReportMetrics;
import dev.lambdatelemetry.otel.telemetry.model.RestoreReport;
import dev.lambdatelemetry.otel.telemetry.model.RestoreRuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.RestoreStart;
import dev.lambdatelemetry.otel.telemetry.model.RuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.SpanRecord;
import dev.lambdatelemetry.otel.telemetry.model.Start;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.telemetry.model.TelemetrySubscription;
import dev.lambdatelemetry.otel.telemetry.model.Tracing;
import dev.lambdatelemetry.otel.telemetry.model.Unknown;
import dev.lambdatelemetry.otel.testing.SmallStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BatchParserTest {

  private static final Instant RECEIVED = Instant.parse("2030-01-01T00:00:00Z");
  private static final String START_JSON =
      "{\"time\":\"2024-05-20T16:40:00.001Z\",\"type\":\"platform.start\","
          + "\"record\":{\"requestId\":\"r-1\"}}";
  private static final String LOG_JSON =
      "{\"time\":\"2024-05-20T16:40:00.002Z\",\"type\":\"function\",\"record\":\"hello\\n\"}";

  private final BatchParser parser = new BatchParser();

  // ---------------------------------------------------------------- fixtures

  static Stream<Arguments> fixtureTypes() {
    return Stream.of(
        argumentSet("01 cold start", "01-cold-start.json", List.of(
            "platform.initStart", "extension", "extension", "platform.telemetrySubscription",
            "function", "platform.initRuntimeDone", "platform.extension", "platform.initReport",
            "platform.start", "function", "function", "platform.runtimeDone", "platform.report")),
        argumentSet("02 warm invoke", "02-warm-invoke.json", List.of(
            "platform.start", "function", "platform.runtimeDone", "platform.report")),
        argumentSet("03 JSON logs", "03-json-format-logs-nodejs.json", List.of(
            "platform.start", "function", "function", "function", "function", "function",
            "function", "extension", "extension", "platform.runtimeDone", "platform.report")),
        argumentSet("09 subscriptions", "09-subscription-and-extension-events.json", List.of(
            "platform.initStart", "extension", "extension", "platform.telemetrySubscription",
            "platform.telemetrySubscription", "extension", "platform.initRuntimeDone",
            "platform.extension", "platform.extension", "platform.extension", "platform.extension",
            "platform.initReport")),
        argumentSet("16 legacy shapes", "16-legacy-2022-07-01-shapes.json", List.of(
            "platform.initStart", "platform.initRuntimeDone", "platform.extension",
            "platform.initReport", "platform.start", "function", "platform.runtimeDone",
            "platform.report")),
        argumentSet("Python text", "python-text-logs-unhandled-error.json", List.of(
            "platform.start", "function", "function", "function", "platform.runtimeDone",
            "platform.report")),
        argumentSet("Python JSON", "python-json-logs-unhandled-error.json", List.of(
            "platform.start", "function", "function", "function", "function",
            "platform.runtimeDone")),
        argumentSet("Node text error", "nodejs-text-invoke-error.json", List.of(
            "platform.start", "function", "function", "function", "platform.runtimeDone",
            "platform.report")),
        argumentSet("SnapStart", "snapstart-restore.json", List.of(
            "platform.initReport", "platform.restoreStart", "function",
            "platform.restoreRuntimeDone", "platform.restoreReport", "platform.start", "function",
            "platform.runtimeDone", "platform.report")),
        argumentSet("LMI", "managed-instances-interleaved.json", List.of(
            "platform.start", "platform.start", "function", "function", "platform.start",
            "function", "platform.report", "function", "platform.report", "platform.report")),
        argumentSet("timeout", "timeout-and-suppressed-init.json", List.of(
            "platform.start", "function", "platform.runtimeDone", "platform.report",
            "platform.initStart", "function", "platform.initRuntimeDone", "platform.initReport",
            "platform.start", "function", "platform.runtimeDone", "platform.report")),
        argumentSet("legacy types", "legacy-types.json", List.of(
            "platform.logsSubscription", "platform.start", "platform.end", "platform.fault",
            "platform.futureEvent")),
        argumentSet("logsDropped", "logs-dropped-float-numbers.json", List.of(
            "platform.initStart", "platform.logsDropped", "platform.report")),
        argumentSet("PC", "provisioned-concurrency.json", List.of(
            "platform.initReport", "platform.start", "function", "platform.runtimeDone",
            "platform.report")),
        argumentSet("OOM", "crash-oom.json", List.of(
            "platform.start", "function", "function", "function", "function", "function",
            "platform.runtimeDone", "platform.report")));
  }

  @ParameterizedTest
  @MethodSource("fixtureTypes")
  void parse_wellFormedFixture_yieldsEveryEventInOrderWithNothingMalformed(
      String fixture, List<String> types) {
    ParseResult result = parse(fixture);

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.malformedElements()).isZero();
    assertThat(result.events()).extracting(TelemetryEvent::type).containsExactlyElementsOf(types);
    assertThat(result.events()).extracting(TelemetryEvent::time).doesNotContain(RECEIVED);
    // Unknown only for genuinely unknown types; known ones are typed.
    assertThat(result.events())
        .filteredOn(e -> e.record() instanceof Unknown)
        .extracting(TelemetryEvent::type)
        .allMatch(t -> !t.startsWith("platform.") || t.matches("platform\\.(end|fault|logsSubscription|futureEvent)"));
  }

  @Test
  void parse_coldStart_readsEveryFieldOfEveryPlatformRecord() {
    List<TelemetryEvent> events = parse("01-cold-start.json").events();

    assertThat(events.get(0).time()).isEqualTo(Instant.parse("2024-05-20T16:29:44.833Z"));
    assertThat(events.get(0).record())
        .isEqualTo(new InitStart("on-demand", "init", "nodejs:18.v28",
            "arn:aws:lambda:eu-west-3::runtime:b475b23763329123d9e6f79f51886d0e1054f727f5b90ec945fcb2a3ec09afdd",
            "orders-api", "$LATEST",
            "2024/05/20/orders-api[$LATEST]3f1c9a7e5b2d4c6e8f0a1b2c3d4e5f60", 134217728L, null));
    assertThat(events.get(1).record()).isEqualTo(new LogLine(LogSource.EXTENSION,
        "2024-05-20 16:29:44,851 INFO  [io.quarkus] (main) otel-telemetry-extension 1.0.0 native "
            + "(powered by Quarkus 3.8.4) started in 0.011s. Listening on: http://0.0.0.0:4243", null));
    assertThat(events.get(3).record()).isEqualTo(new TelemetrySubscription(
        "otel-telemetry-extension", "Subscribed", List.of("platform", "function", "extension")));
    assertThat(events.get(4).record()).isEqualTo(new LogLine(LogSource.FUNCTION,
        "2024-05-20T16:29:44.990Z\tundefined\tINFO\tLoaded configuration (3 keys) from SSM\n", null));
    assertThat(events.get(5).record())
        .isEqualTo(new InitRuntimeDone("on-demand", "init", "success", null, List.of()));
    assertThat(events.get(6).record()).isEqualTo(new ExtensionState(
        "otel-telemetry-extension", "Ready", List.of("INVOKE", "SHUTDOWN"), null));
    assertThat(events.get(7).record())
        .isEqualTo(new InitReport("on-demand", "init", "success", null, 173.778, List.of()));
    Tracing tracing = new Tracing("73f19b2c4d5e6a70", "X-Amzn-Trace-Id",
        "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c;Parent=3b2a1f0e9d8c7b6a;Sampled=1");
    assertThat(events.get(8).record()).isEqualTo(new Start(
        "4b142fc3-17b8-4cdb-a46b-a8dbe7918715", "$LATEST", tracing, null, null));
    assertThat(events.get(11).record()).isEqualTo(new RuntimeDone(
        "4b142fc3-17b8-4cdb-a46b-a8dbe7918715", "success", null, 11.185, 40L,
        List.of(
            new SpanRecord("responseLatency", Instant.parse("2024-05-20T16:29:45.008Z"), 2.215),
            new SpanRecord("responseDuration", Instant.parse("2024-05-20T16:29:45.010Z"), 0.056),
            new SpanRecord("runtimeOverhead", Instant.parse("2024-05-20T16:29:45.010Z"), 8.686)),
        tracing, null));
    assertThat(events.get(12).time()).isEqualTo(Instant.parse("2024-05-20T16:29:45.022Z"));
    assertThat(events.get(12).record()).isEqualTo(new Report(
        "4b142fc3-17b8-4cdb-a46b-a8dbe7918715", "success", null,
        new ReportMetrics(11.642, 12L, 128L, 67L, 174.055, null, null),
        List.of(new SpanRecord("extensionOverhead", Instant.parse("2024-05-20T16:29:45.019Z"), 0.457)),
        tracing, null));
  }

  @Test
  void parse_warmInvokeWithoutTracing_hasNullTracingAndVersion8() {
    List<TelemetryEvent> events = parse("02-warm-invoke.json").events();

    assertThat(events.get(0).record())
        .isEqualTo(new Start("d661f7cf-9208-46b9-85b0-213b04a91065", "8", null, null, null));
    assertThat(((Report) events.get(3).record()).metrics())
        .isEqualTo(new ReportMetrics(1.317, 2L, 1024L, 68L, null, null, null));
  }

  @Test
  void parse_jsonFormatLogs_keepsObjectRecordsAsObjectsAndStringRecordsAsText() {
    List<TelemetryEvent> events = parse("03-json-format-logs-nodejs.json").events();

    LogLine warn = (LogLine) events.get(3).record();
    assertThat(warn.text()).isNull();
    assertThat(warn.object().get("message").get("latencyMs")).isEqualTo(JsonNumber.of(812));
    LogLine error = (LogLine) events.get(4).record();
    assertThat(error.object().get("message").text())
        .isEqualTo("Payment provider call failed, retrying Error: Bad Gateway\n"
            + "    at callPsp (file:///var/task/psp.mjs:14:11)");
    assertThat(((JsonArray) error.object().get("stackTrace")).elements()).hasSize(3);
    LogLine powertools = (LogLine) events.get(5).record();
    assertThat(powertools.object().get("amount").get("value")).isEqualTo(new JsonNumber(19.99));
    LogLine stringExtension = (LogLine) events.get(7).record();
    assertThat(stringExtension).isEqualTo(new LogLine(LogSource.EXTENSION,
        "[AWS Parameters and Secrets Lambda Extension] 2024/05/20 17:02:11 INFO ready to serve traffic",
        null));
    assertThat(((LogLine) events.get(8).record()).source()).isEqualTo(LogSource.EXTENSION);
    assertThat(((LogLine) events.get(8).record()).object()).isInstanceOf(JsonObject.class);
  }

  @Test
  void parse_extensionLogsWithTrailingNewlineAndAnsi_keepsTextVerbatim() {
    List<TelemetryEvent> events = parse("09-subscription-and-extension-events.json").events();

    assertThat(((LogLine) events.get(1).record()).text()).isEqualTo("log-shipper  launching extension\n");
    assertThat(((LogLine) events.get(2).record()).text()).startsWith("\u001b[32m2024-10-14 08:00:00,240 INFO \u001b[0m");
    assertThat(events.get(3).record()).isEqualTo(
        new TelemetrySubscription("log-shipper", "Subscribed", List.of("function")));
    assertThat(events.get(7).record())
        .isEqualTo(new ExtensionState("java-agent-internal", "Ready", List.of("INVOKE"), null));
    assertThat(events.get(10).record())
        .isEqualTo(new ExtensionState("secrets-cache-extension", "Ready", List.of("SHUTDOWN"), null));
  }

  @Test
  void parse_legacy2022Shapes_keepsMissingFieldsNullAndZeroDurationSpans() {
    List<TelemetryEvent> events = parse("16-legacy-2022-07-01-shapes.json").events();

    assertThat(events.get(0).record())
        .isEqualTo(new InitStart("on-demand", "init", null, null, null, null, null, null, null));
    assertThat(events.get(1).record())
        .isEqualTo(new InitRuntimeDone("on-demand", null, "success", null, List.of()));
    assertThat(events.get(2).record())
        .isEqualTo(new ExtensionState("otel-telemetry-extension", "Ready", List.of("SHUTDOWN", "INVOKE"), null));
    assertThat(events.get(3).record())
        .isEqualTo(new InitReport("on-demand", "init", null, null, 500.0, List.of()));
    assertThat(((LogLine) events.get(5).record()).text()).startsWith("{\"timestamp\":\"2022-10-21T14:05:04.002Z\"");
    assertThat(((RuntimeDone) events.get(6).record()).spans())
        .extracting(SpanRecord::name, SpanRecord::durationMs)
        .containsExactly(tuple("responseLatency", 2598.0), tuple("responseDuration", 0.0));
    assertThat(((Report) events.get(7).record()).metrics().initDurationMs()).isEqualTo(549.04);
  }

  @Test
  void parse_pythonText_keepsNoBreakSpacesAndMultiLineTraceInOneRecord() {
    List<TelemetryEvent> events = parse("python-text-logs-unhandled-error.json").events();

    assertThat(((LogLine) events.get(3).record()).text())
        .isEqualTo("[ERROR] ZeroDivisionError: division by zero\nTraceback (most recent call last):\n"
            + "\u00a0\u00a0File \"/var/task/app.py\", line 9, in lambda_handler\n"
            + "\u00a0\u00a0\u00a0\u00a0return total / count\n");
    assertThat(events.get(4).record()).isInstanceOfSatisfying(RuntimeDone.class, rd -> {
      assertThat(rd.status()).isEqualTo("error");
      assertThat(rd.errorType()).isEqualTo("Runtime.Unknown");
    });
  }

  @Test
  void parse_pythonJsonUnhandledError_keepsLogLevelRecordWithoutMessage() {
    List<TelemetryEvent> events = parse("python-json-logs-unhandled-error.json").events();

    JsonObject unhandled = ((LogLine) events.get(4).record()).object();
    assertThat(unhandled.members()).doesNotContainKey("message");
    assertThat(unhandled.get("log_level").text()).isEqualTo("ERROR");
    assertThat(unhandled.get("timestamp").text()).isEqualTo("2024-06-11T09:15:03Z");
  }

  @Test
  void parse_goEscapedHtmlCharacters_decodesThem() {
    List<TelemetryEvent> events = parse("nodejs-text-invoke-error.json").events();

    assertThat(((LogLine) events.get(1).record()).text()).contains("\"note\": \"<b>rush</b> & gift\"");
    assertThat(((LogLine) events.get(2).record()).text())
        .isEqualTo("2024-05-20T16:31:02.104Z\tc3d9e0f1-7a2b-4c5d-8e9f-0a1b2c3d4e5f\tDEBUG\tcolumns\tsku\tqty"
            + "\u0007bell \u00e9\u00e8 \u4e2d\u6587 \uD83D\uDE80\n");
  }

  @Test
  void parse_snapStart_readsRestoreEventsAndStringInstanceMaxMemory() {
    List<TelemetryEvent> events = parse("snapstart-restore.json").events();

    assertThat(events.get(0).record())
        .isEqualTo(new InitReport("snap-start", "init", "success", null, 3621.84, List.of()));
    assertThat(events.get(1).record()).isInstanceOfSatisfying(RestoreStart.class, rs -> {
      assertThat(rs.instanceMaxMemory()).isEqualTo(536_870_912L);
      assertThat(rs.functionVersion()).isEqualTo("4");
      assertThat(rs.runtimeVersionArn()).startsWith("arn:aws:lambda:eu-central-1::runtime:");
    });
    assertThat(events.get(3).record()).isEqualTo(new RestoreRuntimeDone("success", null, List.of()));
    assertThat(events.get(4).record()).isEqualTo(new RestoreReport("success", null, 268.477, List.of()));
    assertThat(((Report) events.get(8).record()).metrics())
        .isEqualTo(new ReportMetrics(342.007, 466L, 512L, 187L, null, 268.477, 124L));
  }

  @Test
  void parse_managedInstances_keepsFunctionArnAndDurationOnlyMetrics() {
    List<TelemetryEvent> events = parse("managed-instances-interleaved.json").events();

    assertThat(((Start) events.get(0).record()).functionArn())
        .isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:catalog-sync:7");
    assertThat(events.get(9).record()).isEqualTo(new Report(
        "4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f", "timeout", "Sandbox.Timedout",
        new ReportMetrics(60000.0, null, null, null, null, null, null), List.of(), null, null));
    assertThat(((Report) events.get(6).record()).spans()).extracting(SpanRecord::name)
        .containsExactly("responseLatency", "responseDuration");
  }

  @Test
  void parse_timeoutRuntimeDoneWithoutSpans_hasEmptySpansAndNoProducedBytes() {
    List<TelemetryEvent> events = parse("timeout-and-suppressed-init.json").events();

    assertThat(events.get(2).record()).isEqualTo(new RuntimeDone(
        "a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d", "timeout", null, 3000.0, null, List.of(), null, null));
    assertThat(((InitStart) events.get(4).record()).phase()).isEqualTo("invoke");
  }

  @Test
  void parse_legacyAndFutureTypes_becomeUnknownWithTheirRawRecord() {
    List<TelemetryEvent> events = parse("legacy-types.json").events();

    assertThat(events.get(3).record()).isInstanceOfSatisfying(Unknown.class, u -> {
      assertThat(u.type()).isEqualTo("platform.fault");
      assertThat(u.raw().text()).startsWith("RequestId: 459921b5");
    });
    assertThat(events.get(4).record()).isInstanceOfSatisfying(Unknown.class,
        u -> assertThat(((JsonArray) u.raw().get("someNewField")).elements()).hasSize(3));
  }

  @Test
  void parse_goFloat64IntegersAndOffsetTime_readAsIntegers() {
    List<TelemetryEvent> events = parse("logs-dropped-float-numbers.json").events();

    assertThat(((InitStart) events.get(0).record()).instanceMaxMemory()).isEqualTo(2_147_483_648L);
    assertThat(((InitStart) events.get(0).record()).runtimeVersion()).isEmpty();
    assertThat(events.get(1).record()).isEqualTo(new LogsDropped(12, 694,
        "Some logs were dropped because the downstream consumer is slower than the logs production rate"));
    assertThat(events.get(2).time()).isEqualTo(Instant.parse("2025-01-15T03:12:46Z"));
    assertThat(((Report) events.get(2).record()).metrics())
        .isEqualTo(new ReportMetrics(1233.96, 1698L, 2048L, 694L, 463.512, null, null));
  }

  @Test
  void parse_provisionedConcurrency_keepsLateInitReportTimeAndNoInitDuration() {
    List<TelemetryEvent> events = parse("provisioned-concurrency.json").events();

    assertThat(events.get(0).time()).isEqualTo(Instant.parse("2024-04-22T05:10:31.772Z"));
    assertThat(((InitReport) events.get(0).record()).initializationType()).isEqualTo("provisioned-concurrency");
    assertThat(((Report) events.get(4).record()).metrics().initDurationMs()).isNull();
  }

  @Test
  void parse_javaStackTraceOnStderr_arrivesAsOneRecordPerLine() {
    List<TelemetryEvent> events = parse("crash-oom.json").events();

    assertThat(events.subList(2, 6)).extracting(e -> ((LogLine) e.record()).text())
        .containsExactly(
            "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n",
            "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)\n",
            "\tat java.base/java.io.ByteArrayOutputStream.ensureCapacity(ByteArrayOutputStream.java:100)\n",
            "\tat com.example.report.CsvBuilder.append(CsvBuilder.java:57)\n");
    assertThat(events.get(6).record()).isEqualTo(new RuntimeDone(
        "3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c", "error", "Runtime.OutOfMemory", 4610.388, null,
        List.of(), null, null));
  }

  // ---------------------------------------------------------------- malformed elements

  @Test
  void parse_malformedElementsFixture_keepsEveryGoodNeighbourAndCountsTheRest() {
    ParseResult result = parse("malformed-elements.json");

    assertThat(result.malformedBody()).isFalse();
    // 8 skipped (42, a string, null, [], {}, no type, numeric type, empty type)
    // + 2 typed-as-Unknown (start with a string record, report without requestId).
    assertThat(result.malformedElements()).isEqualTo(10);
    List<TelemetryEvent> events = result.events();
    assertThat(events).extracting(TelemetryEvent::type).containsExactly(
        "platform.start", "platform.start", "platform.report", "function", "function", "extension",
        "function", "platform.runtimeDone", "platform.report");
    assertThat(events.get(0).record()).isInstanceOf(Start.class);
    assertThat(events.get(1).record()).isInstanceOfSatisfying(Unknown.class,
        u -> assertThat(u.raw().text()).isEqualTo("not an object"));
    assertThat(events.get(2).record()).isInstanceOf(Unknown.class);
    assertThat(events.get(3).time()).isEqualTo(RECEIVED);
    assertThat(events.get(3).record()).isInstanceOf(LogLine.class);
    assertThat(events.get(4)).isEqualTo(new TelemetryEvent(RECEIVED, "function",
        new LogLine(LogSource.FUNCTION, "12345", null)));
    assertThat(events.get(5).record()).isEqualTo(new LogLine(LogSource.EXTENSION, "[\"an\",\"array\"]", null));
    assertThat(events.get(6).record()).isEqualTo(new LogLine(LogSource.FUNCTION, "null", null));
    assertThat(events.get(7).time()).isEqualTo(RECEIVED);
    assertThat(events.get(7).record()).isEqualTo(new RuntimeDone(
        "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e", "success", null, 3.5, null,
        List.of(
            new SpanRecord("responseLatency", Instant.parse("2024-05-20T16:40:00.001Z"), 2.5),
            new SpanRecord("stringDuration", Instant.parse("2024-05-20T16:40:00.003Z"), 0.75)),
        null, null));
    assertThat(events.get(8).record()).isEqualTo(new Report(
        "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e", null, null,
        new ReportMetrics(4.0, 4L, 128L, null, null, null, null), List.of(), null, null));
  }

  static Stream<Arguments> garbageElements() {
    return Stream.of(
        argumentSet("number", "42"),
        argumentSet("string", "\"platform.start\""),
        argumentSet("null", "null"),
        argumentSet("boolean", "true"),
        argumentSet("nested array", "[{\"type\":\"function\",\"record\":\"x\"}]"),
        argumentSet("empty object", "{}"),
        argumentSet("no type", "{\"time\":\"2024-05-20T16:40:00Z\",\"record\":{}}"),
        argumentSet("null type", "{\"type\":null,\"record\":{}}"),
        argumentSet("object type", "{\"type\":{\"name\":\"function\"},\"record\":\"x\"}"),
        argumentSet("array type", "{\"type\":[\"function\"],\"record\":\"x\"}"),
        argumentSet("empty type", "{\"type\":\"\",\"record\":\"x\"}"));
  }

  @ParameterizedTest
  @MethodSource("garbageElements")
  void parse_garbageElementBetweenGoodOnes_skipsOnlyTheGarbage(String garbage) {
    ParseResult result = parseString("[" + START_JSON + "," + garbage + "," + LOG_JSON + "]");

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.malformedElements()).isEqualTo(1);
    assertThat(result.events()).extracting(TelemetryEvent::type).containsExactly("platform.start", "function");
  }

  static Stream<Arguments> wrongShapedRecords() {
    return Stream.of(
        argumentSet("platform.start string", "platform.start", "\"4b142fc3\""),
        argumentSet("platform.start without requestId", "platform.start", "{\"version\":\"8\"}"),
        argumentSet("platform.start with numeric-only empty requestId", "platform.start", "{\"requestId\":\"\"}"),
        argumentSet("platform.runtimeDone array", "platform.runtimeDone", "[]"),
        argumentSet("platform.report number", "platform.report", "3"),
        argumentSet("platform.initStart null", "platform.initStart", "null"),
        argumentSet("platform.initReport string", "platform.initReport", "\"x\""),
        argumentSet("platform.extension array", "platform.extension", "[\"a\"]"),
        argumentSet("platform.logsDropped boolean", "platform.logsDropped", "false"),
        argumentSet("platform.restoreStart string", "platform.restoreStart", "\"{}\""),
        argumentSet("platform.telemetrySubscription number", "platform.telemetrySubscription", "1"));
  }

  @ParameterizedTest
  @MethodSource("wrongShapedRecords")
  void parse_knownTypeWithWrongShapedRecord_becomesUnknownCountedMalformed(String type, String record) {
    ParseResult result = parseString("[" + START_JSON + ",{\"time\":\"2024-05-20T16:40:00.005Z\",\"type\":\""
        + type + "\",\"record\":" + record + "}," + LOG_JSON + "]");

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.malformedElements()).isEqualTo(1);
    assertThat(result.events()).hasSize(3);
    assertThat(result.events().get(1).record()).isInstanceOfSatisfying(Unknown.class,
        u -> assertThat(u.type()).isEqualTo(type));
    assertThat(result.events().get(2).record()).isInstanceOf(LogLine.class);
  }

  @Test
  void parse_missingRecordOnPlatformType_becomesUnknownWithNullRaw() {
    ParseResult result = parseString("[{\"type\":\"platform.initStart\"}]");

    assertThat(result.malformedElements()).isEqualTo(1);
    assertThat(result.events().get(0).record()).isInstanceOfSatisfying(Unknown.class,
        u -> assertThat(u.raw()).isEqualTo(JsonNull.INSTANCE));
  }

  @Test
  void parse_emptyRestoreStartRecord_isATypedRecordWithNullFields() {
    ParseResult result = parseString("[{\"time\":\"2024-05-20T16:40:00Z\",\"type\":\"platform.restoreStart\",\"record\":{}}]");

    assertThat(result.malformedElements()).isZero();
    assertThat(result.events().get(0).record()).isEqualTo(new RestoreStart(null, null, null, null, null, null));
  }

  static Stream<Arguments> numberForms() {
    return Stream.of(
        argumentSet("integer", "694", 694L, 694.0),
        argumentSet("Go float64", "694.0", 694L, 694.0),
        argumentSet("numeric string", "\"694\"", 694L, 694.0),
        argumentSet("decimal string", "\"694.0\"", 694L, 694.0),
        argumentSet("fraction rounds for integers", "694.6", 695L, 694.6),
        argumentSet("exponent", "6.94e2", 694L, 694.0),
        argumentSet("garbage string", "\"lots\"", null, null),
        argumentSet("NaN string", "\"NaN\"", null, null),
        argumentSet("Infinity string", "\"Infinity\"", null, null),
        argumentSet("boolean", "true", null, null),
        argumentSet("object", "{\"v\":1}", null, null),
        argumentSet("null", "null", null, null),
        argumentSet("beyond long", "123456789012345678901234567890", null, 1.2345678901234568E29));
  }

  @ParameterizedTest
  @MethodSource("numberForms")
  void parse_numberField_acceptsIntegerFloatAndNumericString(String json, Long asLong, Double asDouble) {
    ParseResult result = parseString("[{\"time\":\"2024-05-20T16:40:00Z\",\"type\":\"platform.report\","
        + "\"record\":{\"requestId\":\"r\",\"metrics\":{\"durationMs\":" + json + ",\"billedDurationMs\":" + json + "}}}]");

    ReportMetrics metrics = ((Report) result.events().get(0).record()).metrics();
    assertThat(metrics.billedDurationMs()).isEqualTo(asLong);
    assertThat(metrics.durationMs()).isEqualTo(asDouble);
  }

  @Test
  void parse_stringFieldGivenAsNumber_readsItsText() {
    ParseResult result = parseString("[{\"type\":\"platform.start\",\"record\":{\"requestId\":\"r\",\"version\":8}}]");

    assertThat(((Start) result.events().get(0).record()).version()).isEqualTo("8");
  }

  @Test
  void parse_nonStringListElements_areDropped() {
    ParseResult result = parseString("[{\"type\":\"platform.extension\",\"record\":{\"name\":\"x\",\"events\":[\"INVOKE\",1,null,\"SHUTDOWN\"]}}]");

    assertThat(((ExtensionState) result.events().get(0).record()).events()).containsExactly("INVOKE", "SHUTDOWN");
  }

  @Test
  void parse_spansNotAnArray_yieldsNoSpans() {
    ParseResult result = parseString("[{\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\"r\",\"spans\":{\"name\":\"x\"}}}]");

    assertThat(((RuntimeDone) result.events().get(0).record()).spans()).isEmpty();
  }

  @Test
  void parse_spanWithNonFiniteOrNegativeDuration_isSkipped() {
    ParseResult result = parseString("[{\"type\":\"platform.report\",\"record\":{\"requestId\":\"r\",\"spans\":["
        + "{\"name\":\"a\",\"start\":\"2024-05-20T16:40:00Z\",\"durationMs\":\"Infinity\"},"
        + "{\"name\":\"b\",\"start\":\"2024-05-20T16:40:00Z\",\"durationMs\":-1},"
        + "{\"name\":\"\",\"start\":\"2024-05-20T16:40:00Z\",\"durationMs\":1},"
        + "{\"name\":\"c\",\"start\":1716222588008,\"durationMs\":1},"
        + "{\"name\":\"ok\",\"start\":\"2024-05-20T16:40:00+02:00\",\"durationMs\":0}]}}]");

    assertThat(((Report) result.events().get(0).record()).spans())
        .containsExactly(new SpanRecord("ok", Instant.parse("2024-05-20T14:40:00Z"), 0.0));
  }

  @Test
  void parse_envelopeTimeInOtherRfc3339Forms_isParsed() {
    ParseResult result = parseString("[{\"time\":\"2024-05-20T18:40:00.123456+02:00\",\"type\":\"function\",\"record\":\"a\"},"
        + "{\"time\":\"2024-05-20T16:40:00Z\",\"type\":\"function\",\"record\":\"b\"}]");

    assertThat(result.events()).extracting(TelemetryEvent::time).containsExactly(
        Instant.parse("2024-05-20T16:40:00.123456Z"), Instant.parse("2024-05-20T16:40:00Z"));
  }

  @Test
  void parse_unknownEnvelopeAndRecordFields_areIgnored() {
    ParseResult result = parseString("[{\"future\":{\"a\":[1,{\"b\":2}]},\"time\":\"2024-05-20T16:40:00Z\","
        + "\"type\":\"platform.start\",\"record\":{\"requestId\":\"r\",\"newThing\":{\"x\":[1]}},\"more\":null}]");

    assertThat(result.malformedElements()).isZero();
    assertThat(result.events().get(0).record()).isEqualTo(new Start("r", null, null, null, null));
  }

  // ---------------------------------------------------------------- malformed bodies

  static Stream<Arguments> malformedBodies() {
    return Stream.of(
        argumentSet("empty", "", 0),
        argumentSet("whitespace", " \n\t ", 0),
        argumentSet("null literal", "null", 0),
        argumentSet("a string", "\"OK\"", 0),
        argumentSet("a number", "42", 0),
        argumentSet("not JSON", "this is not json", 0),
        argumentSet("HTML", "<html><body>502</body></html>", 0),
        argumentSet("truncated after one element", "[" + START_JSON + "," + LOG_JSON.substring(0, 30), 1),
        argumentSet("truncated inside record", "[" + START_JSON + "," + LOG_JSON + ",{\"type\":\"function\",\"record\":\"abc", 2),
        argumentSet("missing closing bracket", "[" + START_JSON + "," + LOG_JSON, 2),
        // A bad element costs only itself: the element after it is still read.
        argumentSet("syntax error mid-array", "[" + START_JSON + ",{\"type\":}," + LOG_JSON + "]", 2),
        argumentSet("trailing comma then end", "[" + START_JSON + ",]", 1),
        argumentSet("trailing garbage", "[" + START_JSON + "] garbage", 1),
        argumentSet("trailing scalar", "[" + START_JSON + "] 42", 1));
  }

  @ParameterizedTest
  @MethodSource("malformedBodies")
  void parse_malformedBody_flagsItAndKeepsEveryCompleteElement(String body, int expectedEvents) {
    ParseResult result = parseString(body);

    assertThat(result.malformedBody()).isTrue();
    assertThat(result.events()).hasSize(expectedEvents);
  }

  @Test
  void parse_nullBody_isMalformedAndEmpty() {
    ParseResult result = parser.parse(null, RECEIVED);

    assertThat(result.malformedBody()).isTrue();
    assertThat(result.events()).isEmpty();
  }

  @Test
  void parse_emptyArray_isWellFormedAndEmpty() {
    ParseResult result = parseString("[]");

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.malformedElements()).isZero();
    assertThat(result.events()).isEmpty();
  }

  @Test
  void parse_singleEventObject_isOneEvent() {
    ParseResult result = parseString(START_JSON);

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.events()).extracting(TelemetryEvent::type).containsExactly("platform.start");
  }

  @Test
  void parse_invalidUtf8InsideALaterElement_keepsTheEarlierOnes() {
    byte[] good = ("[" + START_JSON + "," + LOG_JSON + ",{\"type\":\"function\",\"record\":\"").getBytes(StandardCharsets.UTF_8);
    byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
    byte[] tail = "\"}]".getBytes(StandardCharsets.UTF_8);
    byte[] body = concat(good, bad, tail);

    ParseResult result = parser.parse(body, RECEIVED);

    assertThat(result.malformedBody()).isTrue();
    assertThat(result.events()).extracting(TelemetryEvent::type).containsExactly("platform.start", "function");
  }

  @Test
  void parse_bytesThatAreNotText_areMalformed() {
    byte[] body = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D};

    ParseResult result = parser.parse(body, RECEIVED);

    assertThat(result.malformedBody()).isTrue();
    assertThat(result.events()).isEmpty();
  }

  @Test
  void parse_hugeStringRecord_isKeptWhole() {
    String huge = "x".repeat(2_000_000) + "\u00e9\n";
    String body = "[" + START_JSON + ",{\"time\":\"2024-05-20T16:40:00Z\",\"type\":\"function\",\"record\":\""
        + huge.replace("\n", "\\n") + "\"}," + LOG_JSON + "]";

    ParseResult result = parseString(body);

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.events()).hasSize(3);
    assertThat(((LogLine) result.events().get(1).record()).text()).isEqualTo(huge);
  }

  @Test
  void parse_deeplyNestedRecord_isKeptAsTruncatedTextNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    String body = "[" + START_JSON + ",{\"type\":\"function\",\"record\":" + deep + "}]";

    ParseResult result = SmallStack.call(() -> parseString(body));

    assertThat(result.malformedBody()).isFalse(); // valid JSON, only beyond the reader's bounds
    assertThat(result.events()).extracting(TelemetryEvent::type).containsExactly("platform.start", "function");
    assertThat(((LogLine) result.events().get(1).record()).text())
        .isEqualTo("[".repeat(BatchParser.MAX_KEPT_RECORD_BYTES));
  }

  @Test
  void parse_malformedBatchThenGoodBatch_secondIsUnaffected() {
    parseString("[" + START_JSON + ",{\"broken");

    ParseResult good = parse("02-warm-invoke.json");

    assertThat(good.malformedBody()).isFalse();
    assertThat(good.events()).hasSize(4);
  }

  // ---------------------------------------------------------------- NDJSON (TCP)

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", ""})
  void parse_tcpProtocolLine_oneEventPerLine_yieldsThatEvent(String terminator) {
    ParseResult result = parser.parse((LOG_JSON + terminator).getBytes(StandardCharsets.UTF_8), RECEIVED);

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.events()).containsExactly(new TelemetryEvent(
        Instant.parse("2024-05-20T16:40:00.002Z"), "function", new LogLine(LogSource.FUNCTION, "hello\n", null)));
  }

  @Test
  void parse_tcpProtocolLine_notJson_isMalformed() {
    ParseResult result = parser.parse("{\"type\":\"funct".getBytes(StandardCharsets.UTF_8), RECEIVED);

    assertThat(result.malformedBody()).isTrue();
    assertThat(result.events()).isEmpty();
  }

  @Test
  void parse_tcpProtocolLine_elementWithoutType_isCountedNotThrown() {
    ParseResult result = parser.parse("{\"record\":\"x\"}\n".getBytes(StandardCharsets.UTF_8), RECEIVED);

    assertThat(result.malformedBody()).isFalse();
    assertThat(result.malformedElements()).isEqualTo(1);
    assertThat(result.events()).isEmpty();
  }

  // ---------------------------------------------------------------- helpers

  private ParseResult parse(String fixture) {
    return parser.parse(fixture(fixture), RECEIVED);
  }

  private ParseResult parseString(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8), RECEIVED);
  }

  static byte[] fixture(String name) {
    try (InputStream in = BatchParserTest.class.getResourceAsStream("/telemetry/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
