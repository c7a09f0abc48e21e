package dev.lambdatelemetry.otel.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.telemetry.BatchParser;
import dev.lambdatelemetry.otel.json.JsonReader;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import dev.lambdatelemetry.otel.telemetry.model.LogSource;
import dev.lambdatelemetry.otel.telemetry.model.RuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.Start;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogTranslatorTest {

  private static final Instant ENVELOPE = Instant.parse("2024-05-20T17:02:11.214Z");
  private static final Resource RESOURCE =
      Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "orders-api"));
  private static final String REQUEST_ID = "79b4f56e-95b1-4643-9700-2807f4e68189";
  private static final SpanContext INVOCATION_SPAN = SpanContext.create(
      "664b82130a9b8c7d6e5f4a3b2c1d0e9f", "5d1e2f3a4b5c6d7e", TraceFlags.getSampled(), TraceState.getDefault());
  private static final InvocationContext OPEN = new InvocationContext(REQUEST_ID, INVOCATION_SPAN);
  private static final String OTHER_ID = "0f4e7c62-3b8a-4d1e-9a55-6c2f8e1b7d40";
  private static final SpanContext OTHER_SPAN = SpanContext.create(
      "0123456789abcdef0123456789abcdef", "0123456789abcdef", TraceFlags.getDefault(), TraceState.getDefault());
  private static final Function<String, InvocationContext> KNOWN = id -> switch (id) {
    case REQUEST_ID -> OPEN;
    case OTHER_ID -> new InvocationContext(OTHER_ID, OTHER_SPAN);
    default -> null;
  };

  private static final AttributeKey<String> SOURCE = AttributeKey.stringKey("aws.lambda.log.source");
  private static final AttributeKey<String> INVOCATION_ID = AttributeKey.stringKey("faas.invocation_id");
  private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
  private static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");

  private final LogTranslator translator = new LogTranslator();

  // ---------------------------------------------------------------- fixture 03 (README expectations)

  @Test
  void translate_fixture03_matchesTheReadmeExpectations() {
    List<LogRecordData> logs = translateFixture("03-json-format-logs-nodejs.json");

    assertThat(logs).hasSize(8);
    LogRecordData debug = logs.get(0);
    assertThat(debug.getSeverity()).isEqualTo(Severity.DEBUG);
    assertThat(debug.getSeverity().getSeverityNumber()).isEqualTo(5);
    assertThat(debug.getBodyValue()).isEqualTo(Value.of("Parsed event body (312 bytes)"));
    assertThat(debug.getTimestampEpochNanos()).isEqualTo(nanos("2024-05-20T17:02:11.101Z"));
    assertThat(debug.getAttributes().get(INVOCATION_ID)).isEqualTo(REQUEST_ID);
    assertThat(debug.getSpanContext()).isEqualTo(INVOCATION_SPAN);

    assertThat(logs.get(1).getSeverity().getSeverityNumber()).isEqualTo(9);
    assertThat(logs.get(1).getBodyValue()).isEqualTo(Value.of("Processing order 43"));

    LogRecordData warn = logs.get(2);
    assertThat(warn.getSeverity().getSeverityNumber()).isEqualTo(13);
    assertThat(warn.getBodyValue()).isEqualTo(Value.of(
        KeyValue.of("event", Value.of("slow_dependency")),
        KeyValue.of("dependency", Value.of("inventory")),
        KeyValue.of("latencyMs", Value.of(812L))));

    LogRecordData error = logs.get(3);
    assertThat(error.getSeverity().getSeverityNumber()).isEqualTo(17);
    assertThat(error.getBodyValue().asString())
        .startsWith("Payment provider call failed, retrying Error: Bad Gateway\n    at callPsp");
    assertThat(error.getAttributes().get(EXCEPTION_TYPE)).isEqualTo("Error");
    assertThat(error.getAttributes().get(EXCEPTION_MESSAGE)).isEqualTo("Bad Gateway");
    assertThat(error.getAttributes().get(EXCEPTION_STACKTRACE)).isEqualTo(
        "Error: Bad Gateway\n    at callPsp (file:///var/task/psp.mjs:14:11)\n"
            + "    at async Runtime.handler (file:///var/task/index.mjs:27:5)");
    assertThat(error.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
        .doesNotContain("errorType", "errorMessage", "stackTrace", "message", "timestamp", "level", "requestId");

    LogRecordData powertools = logs.get(4);
    assertThat(powertools.getSeverity()).isEqualTo(Severity.INFO);
    assertThat(powertools.getBodyValue()).isEqualTo(Value.of("order stored"));
    assertThat(powertools.getTimestampEpochNanos()).isEqualTo(nanos("2024-05-20T17:02:11.214Z"));
    assertThat(powertools.getAttributes().get(INVOCATION_ID)).isEqualTo(REQUEST_ID);
    assertThat(powertools.getSpanContext()).isEqualTo(INVOCATION_SPAN);
    assertThat(powertools.getAttributes().asMap()).containsAllEntriesOf(Map.of(
        AttributeKey.stringKey("service"), "orders",
        AttributeKey.stringKey("orderId"), "o-43",
        AttributeKey.stringKey("amount"), "{\"value\":19.99,\"currency\":\"EUR\"}",
        AttributeKey.stringKey("tags"), "[\"vip\",\"eu\"]",
        AttributeKey.booleanKey("cold_start"), false,
        AttributeKey.stringKey("location"), "handler:31",
        AttributeKey.stringKey("xray_trace_id"), "1-664b8213-0a9b8c7d6e5f4a3b2c1d0e9f",
        AttributeKey.stringKey("function_request_id"), REQUEST_ID));

    LogRecordData custom = logs.get(5);
    assertThat(custom.getSeverity().getSeverityNumber()).isEqualTo(5);
    assertThat(custom.getSeverityText()).isEqualTo("debug");
    assertThat(custom.getBodyValue()).isEqualTo(Value.of("my debug log"));
    assertThat(custom.getTimestampEpochNanos()).isEqualTo(nanos("2024-05-20T17:02:11.215678Z"));

    LogRecordData stringExtension = logs.get(6);
    assertThat(stringExtension.getBodyValue()).isEqualTo(Value.of(
        "[AWS Parameters and Secrets Lambda Extension] 2024/05/20 17:02:11 INFO ready to serve traffic"));
    assertThat(stringExtension.getAttributes().get(SOURCE)).isEqualTo("extension");

    LogRecordData objectExtension = logs.get(7);
    assertThat(objectExtension.getSeverity()).isEqualTo(Severity.INFO);
    assertThat(objectExtension.getBodyValue()).isEqualTo(Value.of("Hello world, I am an extension!"));
    assertThat(objectExtension.getAttributes().get(INVOCATION_ID)).isEqualTo(REQUEST_ID);
    assertThat(objectExtension.getAttributes().get(SOURCE)).isEqualTo("extension");

    assertThat(logs).allSatisfy(log -> {
      assertThat(log.getResource()).isEqualTo(RESOURCE);
      assertThat(log.getInstrumentationScopeInfo().getName()).isEqualTo("lambda-telemetry-otel");
    });
  }

  @Test
  void translate_fixture01ColdStart_initLineHasNoInvocationAndInvokeLinesHaveTheirs() {
    List<LogRecordData> logs = translateFixture("01-cold-start.json");

    assertThat(logs).hasSize(5);
    assertThat(logs.get(2).getAttributes().get(INVOCATION_ID)).isNull();
    assertThat(logs.get(2).getSpanContext().isValid()).isFalse();
    assertThat(logs.get(3).getBodyValue())
        .isEqualTo(Value.of("2024-05-20T16:29:45.009Z\t4b142fc3-17b8-4cdb-a46b-a8dbe7918715\tINFO\tProcessing order 42 for customer c-1001"));
    assertThat(logs.get(3).getSeverity()).isEqualTo(Severity.INFO);
    assertThat(logs.get(3).getAttributes().get(INVOCATION_ID)).isEqualTo("4b142fc3-17b8-4cdb-a46b-a8dbe7918715");
    assertThat(logs.get(4).getSeverity()).isEqualTo(Severity.WARN);
    assertThat(logs.get(4).getSeverityText()).isEqualTo("WARN");
  }

  // ---------------------------------------------------------------- body

  static Stream<Arguments> textBodies() {
    return Stream.of(
        argumentSet("trailing LF removed", "hello\n", "hello"),
        argumentSet("trailing CRLF removed", "hello\r\n", "hello"),
        argumentSet("several trailing newlines removed", "hello\n\n\r", "hello"),
        argumentSet("trailing spaces and tabs kept", "hello \t", "hello \t"),
        argumentSet("leading newline kept", "\nhello", "\nhello"),
        argumentSet("interior newlines, tabs and CR kept", "a\nb\tc\rd\n", "a\nb\tc\rd"),
        argumentSet("control characters kept", "\u0000\u0007\u001b[31mred\u001b[0m", "\u0000\u0007\u001b[31mred\u001b[0m"),
        argumentSet("no-break spaces kept", "\u00a0\u00a0File \"x\"\n", "\u00a0\u00a0File \"x\""),
        argumentSet("unnormalised Unicode kept", "e\u0301 \u00e9 \uD83D\uDE80 \u4e2d", "e\u0301 \u00e9 \uD83D\uDE80 \u4e2d"),
        argumentSet("only newlines", "\n\r\n", ""),
        argumentSet("empty", "", ""));
  }

  @ParameterizedTest
  @MethodSource("textBodies")
  void translate_textRecord_bodyIsTheLineWithoutTrailingLineBreaks(String text, String expected) {
    LogRecordData log = translateText(text);

    assertThat(log.getBodyValue()).isEqualTo(Value.of(expected));
    assertThat(log.getTimestampEpochNanos()).isEqualTo(nanos(ENVELOPE));
    assertThat(log.getObservedTimestampEpochNanos()).isEqualTo(nanos(ENVELOPE));
  }

  @Test
  void translate_longTextRecord_isNotTruncated() {
    String text = "x".repeat(250_000);

    assertThat(translateText(text + "\n").getBodyValue().asString()).isEqualTo(text);
  }

  static Stream<Arguments> objectBodies() {
    return Stream.of(
        argumentSet("string message", "{\"message\":\"hi\\n\",\"msg\":\"no\"}", Value.of("hi\n")),
        argumentSet("msg when no message", "{\"msg\":\"from msg\",\"errorMessage\":\"no\"}", Value.of("from msg")),
        argumentSet("errorMessage when neither", "{\"errorMessage\":\"division by zero\"}", Value.of("division by zero")),
        argumentSet("null message falls through", "{\"message\":null,\"msg\":\"m\"}", Value.of("m")),
        argumentSet("numeric message", "{\"message\":42}", Value.of(42L)),
        argumentSet("decimal message", "{\"message\":1.5}", Value.of(1.5)),
        argumentSet("boolean message", "{\"message\":true}", Value.of(true)),
        argumentSet("array message", "{\"message\":[1,\"a\",null,[true]]}",
            Value.of(List.<Value<?>>of(Value.of(1L), Value.of("a"), Value.empty(), Value.of(List.<Value<?>>of(Value.of(true)))))),
        argumentSet("nested object message", "{\"message\":{\"a\":{\"b\":[1]}}}",
            Value.of(KeyValue.of("a", Value.of(KeyValue.of("b", Value.of(List.<Value<?>>of(Value.of(1L)))))))),
        argumentSet("whole object when no message key", "{\"level\":\"info\",\"event\":\"x\",\"n\":2}",
            Value.of(KeyValue.of("level", Value.of("info")), KeyValue.of("event", Value.of("x")), KeyValue.of("n", Value.of(2L)))),
        argumentSet("empty object", "{}", Value.of(new KeyValue[0])));
  }

  @ParameterizedTest
  @MethodSource("objectBodies")
  void translate_objectRecord_bodyFollowsMessageMsgErrorMessageThenWholeObject(String record, Value<?> expected) {
    assertThat(translateObject(record).getBodyValue()).isEqualTo(expected);
  }

  // ---------------------------------------------------------------- timestamp

  static Stream<Arguments> objectTimestamps() {
    return Stream.of(
        argumentSet("Node ms", "\"2024-05-20T16:29:45.009Z\"", "2024-05-20T16:29:45.009Z"),
        argumentSet("Python seconds", "\"2024-06-11T09:15:02Z\"", "2024-06-11T09:15:02Z"),
        argumentSet("microseconds", "\"2024-11-02T16:51:31.587199Z\"", "2024-11-02T16:51:31.587199Z"),
        argumentSet("offset", "\"2024-05-20T19:02:11.000+02:00\"", "2024-05-20T17:02:11Z"),
        argumentSet("Powertools: envelope", "\"2024-05-20 17:02:11,214+0000\"", "2024-05-20T17:02:11.214Z"),
        argumentSet("epoch millis number: envelope", "1716222588008", "2024-05-20T17:02:11.214Z"),
        argumentSet("garbage: envelope", "\"yesterday\"", "2024-05-20T17:02:11.214Z"),
        argumentSet("before 1970: envelope", "\"1969-01-01T00:00:00Z\"", "2024-05-20T17:02:11.214Z"));
  }

  @ParameterizedTest
  @MethodSource("objectTimestamps")
  void translate_objectRecord_timestampIsRecordTimestampElseEnvelope(String timestamp, String expected) {
    LogRecordData log = translateObject("{\"timestamp\":" + timestamp + ",\"message\":\"m\"}");

    assertThat(log.getTimestampEpochNanos()).isEqualTo(nanos(expected));
    assertThat(log.getObservedTimestampEpochNanos()).isEqualTo(nanos(ENVELOPE));
  }

  // ---------------------------------------------------------------- severity

  static Stream<Arguments> levels() {
    return Stream.of(
        argumentSet("TRACE", "TRACE", 1),
        argumentSet("trace", "trace", 1),
        argumentSet(".NET Trace", "Trace", 1),
        argumentSet("DEBUG", "DEBUG", 5),
        argumentSet("debug", "debug", 5),
        argumentSet("INFO", "INFO", 9),
        argumentSet(".NET Information", "Information", 9),
        argumentSet("WARN", "WARN", 13),
        argumentSet("Python WARNING", "WARNING", 13),
        argumentSet(".NET Warning", "Warning", 13),
        argumentSet("ERROR", "ERROR", 17),
        argumentSet("error", "error", 17),
        argumentSet("FATAL", "FATAL", 21),
        argumentSet("Python CRITICAL", "CRITICAL", 21),
        argumentSet(".NET Critical", "Critical", 21),
        argumentSet("unknown", "NOTICE", 0),
        argumentSet("empty", "", 0));
  }

  @ParameterizedTest
  @MethodSource("levels")
  void translate_objectRecordLevel_mapsCaseInsensitivelyAndKeepsText(String level, int number) {
    LogRecordData log = translateObject("{\"level\":\"" + level + "\",\"message\":\"m\"}");

    assertThat(log.getSeverity().getSeverityNumber()).isEqualTo(number);
    assertThat(log.getSeverityText()).isEqualTo(level);
  }

  @Test
  void translate_pythonUnhandledErrorRecord_usesLogLevelAndErrorMessage() {
    LogRecordData log = translateObject("{\"timestamp\":\"2024-06-11T09:15:03Z\",\"log_level\":\"ERROR\","
        + "\"errorMessage\":\"division by zero\",\"errorType\":\"ZeroDivisionError\",\"requestId\":\"" + REQUEST_ID + "\","
        + "\"stackTrace\":[\"  File \\\"/var/task/app.py\\\", line 9, in lambda_handler\\n    return total / count\\n\"]}");

    assertThat(log.getSeverity()).isEqualTo(Severity.ERROR);
    assertThat(log.getSeverityText()).isEqualTo("ERROR");
    assertThat(log.getBodyValue()).isEqualTo(Value.of("division by zero"));
    assertThat(log.getTimestampEpochNanos()).isEqualTo(nanos("2024-06-11T09:15:03Z"));
    assertThat(log.getAttributes().get(EXCEPTION_TYPE)).isEqualTo("ZeroDivisionError");
    assertThat(log.getAttributes().get(EXCEPTION_MESSAGE)).isEqualTo("division by zero");
    assertThat(log.getAttributes().get(EXCEPTION_STACKTRACE))
        .isEqualTo("  File \"/var/task/app.py\", line 9, in lambda_handler\n    return total / count\n");
    assertThat(log.getAttributes().size()).isEqualTo(5); // source, invocation, 3 exception keys
  }

  @Test
  void translate_objectRecordWithoutLevel_isUnspecifiedWithoutText() {
    LogRecordData log = translateObject("{\"message\":\"m\"}");

    assertThat(log.getSeverity()).isEqualTo(Severity.UNDEFINED_SEVERITY_NUMBER);
    assertThat(log.getSeverityText()).isNull();
  }

  static Stream<Arguments> textLevels() {
    return Stream.of(
        argumentSet("Node INFO", "2024-05-20T16:29:45.009Z\t" + REQUEST_ID + "\tINFO\tProcessing\n", Severity.INFO, "INFO"),
        argumentSet("Node TRACE", "2024-05-20T16:29:45.009Z\t" + REQUEST_ID + "\tTRACE\tx", Severity.TRACE, "TRACE"),
        argumentSet("Node FATAL", "2024-05-20T16:29:45.009Z\t" + REQUEST_ID + "\tFATAL\tx", Severity.FATAL, "FATAL"),
        argumentSet("Python INFO", "[INFO]\t2024-11-05T13:44:21.207Z\t" + REQUEST_ID + "\tReceived\n", Severity.INFO, "INFO"),
        argumentSet("Python WARNING", "[WARNING]\t2024-11-05T13:44:21.207Z\t" + REQUEST_ID + "\tslow\n", Severity.WARN, "WARNING"),
        argumentSet("Python unhandled", "[ERROR] ZeroDivisionError: division by zero\nTraceback (most recent call last):\n",
            Severity.ERROR, "ERROR"),
        argumentSet("Java log4j: unspecified", "2024-09-03 12:00:00 " + REQUEST_ID + " INFO  InvoiceHandler:58 - x",
            Severity.UNDEFINED_SEVERITY_NUMBER, null),
        argumentSet("Node shape but unknown level", "2024-05-20T16:29:45.009Z\t" + REQUEST_ID + "\tNOTICE\tx",
            Severity.UNDEFINED_SEVERITY_NUMBER, null),
        argumentSet("Node shape but bad timestamp", "yesterday at noon!!!!\t" + REQUEST_ID + "\tINFO\tx",
            Severity.UNDEFINED_SEVERITY_NUMBER, null),
        argumentSet("bracketed non-level", "[secrets-cache-extension] cache warmed\n", Severity.UNDEFINED_SEVERITY_NUMBER, null),
        argumentSet("lone bracket", "[", Severity.UNDEFINED_SEVERITY_NUMBER, null),
        argumentSet("tabs only", "\t\t\t", Severity.UNDEFINED_SEVERITY_NUMBER, null));
  }

  @ParameterizedTest
  @MethodSource("textLevels")
  void translate_textRecord_severityFromNodeOrPythonPrefix(String text, Severity severity, String severityText) {
    LogRecordData log = translateText(text);

    assertThat(log.getSeverity()).isEqualTo(severity);
    assertThat(log.getSeverityText()).isEqualTo(severityText);
  }

  // ---------------------------------------------------------------- invocation and trace context

  @Test
  void translate_objectRecordWithKnownRequestId_usesThatInvocationNotTheOpenOne() {
    LogRecordData log = translator.translate(objectLine("{\"requestId\":\"" + OTHER_ID + "\",\"message\":\"m\"}"),
        ENVELOPE, KNOWN, OPEN, RESOURCE);

    assertThat(log.getAttributes().get(INVOCATION_ID)).isEqualTo(OTHER_ID);
    assertThat(log.getSpanContext()).isEqualTo(OTHER_SPAN);
  }

  @Test
  void translate_objectRecordWithUnknownRequestId_keepsTheIdWithoutTraceContext() {
    LogRecordData log = translator.translate(objectLine("{\"requestId\":\"never-seen\",\"message\":\"m\"}"),
        ENVELOPE, KNOWN, OPEN, RESOURCE);

    assertThat(log.getAttributes().get(INVOCATION_ID)).isEqualTo("never-seen");
    assertThat(log.getSpanContext()).isEqualTo(SpanContext.getInvalid());
  }

  @Test
  void translate_objectRecordWithoutRequestId_usesTheOpenInvocation() {
    LogRecordData log = translator.translate(objectLine("{\"message\":\"m\"}"), ENVELOPE, KNOWN, OPEN, RESOURCE);

    assertThat(log.getAttributes().get(INVOCATION_ID)).isEqualTo(REQUEST_ID);
    assertThat(log.getSpanContext()).isEqualTo(INVOCATION_SPAN);
  }

  @Test
  void translate_recordWithNoInvocationOpen_hasNoInvocationIdAndInvalidContext() {
    LogRecordData log = translator.translate(textLine("Starting up"), ENVELOPE, KNOWN, null, RESOURCE);

    assertThat(log.getAttributes().get(INVOCATION_ID)).isNull();
    assertThat(log.getSpanContext()).isEqualTo(SpanContext.getInvalid());
  }

  @Test
  void translate_freeTextRecord_usesTheOpenInvocation() {
    LogRecordData log = translator.translate(textLine("plain text from a Java logger"), ENVELOPE, id -> null, OPEN, RESOURCE);

    assertThat(log.getAttributes().get(INVOCATION_ID)).isEqualTo(REQUEST_ID);
    assertThat(log.getSpanContext()).isEqualTo(INVOCATION_SPAN);
  }

  @Test
  void translate_nodeInitLineWithUndefinedRequestId_hasNoInvocationEvenWhenOneIsOpen() {
    LogRecordData log = translator.translate(
        textLine("2024-07-08T19:00:05.391Z\tundefined\tINFO\tWarming partner client\n"), ENVELOPE, KNOWN, OPEN, RESOURCE);

    assertThat(log.getAttributes().get(INVOCATION_ID)).isNull();
    assertThat(log.getSpanContext()).isEqualTo(SpanContext.getInvalid());
    assertThat(log.getSeverity()).isEqualTo(Severity.INFO);
  }

  @Test
  void translate_textLineNamingAnotherRequest_usesTheNamedInvocation() {
    LogRecordData log = translator.translate(
        textLine("[INFO]\t2024-11-05T13:44:21.207Z\t" + OTHER_ID + "\tlate line\n"), ENVELOPE, KNOWN, OPEN, RESOURCE);

    assertThat(log.getAttributes().get(INVOCATION_ID)).isEqualTo(OTHER_ID);
    assertThat(log.getSpanContext()).isEqualTo(OTHER_SPAN);
  }

  @Test
  void translate_textLineNamingTheOpenRequest_whenLookupKnowsNothing_usesTheOpenContext() {
    LogRecordData log = translator.translate(
        textLine("2024-05-20T16:29:45.009Z\t" + REQUEST_ID + "\tINFO\tx"), ENVELOPE, id -> null, OPEN, RESOURCE);

    assertThat(log.getSpanContext()).isEqualTo(INVOCATION_SPAN);
  }

  // ---------------------------------------------------------------- attributes

  @Test
  void translate_source_isTaggedFunctionOrExtension() {
    assertThat(translator.translate(new LogLine(LogSource.FUNCTION, "x", null), ENVELOPE, KNOWN, null, RESOURCE)
        .getAttributes().get(SOURCE)).isEqualTo("function");
    assertThat(translator.translate(new LogLine(LogSource.EXTENSION, "x", null), ENVELOPE, KNOWN, null, RESOURCE)
        .getAttributes().get(SOURCE)).isEqualTo("extension");
  }

  @Test
  void translate_extraKeys_becomeTypedAttributes() {
    LogRecordData log = translateObject("{\"message\":\"m\",\"s\":\"v\",\"b\":true,\"l\":7,\"d\":2.5,"
        + "\"big\":123456789012345678901234567890,\"o\":{\"k\":[1,\"x\"]},\"a\":[1,2],\"n\":null,"
        + "\"aws.lambda.log.source\":\"spoofed\"}");

    assertThat(log.getAttributes().asMap()).containsAllEntriesOf(Map.of(
        AttributeKey.stringKey("s"), "v",
        AttributeKey.booleanKey("b"), true,
        AttributeKey.longKey("l"), 7L,
        AttributeKey.doubleKey("d"), 2.5,
        AttributeKey.doubleKey("big"), 1.2345678901234568E29,
        AttributeKey.stringKey("o"), "{\"k\":[1,\"x\"]}",
        AttributeKey.stringKey("a"), "[1,2]",
        SOURCE, "function"));
    assertThat(log.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey).doesNotContain("n");
  }

  @Test
  void translate_nodeConsoleErrorWithErrorObjectMessage_mapsExceptionFromTheMessage() {
    LogRecordData log = translateObject("{\"timestamp\":\"2025-12-03T10:20:30.150Z\",\"level\":\"ERROR\",\"requestId\":\"" + REQUEST_ID + "\","
        + "\"message\":{\"errorType\":\"Error\",\"errorMessage\":\"upstream 503\","
        + "\"stackTrace\":[\"Error: upstream 503\",\"    at fetchPage (file:///var/task/sync.mjs:40:11)\"]}}");

    assertThat(log.getBodyValue()).isEqualTo(Value.of(
        KeyValue.of("errorType", Value.of("Error")),
        KeyValue.of("errorMessage", Value.of("upstream 503")),
        KeyValue.of("stackTrace", Value.of(List.<Value<?>>of(
            Value.of("Error: upstream 503"), Value.of("    at fetchPage (file:///var/task/sync.mjs:40:11)"))))));
    assertThat(log.getAttributes().get(EXCEPTION_TYPE)).isEqualTo("Error");
    assertThat(log.getAttributes().get(EXCEPTION_MESSAGE)).isEqualTo("upstream 503");
    assertThat(log.getAttributes().get(EXCEPTION_STACKTRACE))
        .isEqualTo("Error: upstream 503\n    at fetchPage (file:///var/task/sync.mjs:40:11)");
  }

  @Test
  void translate_nodeInvokeErrorTextLine_mapsExceptionFromItsJsonTail() {
    List<LogRecordData> logs = translateFixture("nodejs-text-invoke-error.json");

    LogRecordData error = logs.get(2);
    assertThat(error.getSeverity()).isEqualTo(Severity.ERROR);
    assertThat(error.getBodyValue().asString()).startsWith("2024-05-20T16:31:02.118Z\tc3d9e0f1-7a2b-4c5d-8e9f-0a1b2c3d4e5f\tERROR\tInvoke Error \t{");
    assertThat(error.getAttributes().get(EXCEPTION_TYPE)).isEqualTo("TypeError");
    assertThat(error.getAttributes().get(EXCEPTION_MESSAGE)).isEqualTo("Cannot read properties of undefined (reading 'id')");
    assertThat(error.getAttributes().get(EXCEPTION_STACKTRACE)).isEqualTo(
        "TypeError: Cannot read properties of undefined (reading 'id')\n"
            + "    at Runtime.handler (file:///var/task/index.mjs:12:28)\n"
            + "    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)");
    assertThat(logs.get(0).getBodyValue().asString()).contains("<b>rush</b> & gift").contains("\n  \"customer\"");
  }

  @Test
  void translate_nodeInvokeErrorWithBrokenJson_keepsBodyAndAddsNoException() {
    LogRecordData log = translateText("2024-05-20T16:31:02.118Z\t" + REQUEST_ID + "\tERROR\tInvoke Error \t{not json");

    assertThat(log.getSeverity()).isEqualTo(Severity.ERROR);
    assertThat(log.getAttributes().get(EXCEPTION_TYPE)).isNull();
  }

  @Test
  void translate_pythonJsonFixture_everyRecordHasTimestampSeverityAndInvocation() {
    List<LogRecordData> logs = translateFixture("python-json-logs-unhandled-error.json");

    assertThat(logs).extracting(l -> l.getSeverity().getSeverityNumber()).containsExactly(9, 13, 17, 17);
    assertThat(logs).extracting(LogRecordData::getTimestampEpochNanos).containsExactly(
        nanos("2024-06-11T09:15:02Z"), nanos("2024-06-11T09:15:02Z"), nanos("2024-06-11T09:15:02Z"), nanos("2024-06-11T09:15:03Z"));
    assertThat(logs.get(0).getAttributes().get(AttributeKey.longKey("items"))).isEqualTo(3L);
    assertThat(logs.get(2).getAttributes().get(AttributeKey.stringKey("logger"))).isEqualTo("payments");
    assertThat(logs.get(2).getAttributes().get(EXCEPTION_STACKTRACE)).isEqualTo(
        "  File \"/var/task/payments.py\", line 21, in charge\n    resp = psp.charge(order)\n\n"
            + "  File \"/var/task/psp.py\", line 88, in charge\n    raise ConnectionError(\"PSP unreachable\")\n");
    assertThat(logs.get(3).getBodyValue()).isEqualTo(Value.of("division by zero"));
  }

  @Test
  void translate_everyFixtureLogEvent_yieldsExactlyOneRecordWithoutThrowing() {
    for (String fixture : List.of("01-cold-start.json", "02-warm-invoke.json", "03-json-format-logs-nodejs.json",
        "09-subscription-and-extension-events.json", "16-legacy-2022-07-01-shapes.json", "crash-oom.json",
        "malformed-elements.json", "managed-instances-interleaved.json", "nodejs-text-invoke-error.json",
        "provisioned-concurrency.json", "python-json-logs-unhandled-error.json", "python-text-logs-unhandled-error.json",
        "snapstart-restore.json", "timeout-and-suppressed-init.json")) {
      List<TelemetryEvent> events = new BatchParser().parse(fixture(fixture), ENVELOPE).events();
      long logEvents = events.stream().filter(e -> e.record() instanceof LogLine).count();
      assertThat(translateFixture(fixture)).as(fixture).hasSize((int) logEvents)
          .allSatisfy(log -> assertThat(log.getBodyValue()).isNotNull());
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Translates every log event of a fixture, with the open invocation tracked like the converter will. */
  private List<LogRecordData> translateFixture(String name) {
    List<TelemetryEvent> events = new BatchParser().parse(fixture(name), ENVELOPE).events();
    Map<String, InvocationContext> started = new HashMap<>();
    InvocationContext open = null;
    List<LogRecordData> out = new ArrayList<>();
    for (TelemetryEvent event : events) {
      if (event.record() instanceof Start start) {
        SpanContext context = start.requestId().equals(REQUEST_ID) ? INVOCATION_SPAN
            : SpanContext.create("11111111111111111111111111111111", "2222222222222222", TraceFlags.getSampled(), TraceState.getDefault());
        open = new InvocationContext(start.requestId(), context);
        started.put(start.requestId(), open);
      } else if (event.record() instanceof RuntimeDone) {
        open = null;
      } else if (event.record() instanceof LogLine line) {
        out.add(translator.translate(line, event.time(), started::get, open, RESOURCE));
      }
    }
    return out;
  }

  private LogRecordData translateText(String text) {
    return translator.translate(textLine(text), ENVELOPE, KNOWN, null, RESOURCE);
  }

  private LogRecordData translateObject(String json) {
    return translator.translate(objectLine(json), ENVELOPE, KNOWN, null, RESOURCE);
  }

  private static LogLine textLine(String text) {
    return new LogLine(LogSource.FUNCTION, text, null);
  }

  private static LogLine objectLine(String json) {
    return new LogLine(LogSource.FUNCTION, null, (JsonObject) JsonReader.parseOrNull(json));
  }

  private static long nanos(String instant) {
    return nanos(Instant.parse(instant));
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static byte[] fixture(String name) {
    try (InputStream in = LogTranslatorTest.class.getResourceAsStream("/telemetry/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
