package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.Events.at;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.*;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture of {@code src/test/resources/telemetry} end to end: body → {@code BatchParser} →
 * {@code TelemetryConverter} (production wiring) → drain, with the ids, parent links, times to the
 * microsecond, statuses, attributes and metric values that each fixture's expected outcome (the
 * table in that folder's README) and the conversion rules of {@code TelemetryConverter} and {@code
 * LogTranslator} require. Multi-batch fixtures are numbered files {@code name.1.json}, {@code
 * name.2.json}, … delivered in order.
 */
class FixtureConversionTest {

  private static final ConverterOptions DEFAULTS = ConverterOptions.defaults(null);
  private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
  private static final AttributeKey<String> EXCEPTION_STACKTRACE =
      AttributeKey.stringKey("exception.stacktrace");

  static Stream<Arguments> fixtures() {
    return Stream.of(
        argumentSet("01 cold start", DEFAULTS, List.of("01-cold-start.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::coldStart),
        argumentSet("01 cold start with platform log lines", withPlatformLines(DEFAULTS),
            List.of("01-cold-start.json"), (Consumer<FixtureOutcome>) FixtureConversionTest::coldStartLines),
        argumentSet("02 warm invoke, no tracing", DEFAULTS, List.of("02-warm-invoke.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::warmInvoke),
        argumentSet("03 Node JSON logs", DEFAULTS, List.of("03-json-format-logs-nodejs.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::nodeJsonLogs),
        argumentSet("09 subscription and extension events", DEFAULTS,
            List.of("09-subscription-and-extension-events.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::subscriptionAndExtensions),
        argumentSet("16 legacy 2022-07-01 shapes", DEFAULTS, List.of("16-legacy-2022-07-01-shapes.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::legacyShapes),
        argumentSet("Python text logs, unhandled error", DEFAULTS,
            List.of("python-text-logs-unhandled-error.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::pythonText),
        argumentSet("Python JSON logs, unhandled error with log_level, report never comes", DEFAULTS,
            List.of("python-json-logs-unhandled-error.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::pythonJson),
        argumentSet("Node text logs, Invoke Error", DEFAULTS, List.of("nodejs-text-invoke-error.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::nodeText),
        argumentSet("Node JSON, handled error then returned error", DEFAULTS,
            List.of("handled-error-nodejs-json.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::handledError),
        argumentSet("crash with Runtime.OutOfMemory and no spans", DEFAULTS, List.of("crash-oom.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::crashOom),
        argumentSet("timeout then suppressed init", DEFAULTS, List.of("timeout-and-suppressed-init.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::timeoutAndSuppressedInit),
        argumentSet("SnapStart publish", ConverterOptions.defaults("snap-start"),
            List.of("snapstart-publish.json"), (Consumer<FixtureOutcome>) FixtureConversionTest::snapStartPublish),
        argumentSet("SnapStart restore", ConverterOptions.defaults("snap-start"),
            List.of("snapstart-restore.json"), (Consumer<FixtureOutcome>) FixtureConversionTest::snapStartRestore),
        argumentSet("SnapStart afterRestore hook failure", ConverterOptions.defaults("snap-start"),
            List.of("snapstart-hook-failure.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::snapStartHookFailure),
        argumentSet("provisioned concurrency", ConverterOptions.defaults("provisioned-concurrency"),
            List.of("provisioned-concurrency.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::provisionedConcurrency),
        argumentSet("Managed Instances, interleaved, no runtimeDone",
            ConverterOptions.defaults("lambda-managed-instances"), List.of("managed-instances-interleaved.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::managedInstances),
        argumentSet("Managed Instances with platform log lines, END from the report",
            withPlatformLines(ConverterOptions.defaults("lambda-managed-instances")),
            List.of("managed-instances-interleaved.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::managedInstancesLines),
        argumentSet("report one and two batches late", DEFAULTS,
            List.of("late-report.1.json", "late-report.2.json", "late-report.3.json", "late-report.4.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::lateReports),
        argumentSet("logsDropped and Go float numbers", DEFAULTS, List.of("logs-dropped-float-numbers.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::logsDropped),
        argumentSet("legacy and future event types", DEFAULTS, List.of("legacy-types.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::legacyTypes),
        argumentSet("malformed elements among good ones", DEFAULTS, List.of("malformed-elements.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::malformedElements),
        argumentSet("truncated body", DEFAULTS, List.of("malformed-truncated-body.json"),
            (Consumer<FixtureOutcome>) FixtureConversionTest::truncatedBody));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void fixture_convertsToExpectedSignals(ConverterOptions options, List<String> files, Consumer<FixtureOutcome> check) {
    FixtureOutcome out = FixtureOutcome.run(options, files);

    assertInvariants(out);
    check.accept(out);
  }

  @Test
  void everyFixtureFile_isCoveredByAConversionCase() throws IOException, URISyntaxException {
    Path dir = Path.of(FixtureConversionTest.class.getResource("/telemetry/README.md").toURI()).getParent();
    Set<String> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    @SuppressWarnings("unchecked")
    Set<String> covered = fixtures()
        .flatMap(a -> ((List<String>) a.get()[1]).stream())
        .collect(Collectors.toSet());

    assertThat(covered).containsAll(files);
  }

  // ------------------------------------------------------------------ rules every fixture obeys

  /**
   * Ids valid and unique, every child in its parent's trace, one invocation span per request id,
   * one log record per function/extension event, the enclosing invocation's trace context on every
   * record that names an emitted invocation, nothing failed.
   */
  private static void assertInvariants(FixtureOutcome out) {
    Set<String> spanIds = new HashSet<>();
    for (SpanData span : out.spans) {
      assertThat(span.getSpanContext().isValid()).as("valid ids of %s", span.getName()).isTrue();
      assertThat(spanIds.add(span.getSpanId())).as("unique span id of %s", span.getName()).isTrue();
      assertThat(span.getEndEpochNanos()).isGreaterThanOrEqualTo(span.getStartEpochNanos());
    }
    Map<String, SpanData> invocations = out.invocationSpans().stream()
        .collect(Collectors.toMap(s -> s.getAttributes().get(FAAS_INVOCATION_ID), s -> s)); // throws on duplicates
    for (SpanData span : out.spans) {
      if (span.getKind() == SpanKind.INTERNAL && span.getParentSpanContext().isValid()) {
        assertThat(out.spans).as("parent of child %s", span.getName())
            .anyMatch(p -> p.getSpanId().equals(span.getParentSpanId()) && p.getTraceId().equals(span.getTraceId()));
      }
      if (span.getKind() == SpanKind.SERVER) {
        assertThat(span.getAttributes().get(FAAS_TRIGGER)).isEqualTo("other");
        assertThat(span.getAttributes().get(FAAS_COLDSTART)).isNotNull();
      }
    }
    assertThat(out.lineLogs()).hasSize(out.logLineEvents);
    for (LogRecordData log : out.logs) {
      String requestId = log.getAttributes().get(FAAS_INVOCATION_ID);
      SpanData invocation = requestId == null ? null : invocations.get(requestId);
      if (invocation != null) {
        assertThat(log.getSpanContext()).as("trace context of %s", log.getBodyValue())
            .isEqualTo(invocation.getSpanContext());
      }
    }
    assertThat(out.converter.failedEvents()).isZero();
  }

  // ------------------------------------------------------------------ the cases

  private static final String COLD_ID = "4b142fc3-17b8-4cdb-a46b-a8dbe7918715";

  private static void coldStart(FixtureOutcome out) {
    assertThat(out.spans).hasSize(6);
    SpanData init = out.only("init");
    assertThat(init).hasKind(SpanKind.INTERNAL).hasStatus(StatusData.ok())
        .hasAttributesSatisfying(equalTo(INIT_TYPE, "on-demand")).hasAttributesSatisfying(equalTo(INIT_PHASE, "init"));
    assertTimes(init, "2024-05-20T16:29:44.833Z", 173_778_000);
    assertThat(init.getParentSpanContext().isValid()).isFalse();

    SpanData invocation = out.invocation(COLD_ID);
    assertThat(invocation).hasKind(SpanKind.SERVER)
        .hasTraceId("664b7a795c1f4e2a9d3b8c7e6f0a1b2c")
        .hasParentSpanId("3b2a1f0e9d8c7b6a")
        .hasSpanId("73f19b2c4d5e6a70")
        .hasStatus(StatusData.ok())
        .hasAttributesSatisfying(equalTo(FAAS_COLDSTART, true))
        .hasAttributesSatisfying(equalTo(FAAS_VERSION, "$LATEST"))
        .hasAttributesSatisfying(equalTo(BILLED_DURATION_MS, 12L))
        .hasAttributesSatisfying(equalTo(MEMORY_SIZE_MB, 128L))
        .hasAttributesSatisfying(equalTo(MAX_MEMORY_USED_MB, 67L))
        .hasAttributesSatisfying(equalTo(INIT_DURATION_MS, 174.055))
        .hasAttributesSatisfying(equalTo(PRODUCED_BYTES, 40L));
    assertThat(invocation.getSpanContext().isSampled()).isTrue();
    assertThat(invocation.getParentSpanContext().isRemote()).isTrue();
    assertTimes(invocation, "2024-05-20T16:29:45.008Z", 11_642_000);
    assertThat(init.getTraceId()).isNotEqualTo(invocation.getTraceId());
    assertChildren(out, invocation,
        child("responseLatency", "2024-05-20T16:29:45.008Z", 2_215_000),
        child("responseDuration", "2024-05-20T16:29:45.010Z", 56_000),
        child("runtimeOverhead", "2024-05-20T16:29:45.010Z", 8_686_000),
        child("extensionOverhead", "2024-05-20T16:29:45.019Z", 457_000));

    List<LogRecordData> logs = out.lineLogs();
    assertThat(logs).hasSize(5);
    assertThat(logs.get(0)).hasAttributesSatisfying(equalTo(LOG_SOURCE, "extension"))
        .hasBody("2024-05-20 16:29:44,851 INFO  [io.quarkus] (main) otel-telemetry-extension 1.0.0 native "
            + "(powered by Quarkus 3.8.4) started in 0.011s. Listening on: http://0.0.0.0:4243");
    assertThat(logs.get(2)).hasAttributesSatisfying(equalTo(LOG_SOURCE, "function"));
    assertThat(logs.get(2).getAttributes().get(FAAS_INVOCATION_ID)).isNull();
    assertThat(logs.get(2).getSpanContext().isValid()).isFalse();
    assertThat(logs.get(3)).hasSeverity(Severity.INFO).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, COLD_ID))
        .hasBody("2024-05-20T16:29:45.009Z\t" + COLD_ID + "\tINFO\tProcessing order 42 for customer c-1001")
        .hasTimestamp(nanos("2024-05-20T16:29:45.009Z"));
    assertThat(logs.get(4)).hasSeverity(Severity.WARN).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, COLD_ID));

    assertThat(out.counter("faas.coldstarts")).contains(1L);
    assertThat(out.counter("faas.invocations")).contains(1L);
    assertThat(out.counter("faas.errors")).isEmpty();
    assertThat(out.counter("faas.timeouts")).isEmpty();
    assertHistogram(out, "faas.init_duration", 1, 0.173778);
    assertHistogram(out, "faas.invoke_duration", 1, 0.011185);
    assertHistogram(out, "faas.mem_usage", 1, 70_254_592d);
    assertHistogram(out, "aws.lambda.billed_duration", 1, 12d);
    assertThat(out.converter.resource().getAttribute(FAAS_INSTANCE))
        .isEqualTo("2024/05/20/orders-api[$LATEST]3f1c9a7e5b2d4c6e8f0a1b2c3d4e5f60");
    assertThat(out.platformLogs()).isEmpty();
  }

  private static void coldStartLines(FixtureOutcome out) {
    SpanContext invocation = out.invocation(COLD_ID).getSpanContext();
    List<LogRecordData> lines = out.platformLogs();
    assertThat(lines).extracting(l -> l.getBodyValue().asString()).containsExactly(
        "START RequestId: " + COLD_ID + " Version: $LATEST",
        "END RequestId: " + COLD_ID,
        "REPORT RequestId: " + COLD_ID + "\tDuration: 11.64 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB"
            + "\tMax Memory Used: 67 MB\tInit Duration: 174.06 ms");
    assertThat(lines).extracting(LogRecordData::getTimestampEpochNanos).containsExactly(
        nanos("2024-05-20T16:29:45.008Z"), nanos("2024-05-20T16:29:45.019Z"), nanos("2024-05-20T16:29:45.022Z"));
    assertThat(lines).allSatisfy(line -> assertThat(line)
        .hasAttributesSatisfying(equalTo(LOG_SOURCE, "platform"))
        .hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, COLD_ID))
        .hasSpanContext(invocation));
    assertThat(out.lineLogs()).hasSize(5);
  }

  private static void warmInvoke(FixtureOutcome out) {
    String id = "d661f7cf-9208-46b9-85b0-213b04a91065";
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasParentSpanId("0000000000000000").hasStatus(StatusData.ok())
        .hasAttributesSatisfying(equalTo(FAAS_COLDSTART, false)).hasAttributesSatisfying(equalTo(FAAS_VERSION, "8"));
    assertTimes(invocation, "2024-02-09T08:42:44.078Z", 1_317_000);
    assertChildren(out, invocation,
        child("responseLatency", "2024-02-09T08:42:44.078Z", 677_000),
        child("responseDuration", "2024-02-09T08:42:44.079Z", 35_000),
        child("runtimeOverhead", "2024-02-09T08:42:44.079Z", 211_000));
    assertThat(out.spans).hasSize(4);
    assertThat(out.lineLogs()).singleElement().satisfies(log -> assertThat(log)
        .hasSeverity(Severity.INFO).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id)));
    assertThat(out.counter("faas.invocations")).contains(1L);
    assertThat(out.counter("faas.coldstarts")).isEmpty();
    assertHistogram(out, "faas.invoke_duration", 1, 0.001056);
    assertHistogram(out, "faas.mem_usage", 1, 71_303_168d);
  }

  private static void nodeJsonLogs(FixtureOutcome out) {
    String id = "79b4f56e-95b1-4643-9700-2807f4e68189";
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasTraceId("664b82130a9b8c7d6e5f4a3b2c1d0e9f").hasParentSpanId("6e7f8a9b0c1d2e3f")
        .hasSpanId("5d1e2f3a4b5c6d7e").hasStatus(StatusData.ok()).hasAttributesSatisfying(equalTo(FAAS_COLDSTART, false));
    assertTimes(invocation, "2024-05-20T17:02:11.100Z", 129_066_000);
    assertChildren(out, invocation,
        child("responseLatency", "2024-05-20T17:02:11.100Z", 117_904_000),
        child("responseDuration", "2024-05-20T17:02:11.217Z", 81_000),
        child("runtimeOverhead", "2024-05-20T17:02:11.217Z", 10_377_000));

    List<LogRecordData> logs = out.lineLogs();
    assertThat(logs).hasSize(8);
    assertThat(logs.get(0)).hasSeverity(Severity.DEBUG).hasBody("Parsed event body (312 bytes)")
        .hasTimestamp(nanos("2024-05-20T17:02:11.101Z")).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id));
    assertThat(logs.get(1)).hasSeverity(Severity.INFO).hasBody("Processing order 43");
    assertThat(logs.get(2)).hasSeverity(Severity.WARN);
    assertThat(logs.get(2).getBodyValue()).isEqualTo(Value.of(
        KeyValue.of("event", Value.of("slow_dependency")),
        KeyValue.of("dependency", Value.of("inventory")),
        KeyValue.of("latencyMs", Value.of(812L))));
    assertThat(logs.get(3)).hasSeverity(Severity.ERROR)
        .hasAttributesSatisfying(equalTo(EXCEPTION_TYPE, "Error")).hasAttributesSatisfying(equalTo(EXCEPTION_MESSAGE, "Bad Gateway"));
    assertThat(logs.get(3).getBodyValue().asString())
        .startsWith("Payment provider call failed, retrying Error: Bad Gateway\n");
    assertThat(logs.get(4)).hasSeverity(Severity.INFO).hasBody("order stored")
        .hasTimestamp(nanos("2024-05-20T17:02:11.214Z"))
        .hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id))
        .hasAttributesSatisfying(equalTo(AttributeKey.stringKey("service"), "orders"))
        .hasAttributesSatisfying(equalTo(AttributeKey.stringKey("orderId"), "o-43"))
        .hasAttributesSatisfying(equalTo(AttributeKey.booleanKey("cold_start"), false))
        .hasAttributesSatisfying(equalTo(AttributeKey.stringKey("function_request_id"), id));
    assertThat(logs.get(4).getAttributes().get(AttributeKey.stringKey("amount"))).contains("19.99");
    assertThat(logs.get(5)).hasSeverity(Severity.DEBUG).hasSeverityText("debug").hasBody("my debug log")
        .hasTimestamp(nanos("2024-05-20T17:02:11.215678Z"));
    assertThat(logs.get(6)).hasAttributesSatisfying(equalTo(LOG_SOURCE, "extension"))
        .hasBody("[AWS Parameters and Secrets Lambda Extension] 2024/05/20 17:02:11 INFO ready to serve traffic");
    assertThat(logs.get(7)).hasAttributesSatisfying(equalTo(LOG_SOURCE, "extension")).hasSeverity(Severity.INFO)
        .hasBody("Hello world, I am an extension!").hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id))
        .hasSpanContext(invocation.getSpanContext());
    assertThat(out.counter("faas.invocations")).contains(1L);
  }

  private static void subscriptionAndExtensions(FixtureOutcome out) {
    assertThat(out.spans).singleElement().satisfies(init -> {
      assertThat(init).hasName("init").hasStatus(StatusData.ok());
      assertTimes(init, "2024-10-14T08:00:00.211Z", 1_667_905_000);
    });
    assertThat(out.lineLogs()).extracting(l -> l.getBodyValue().asString()).containsExactly(
        "log-shipper  launching extension",
        "\u001b[32m2024-10-14 08:00:00,240 INFO \u001b[0m [io.quarkus] (main) otel-telemetry-extension 1.0.0 "
            + "native started in 0.012s.",
        "[secrets-cache-extension] cache warmed with 2 secrets");
    assertHistogram(out, "faas.init_duration", 1, 1.667905);
    assertThat(out.counter("faas.coldstarts")).isEmpty();
    assertThat(out.converter.unknownEvents()).isZero();
  }

  private static void legacyShapes(FixtureOutcome out) {
    String id = "459921b5-681c-4a96-beb0-81e0aa586026";
    SpanData init = out.only("init");
    assertThat(init).hasStatus(StatusData.ok());
    assertTimes(init, "2022-10-21T14:05:02.616Z", 500_000_000);
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasTraceId("6352a70e1e2c502e358361800241fd45").hasParentSpanId("35465b3a9e2f7c6a")
        .hasSpanId("24cd7d670fa455f0").hasStatus(StatusData.ok()).hasAttributesSatisfying(equalTo(FAAS_COLDSTART, true));
    assertTimes(invocation, "2022-10-21T14:05:03.165Z", 2_599_400_000L);
    assertChildren(out, invocation,
        child("responseLatency", "2022-10-21T14:05:03.165Z", 2_598_000_000L),
        child("responseDuration", "2022-10-21T14:05:05.763Z", 0));
    assertThat(out.lineLogs()).singleElement().satisfies(log -> assertThat(log.getBodyValue().asString())
        .startsWith("{\"timestamp\":\"2022-10-21T14:05:04.002Z\""));
    assertThat(out.counter("faas.invocations")).contains(1L);
    assertThat(out.counter("faas.coldstarts")).contains(1L);
    assertHistogram(out, "faas.init_duration", 1, 0.5);
    assertHistogram(out, "faas.mem_usage", 1, 98_566_144d);
  }

  private static void pythonText(FixtureOutcome out) {
    String id = "0f4e7c62-3b8a-4d1e-9a55-6c2f8e1b7d40";
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasParentSpanId("0000000000000000")
        .hasStatus(StatusData.create(StatusCode.ERROR, "Runtime.Unknown"))
        .hasAttributesSatisfying(equalTo(ERROR_TYPE, "Runtime.Unknown")).hasAttributesSatisfying(equalTo(STATUS, "error")).hasAttributesSatisfying(equalTo(FAAS_COLDSTART, false));
    assertTimes(invocation, "2024-11-05T13:44:21.205Z", 9_401_000);
    assertChildren(out, invocation,
        child("responseLatency", "2024-11-05T13:44:21.205Z", 5_721_000),
        child("responseDuration", "2024-11-05T13:44:21.211Z", 91_000),
        child("runtimeOverhead", "2024-11-05T13:44:21.211Z", 2_402_000));
    List<LogRecordData> logs = out.lineLogs();
    assertThat(logs).extracting(LogRecordData::getSeverity)
        .containsExactly(Severity.INFO, Severity.WARN, Severity.ERROR);
    assertThat(logs).allSatisfy(log -> assertThat(log).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id)));
    assertThat(logs.get(2)).hasBody("[ERROR] ZeroDivisionError: division by zero\nTraceback (most recent call "
        + "last):\n\u00a0\u00a0File \"/var/task/app.py\", line 9, in lambda_handler\n\u00a0\u00a0\u00a0\u00a0return "
        + "total / count");
    assertThat(out.counter("faas.errors")).contains(1L);
    assertThat(out.counter("faas.invocations")).isEmpty();
    assertHistogram(out, "faas.invoke_duration", 1, 0.008833);
    assertHistogram(out, "faas.mem_usage", 1, 41 * 1_048_576d);
  }

  private static void pythonJson(FixtureOutcome out) {
    String id = "5a0b3c9e-2f61-47d8-8e3b-91c4d7a2f6e5";
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasTraceId("666816467e3a9b1c5d2f4e6a8b0c1d2e").hasParentSpanId("1f2e3d4c5b6a7980")
        .hasSpanId("0a1b2c3d4e5f6a7b").hasStatus(StatusData.create(StatusCode.ERROR, "Runtime.Unknown"))
        .hasAttributesSatisfying(equalTo(PRODUCED_BYTES, 301L));
    assertTimes(invocation, "2024-06-11T09:15:02.081Z", 924_301_000); // runtimeDone's: no report came
    assertThat(out.childrenOf(invocation)).hasSize(3);
    List<LogRecordData> logs = out.lineLogs();
    assertThat(logs).extracting(LogRecordData::getSeverity)
        .containsExactly(Severity.INFO, Severity.WARN, Severity.ERROR, Severity.ERROR);
    assertThat(logs.get(0)).hasBody("Order received").hasTimestamp(nanos("2024-06-11T09:15:02Z"))
        .hasAttributesSatisfying(equalTo(AttributeKey.stringKey("logger"), "root"))
        .hasAttributesSatisfying(equalTo(AttributeKey.stringKey("orderId"), "o-7"))
        .hasAttributesSatisfying(equalTo(AttributeKey.longKey("items"), 3L));
    assertThat(logs.get(1)).hasSeverityText("WARNING")
        .hasAttributesSatisfying(equalTo(AttributeKey.stringKey("location"), "/var/task/inventory.py:reserve:41"));
    assertThat(logs.get(2)).hasBody("Payment failed, giving up")
        .hasAttributesSatisfying(equalTo(EXCEPTION_TYPE, "ConnectionError")).hasAttributesSatisfying(equalTo(EXCEPTION_MESSAGE, "PSP unreachable"));
    assertThat(logs.get(2).getAttributes().get(EXCEPTION_STACKTRACE))
        .isEqualTo("  File \"/var/task/payments.py\", line 21, in charge\n    resp = psp.charge(order)\n\n"
            + "  File \"/var/task/psp.py\", line 88, in charge\n    raise ConnectionError(\"PSP unreachable\")\n");
    assertThat(logs.get(3)).hasBody("division by zero").hasSeverityText("ERROR")
        .hasTimestamp(nanos("2024-06-11T09:15:03Z"))
        .hasAttributesSatisfying(equalTo(EXCEPTION_TYPE, "ZeroDivisionError")).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id));
    assertThat(logs).allSatisfy(log -> assertThat(log).hasSpanContext(invocation.getSpanContext()));
    assertThat(out.counter("faas.errors")).contains(1L);
    assertHistogram(out, "faas.invoke_duration", 1, 0.924301);
    assertThat(out.histogram("faas.mem_usage")).isEmpty();
  }

  private static void nodeText(FixtureOutcome out) {
    String id = "c3d9e0f1-7a2b-4c5d-8e9f-0a1b2c3d4e5f";
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasStatus(StatusData.create(StatusCode.ERROR, "Runtime.Unknown"));
    assertTimes(invocation, "2024-05-20T16:31:02.101Z", 20_522_000);
    assertChildren(out, invocation,
        child("responseLatency", "2024-05-20T16:31:02.101Z", 17_012_000),
        child("responseDuration", "2024-05-20T16:31:02.118Z", 44_000),
        child("runtimeOverhead", "2024-05-20T16:31:02.118Z", 2_391_000),
        child("extensionOverhead", "2024-05-20T16:31:02.121Z", 598_000));
    List<LogRecordData> logs = out.lineLogs();
    assertThat(logs).extracting(LogRecordData::getSeverity)
        .containsExactly(Severity.INFO, Severity.DEBUG, Severity.ERROR);
    assertThat(logs.get(0)).hasBody("2024-05-20T16:31:02.103Z\t" + id + "\tINFO\tRequest body:\n{\n  "
        + "\"customer\": \"c-1002\",\n  \"note\": \"<b>rush</b> & gift\"\n}");
    assertThat(logs.get(1)).hasBody("2024-05-20T16:31:02.104Z\t" + id
        + "\tDEBUG\tcolumns\tsku\tqty\u0007bell \u00e9\u00e8 \u4e2d\u6587 \ud83d\ude80");
    assertThat(logs.get(2)).hasAttributesSatisfying(equalTo(EXCEPTION_TYPE, "TypeError"))
        .hasAttributesSatisfying(equalTo(EXCEPTION_MESSAGE, "Cannot read properties of undefined (reading 'id')"));
    assertThat(logs.get(2).getAttributes().get(EXCEPTION_STACKTRACE))
        .startsWith("TypeError: Cannot read properties of undefined (reading 'id')\n    at Runtime.handler");
    assertThat(out.counter("faas.errors")).contains(1L);
    assertHistogram(out, "faas.invoke_duration", 1, 0.01987);
  }

  private static void handledError(FixtureOutcome out) {
    String handled = "6d7e8f9a-0b1c-4d2e-8f3a-4b5c6d7e8f9a";
    String returned = "7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b";
    assertThat(out.invocation(handled)).hasStatus(StatusData.ok()).hasAttributesSatisfying(equalTo(STATUS, "success"));
    assertTimes(out.invocation(handled), "2024-05-21T09:00:00.000Z", 31_500_000);
    assertThat(out.invocation(returned)).hasStatus(StatusData.create(StatusCode.ERROR, "Runtime.Unknown"))
        .hasAttributesSatisfying(equalTo(ERROR_TYPE, "Runtime.Unknown"));
    assertTimes(out.invocation(returned), "2024-05-21T09:00:01.000Z", 14_200_000);
    List<LogRecordData> logs = out.lineLogs();
    assertThat(logs.get(0)).hasSeverity(Severity.ERROR).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, handled))
        .hasAttributesSatisfying(equalTo(EXCEPTION_TYPE, "CardDeclinedError")).hasAttributesSatisfying(equalTo(EXCEPTION_MESSAGE, "card declined"))
        .hasAttributesSatisfying(equalTo(EXCEPTION_STACKTRACE,
            "CardDeclinedError: card declined\n    at charge (file:///var/task/pay.mjs:8:9)"));
    assertThat(logs.get(0).getBodyValue().getType()).isEqualTo(io.opentelemetry.api.common.ValueType.KEY_VALUE_LIST);
    assertThat(logs.get(1)).hasBody("Invoke Error").hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, returned))
        .hasAttributesSatisfying(equalTo(EXCEPTION_TYPE, "ValidationError"));
    assertThat(out.counter("faas.invocations")).contains(1L);
    assertThat(out.counter("faas.errors")).contains(1L);
    assertHistogram(out, "faas.invoke_duration", 2, 0.0309 + 0.013604);
  }

  private static void crashOom(FixtureOutcome out) {
    String id = "3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c";
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasStatus(StatusData.create(StatusCode.ERROR, "Runtime.OutOfMemory"))
        .hasAttributesSatisfying(equalTo(ERROR_TYPE, "Runtime.OutOfMemory")).hasAttributesSatisfying(equalTo(MAX_MEMORY_USED_MB, 256L));
    assertTimes(invocation, "2024-08-19T22:14:05.301Z", 4_611_000_000L);
    assertThat(out.spans).containsExactly(invocation); // no spans[]: no children
    List<LogRecordData> logs = out.lineLogs();
    assertThat(logs).hasSize(5).allSatisfy(log -> assertThat(log).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id)));
    assertThat(logs.get(2)).hasBody("\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)");
    assertThat(out.counter("faas.errors")).contains(1L);
    assertThat(out.counter("faas.invocations")).isEmpty();
    assertHistogram(out, "faas.invoke_duration", 1, 4.610388);
    assertHistogram(out, "faas.mem_usage", 1, 268_435_456d);
  }

  private static void timeoutAndSuppressedInit(FixtureOutcome out) {
    String timedOut = "a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d";
    String next = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e";
    SpanData t = out.invocation(timedOut);
    assertThat(t).hasStatus(StatusData.create(StatusCode.ERROR, "timeout")).hasAttributesSatisfying(equalTo(STATUS, "timeout"))
        .hasAttributesSatisfying(equalTo(FAAS_COLDSTART, false));
    assertTimes(t, "2024-07-08T19:00:00.010Z", 3_000_000_000L);
    assertThat(out.childrenOf(t)).isEmpty();
    SpanData init = out.only("init");
    assertThat(init).hasAttributesSatisfying(equalTo(INIT_PHASE, "invoke")).hasAttributesSatisfying(equalTo(INIT_TYPE, "on-demand")).hasStatus(StatusData.ok());
    assertTimes(init, "2024-07-08T19:00:05.200Z", 202_611_000);
    SpanData u = out.invocation(next);
    assertThat(u).hasStatus(StatusData.ok()).hasAttributesSatisfying(equalTo(FAAS_COLDSTART, true)).hasAttributesSatisfying(equalTo(INIT_DURATION_MS, 202.611));
    // report.durationMs includes the init: the span may end after report.time (inside the window)
    assertTimes(u, "2024-07-08T19:00:05.404Z", 260_392_000);
    assertThat(out.childrenOf(u)).hasSize(3);
    List<LogRecordData> logs = out.lineLogs();
    assertThat(logs).hasSize(3);
    assertThat(logs.get(1).getAttributes().get(FAAS_INVOCATION_ID)).isNull(); // Node's "undefined" init line
    assertThat(logs.get(2)).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, next));
    assertThat(out.counter("faas.timeouts")).contains(1L);
    assertThat(out.counter("faas.invocations")).contains(1L);
    assertThat(out.counter("faas.errors")).isEmpty();
    assertThat(out.counter("faas.coldstarts")).contains(1L);
    assertHistogram(out, "faas.init_duration", 1, 0.202611);
    assertHistogram(out, "faas.invoke_duration", 2, 3.0 + 0.056977);
  }

  private static void snapStartPublish(FixtureOutcome out) {
    SpanData init = out.only("init");
    assertThat(out.spans).containsExactly(init);
    assertThat(init).hasAttributesSatisfying(equalTo(INIT_TYPE, "snap-start")).hasAttributesSatisfying(equalTo(INIT_PHASE, "init")).hasStatus(StatusData.ok())
        .startsAt(at("2024-09-02T07:58:07.780Z")).endsAt(at("2024-09-02T07:58:11.401Z")); // no report yet
    assertThat(out.lineLogs()).hasSize(2)
        .allSatisfy(log -> assertThat(log.getAttributes().get(FAAS_INVOCATION_ID)).isNull());
    assertThat(out.histogram("faas.init_duration")).isEmpty();
    assertThat(out.counter("faas.coldstarts")).isEmpty();
    assertThat(out.converter.resource().getAttribute(FAAS_INSTANCE))
        .isEqualTo("2024/09/02/invoice-renderer[4]0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  }

  private static void snapStartRestore(FixtureOutcome out) {
    String id = "e7a1c2d3-4b5f-46a7-8b9c-0d1e2f3a4b5c";
    SpanData restore = out.only("restore");
    assertThat(restore).hasStatus(StatusData.ok()).hasKind(SpanKind.INTERNAL);
    assertTimes(restore, "2024-09-03T12:00:00.120Z", 268_477_000);
    // The snapshot's init, reported after the restore: its own old trace, not a cold start here.
    SpanData init = out.only("init");
    assertThat(init).hasAttributesSatisfying(equalTo(INIT_TYPE, "snap-start"))
        .startsAt(at("2024-09-02T07:58:11.402Z").minusNanos(3_621_840_000L)).endsAt(at("2024-09-02T07:58:11.402Z"));
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasStatus(StatusData.ok()).hasAttributesSatisfying(equalTo(FAAS_COLDSTART, true))
        .hasAttributesSatisfying(equalTo(RESTORE_DURATION_MS, 268.477)).hasAttributesSatisfying(equalTo(BILLED_RESTORE_DURATION_MS, 124L))
        .hasAttributesSatisfying(equalTo(FAAS_VERSION, "4"));
    assertThat(invocation.getAttributes().get(INIT_DURATION_MS)).isNull();
    assertTimes(invocation, "2024-09-03T12:00:00.391Z", 342_007_000);
    assertThat(restore.getTraceId()).isNotEqualTo(invocation.getTraceId());
    assertThat(out.childrenOf(invocation)).hasSize(3);
    assertThat(out.counter("faas.coldstarts")).contains(1L);
    assertHistogram(out, "aws.lambda.restore_duration", 1, 0.268477);
    assertThat(out.converter.resource().getAttribute(FAAS_INSTANCE))
        .isEqualTo("2024/09/03/invoice-renderer[4]9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d");
    assertThat(out.converter.resource().getAttribute(SERVICE_INSTANCE_ID)).isNotEqualTo("initial-instance");
    assertThat(out.lineLogs().get(0).getAttributes().get(FAAS_INVOCATION_ID)).isNull(); // afterRestore hook
    assertThat(out.lineLogs().get(1)).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id));
  }

  private static void snapStartHookFailure(FixtureOutcome out) {
    SpanData restore = out.only("restore");
    assertThat(out.spans).containsExactly(restore);
    assertThat(restore).hasStatus(StatusData.create(StatusCode.ERROR, "Runtime.AfterRestoreError"))
        .hasAttributesSatisfying(equalTo(ERROR_TYPE, "Runtime.AfterRestoreError"));
    assertTimes(restore, "2024-09-04T08:30:00.010Z", 205_500_000);
    assertThat(out.invocationSpans()).isEmpty();
    assertThat(out.lineLogs()).singleElement().satisfies(log -> assertThat(log).hasAttributesSatisfying(equalTo(LOG_SOURCE, "function")));
    assertHistogram(out, "aws.lambda.restore_duration", 1, 0.2055);
    assertThat(out.converter.resource().getAttribute(SERVICE_INSTANCE_ID)).isNotEqualTo("initial-instance");
  }

  private static void provisionedConcurrency(FixtureOutcome out) {
    String id = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a";
    SpanData init = out.only("init");
    assertThat(init).hasAttributesSatisfying(equalTo(INIT_TYPE, "provisioned-concurrency")).hasStatus(StatusData.ok())
        .startsAt(at("2024-04-22T05:10:31.772Z").minusNanos(1_187_335_000L)).endsAt(at("2024-04-22T05:10:31.772Z"));
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasAttributesSatisfying(equalTo(FAAS_COLDSTART, false)).hasStatus(StatusData.ok());
    assertTimes(invocation, "2024-04-22T09:47:12.018Z", 23_510_000);
    assertThat(out.childrenOf(invocation)).hasSize(3);
    assertThat(out.lineLogs()).singleElement().satisfies(log -> assertThat(log)
        .hasSeverity(Severity.INFO).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id)));
    assertThat(out.counter("faas.coldstarts")).isEmpty();
    assertHistogram(out, "faas.init_duration", 1, 1.187335);
  }

  private static void managedInstances(FixtureOutcome out) {
    String a = "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    String b = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";
    String c = "4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f";
    String arn = "arn:aws:lambda:us-east-1:123456789012:function:catalog-sync:7";
    assertThat(out.invocationSpans()).hasSize(3).allSatisfy(span -> assertThat(span)
        .hasAttributesSatisfying(equalTo(FAAS_COLDSTART, false)).hasAttributesSatisfying(equalTo(CLOUD_RESOURCE_ID, arn)));
    SpanData spanA = out.invocation(a);
    assertThat(spanA).hasStatus(StatusData.ok()).hasParentSpanId("0000000000000000");
    assertTimes(spanA, "2025-12-03T10:20:30.100Z", 61_004_000);
    assertChildren(out, spanA,
        child("responseLatency", "2025-12-03T10:20:30.100Z", 60_512_000),
        child("responseDuration", "2025-12-03T10:20:30.161Z", 70_000));
    SpanData spanB = out.invocation(b);
    assertThat(spanB).hasTraceId("69300fde3c4d5e6f7a8b9c0d1e2f3a4b").hasParentSpanId("7b8c9d0e1f2a3b4c")
        .hasSpanId("6a5b4c3d2e1f0a9b").hasStatus(StatusData.create(StatusCode.ERROR, "Runtime.Unknown"));
    assertTimes(spanB, "2025-12-03T10:20:30.101Z", 68_731_000);
    assertThat(out.childrenOf(spanB)).hasSize(2);
    SpanData spanC = out.invocation(c);
    assertThat(spanC).hasStatus(StatusData.create(StatusCode.ERROR, "Sandbox.Timedout"))
        .hasAttributesSatisfying(equalTo(STATUS, "timeout"));
    assertTimes(spanC, "2025-12-03T10:20:30.104Z", 60_000_000_000L);
    assertThat(out.childrenOf(spanC)).isEmpty();
    assertThat(spanA.getTraceId()).isNotEqualTo(spanC.getTraceId());

    List<LogRecordData> logs = out.lineLogs();
    assertThat(logs).extracting(l -> l.getAttributes().get(FAAS_INVOCATION_ID)).containsExactly(a, b, b, c);
    assertThat(logs.get(2)).hasSpanContext(spanB.getSpanContext()).hasAttributesSatisfying(equalTo(EXCEPTION_TYPE, "Error"))
        .hasAttributesSatisfying(equalTo(EXCEPTION_MESSAGE, "upstream 503"));
    assertThat(logs.get(3)).hasSpanContext(spanC.getSpanContext());
    assertThat(out.counter("faas.invocations")).contains(1L);
    assertThat(out.counter("faas.errors")).contains(1L);
    assertThat(out.counter("faas.timeouts")).contains(1L);
    assertThat(out.counter("faas.coldstarts")).isEmpty();
    assertHistogram(out, "faas.invoke_duration", 3, 0.061004 + 0.068731 + 60.0);
    assertThat(out.histogram("faas.mem_usage")).isEmpty();
  }

  private static void managedInstancesLines(FixtureOutcome out) {
    String b = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";
    String c = "4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f";
    List<LogRecordData> lines = out.platformLogs();
    assertThat(lines).hasSize(9); // START, END and REPORT for each of the three requests
    assertThat(lines).filteredOn(l -> b.equals(l.getAttributes().get(FAAS_INVOCATION_ID)))
        .extracting(l -> l.getBodyValue().asString()).containsExactly(
            "START RequestId: " + b + " Version: 7",
            "END RequestId: " + b,
            "REPORT RequestId: " + b + "\tDuration: 68.73 ms\tStatus: error\tError Type: Runtime.Unknown");
    assertThat(lines).filteredOn(l -> c.equals(l.getAttributes().get(FAAS_INVOCATION_ID))).last()
        .satisfies(l -> assertThat(l)
            .hasBody("REPORT RequestId: " + c + "\tDuration: 60000.00 ms\tStatus: timeout\tError Type: Sandbox.Timedout")
            .hasTimestamp(nanos("2025-12-03T10:21:30.104Z"))
            .hasSpanContext(out.invocation(c).getSpanContext()));
    assertThat(out.lineLogs()).hasSize(4);
  }

  private static void lateReports(FixtureOutcome out) {
    String a = "8e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b";
    String b = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e";
    // Each invocation is held until its report: nothing after batch 1, A (+4 children) after
    // batch 2 (its report one batch late), B (+2 children) only after batch 4 (two batches late).
    assertThat(out.spansAfterBatch).containsExactly(0, 5, 5, 8);
    assertThat(out.spans).hasSize(8);
    SpanData spanA = out.invocation(a);
    assertThat(spanA).hasTraceId("65f2cbd0aa11bb22cc33dd44ee55ff66").hasParentSpanId("0f1e2d3c4b5a6978")
        .hasSpanId("1a2b3c4d5e6f7a8b").hasStatus(StatusData.ok()).hasAttributesSatisfying(equalTo(BILLED_DURATION_MS, 34L))
        .hasAttributesSatisfying(equalTo(PRODUCED_BYTES, 12L));
    assertTimes(spanA, "2024-03-14T10:00:00.100Z", 33_274_000);
    assertChildren(out, spanA,
        child("responseLatency", "2024-03-14T10:00:00.100Z", 28_003_000),
        child("responseDuration", "2024-03-14T10:00:00.128Z", 41_000),
        child("runtimeOverhead", "2024-03-14T10:00:00.128Z", 2_300_000),
        child("extensionOverhead", "2024-03-14T10:00:00.131Z", 2_719_000));
    SpanData spanB = out.invocation(b);
    assertThat(spanB).hasStatus(StatusData.create(StatusCode.ERROR, "Runtime.Unknown"))
        .hasAttributesSatisfying(equalTo(MAX_MEMORY_USED_MB, 91L)).hasAttributesSatisfying(equalTo(BILLED_DURATION_MS, 12L));
    assertTimes(spanB, "2024-03-14T10:05:00.000Z", 11_876_000);
    assertChildren(out, spanB,
        child("responseLatency", "2024-03-14T10:05:00.000Z", 9_500_000),
        child("extensionOverhead", "2024-03-14T10:05:00.011Z", 1_500_000));
    assertThat(out.lineLogs()).hasSize(3);
    assertThat(out.counter("faas.invocations")).contains(1L);
    assertThat(out.counter("faas.errors")).contains(1L);
    assertHistogram(out, "faas.invoke_duration", 2, 0.030512 + 0.01025);
    assertHistogram(out, "faas.mem_usage", 2, (90 + 91) * 1_048_576d);
    assertHistogram(out, "aws.lambda.billed_duration", 2, 46d);
  }

  private static void logsDropped(FixtureOutcome out) {
    String id = "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b";
    SpanData invocation = out.invocation(id);
    // no platform.start: start = report.time − durationMs (microseconds kept)
    assertThat(invocation).hasAttributesSatisfying(equalTo(FAAS_COLDSTART, true)).hasAttributesSatisfying(equalTo(BILLED_DURATION_MS, 1698L))
        .hasAttributesSatisfying(equalTo(MEMORY_SIZE_MB, 2048L)).hasAttributesSatisfying(equalTo(INIT_DURATION_MS, 463.512)).hasStatus(StatusData.ok())
        .startsAt(at("2025-01-15T03:12:44.766040Z")).endsAt(at("2025-01-15T03:12:46.000Z"));
    assertThat(out.platformLogs()).singleElement().satisfies(log -> assertThat(log)
        .hasSeverity(Severity.WARN)
        .hasAttributesSatisfying(equalTo(DROPPED_RECORDS, 12L))
        .hasAttributesSatisfying(equalTo(DROPPED_BYTES, 694L))
        .hasTimestamp(nanos("2025-01-15T03:12:45.900Z")));
    assertThat(out.counter("aws.lambda.telemetry.dropped_records")).contains(12L);
    assertThat(out.counter("aws.lambda.telemetry.dropped_bytes")).contains(694L);
    assertThat(out.counter("faas.coldstarts")).contains(1L);
    assertHistogram(out, "faas.mem_usage", 1, 694 * 1_048_576d);
    assertHistogram(out, "faas.invoke_duration", 1, 1.23396);
    assertThat(out.only("init")).startsAt(at("2025-01-15T03:12:44.500Z"));
  }

  private static void legacyTypes(FixtureOutcome out) {
    SpanData invocation = out.invocation("459921b5-681c-4a96-beb0-81e0aa586026");
    assertThat(invocation).hasStatus(StatusData.unset()).startsAt(at("2022-10-21T14:05:03.165Z"));
    assertThat(out.spans).containsExactly(invocation);
    assertThat(out.logs).isEmpty();
    assertThat(out.converter.unknownEvents()).isEqualTo(4);
    assertThat(out.parses.get(0).malformedElements()).isZero();
    // No terminal status ever arrived: the invocation is in no outcome counter.
    assertThat(out.counter("faas.invocations")).isEmpty();
    assertThat(out.counter("faas.errors")).isEmpty();
  }

  private static void malformedElements(FixtureOutcome out) {
    String id = "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e";
    assertThat(out.parses.get(0).events()).hasSize(9);
    assertThat(out.parses.get(0).malformedElements()).isEqualTo(10);
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasStatus(StatusData.ok()).hasAttributesSatisfying(equalTo(BILLED_DURATION_MS, 4L))
        .hasAttributesSatisfying(equalTo(MEMORY_SIZE_MB, 128L));
    assertThat(invocation.getAttributes().get(MAX_MEMORY_USED_MB)).isNull();
    assertThat(invocation.getAttributes().get(PRODUCED_BYTES)).isNull();
    assertTimes(invocation, "2024-05-20T16:40:00.001Z", 4_000_000);
    assertChildren(out, invocation,
        child("responseLatency", "2024-05-20T16:40:00.001Z", 2_500_000),
        child("stringDuration", "2024-05-20T16:40:00.003Z", 750_000));
    List<LogRecordData> logs = out.lineLogs();
    assertThat(logs).extracting(l -> l.getBodyValue().asString()).containsExactly(
        "2024-05-20T16:40:00.007Z\t" + id + "\tINFO\tenvelope time unparseable", "12345", "[\"an\",\"array\"]", "null");
    assertThat(logs.get(0)).hasObservedTimestamp(SpanTranslator.nanos(FixtureOutcome.RECEIVED))
        .hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id));
    assertThat(out.converter.unknownEvents()).isEqualTo(2);
    assertThat(out.counter("faas.invocations")).contains(1L);
    assertHistogram(out, "faas.invoke_duration", 1, 0.0035);
  }

  private static void truncatedBody(FixtureOutcome out) {
    String id = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f";
    assertThat(out.parses.get(0).malformedBody()).isTrue();
    assertThat(out.parses.get(0).events()).hasSize(3);
    SpanData invocation = out.invocation(id);
    assertThat(invocation).hasStatus(StatusData.ok());
    assertTimes(invocation, "2024-05-22T11:00:00.000Z", 8_750_000); // released at drain with runtimeDone's
    assertThat(out.lineLogs()).singleElement().satisfies(log -> assertThat(log).hasAttributesSatisfying(equalTo(FAAS_INVOCATION_ID, id)));
    assertThat(out.counter("faas.invocations")).contains(1L);
  }

  // ------------------------------------------------------------------ helpers

  private static ConverterOptions withPlatformLines(ConverterOptions options) {
    return new ConverterOptions(true, options.maxOpenInvocations(), options.environmentInitType(),
        options.userServiceInstanceId());
  }

  private static long nanos(String iso) {
    return SpanTranslator.nanos(Instant.parse(iso));
  }

  private static void assertTimes(SpanData span, String start, long durationNanos) {
    assertThat(span).startsAt(at(start)).endsAt(at(start).plusNanos(durationNanos));
  }

  private static void assertHistogram(FixtureOutcome out, String name, long count, double sum) {
    var point = out.histogram(name).orElseThrow(() -> new AssertionError("no " + name));
    assertThat(point.getCount()).as("%s count", name).isEqualTo(count);
    assertThat(point.getSum()).as("%s sum", name).isCloseTo(sum, within(Math.abs(sum) * 1e-12 + 1e-12));
  }

  record ExpectedChild(String name, Instant start, long durationNanos) {}

  private static ExpectedChild child(String name, String start, long durationNanos) {
    return new ExpectedChild(name, at(start), durationNanos);
  }

  private static void assertChildren(FixtureOutcome out, SpanData parent, ExpectedChild... expected) {
    List<SpanData> children = out.childrenOf(parent);
    assertThat(children).extracting(SpanData::getName)
        .containsExactly(Stream.of(expected).map(ExpectedChild::name).toArray(String[]::new));
    for (int i = 0; i < expected.length; i++) {
      assertThat(children.get(i))
          .hasKind(SpanKind.INTERNAL)
          .hasTraceId(parent.getTraceId())
          .hasParentSpanId(parent.getSpanId())
          .startsAt(expected[i].start())
          .endsAt(expected[i].start().plusNanos(expected[i].durationNanos()));
    }
  }
}
