package dev.lambdatelemetry.otel.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.DeliveredBatch;
import dev.lambdatelemetry.otel.simulator.platform.Json;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorMode;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.scenario.InvocationSpec;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Plays a minimal extension over real HTTP against the simulator and checks the platform's answers. */
class LambdaSimulatorTest {

  private static final String NAME = SimulatorOptions.DEFAULT_EXTENSION_NAME;
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  @Test
  void register_withAccountIdFeature_returnsIdentifierAndFunctionIdentity() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());

    HttpResponse<String> response = register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Lambda-Extension-Identifier").orElseThrow())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    JsonNode body = Json.parse(response.body()).orElseThrow();
    assertThat(body.path("functionName").asText()).isEqualTo("orders-api");
    assertThat(body.path("functionVersion").asText()).isEqualTo("$LATEST");
    assertThat(body.path("handler").asText()).isEqualTo("index.handler");
    assertThat(body.path("accountId").asText()).isEqualTo("123456789012");
    assertThat(simulator.warnings()).isEmpty();
    assertThat(simulator.calls()).singleElement().satisfies(call -> {
      assertThat(call.path()).isEqualTo("/2020-01-01/extension/register");
      assertThat(call.header("lambda-extension-name")).contains(NAME);
      assertThat(call.status()).isEqualTo(200);
    });
  }

  @Test
  void register_withoutAccountIdFeature_omitsAccountIdAndWarns() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());

    HttpResponse<String> response = register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", false);

    assertThat(Json.parse(response.body()).orElseThrow().has("accountId")).isFalse();
    assertThat(simulator.warnings()).anyMatch(warning -> warning.contains("accountId"));
  }

  static Stream<Arguments> rejectedRegistrations() {
    return Stream.of(
        Arguments.of(named("empty name", ""), "[\"INVOKE\"]", "Extension.InvalidExtensionName"),
        Arguments.of(named("unknown event", NAME), "[\"INVOKE\",\"RESTORE\"]", "Extension.InvalidEventType"),
        Arguments.of(named("wrong name registering SHUTDOWN (internal extension)", "other-ext"),
            "[\"SHUTDOWN\"]", "Extension.InvalidEventType"));
  }

  @ParameterizedTest
  @MethodSource("rejectedRegistrations")
  void register_invalid_answers403WithPlatformErrorType(String name, String events, String errorType)
      throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());

    HttpResponse<String> response = register(simulator, name, events, true);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(Json.parse(response.body()).orElseThrow().path("errorType").asText()).isEqualTo(errorType);
    assertThat(simulator.violations()).isNotEmpty();
  }

  @Test
  void register_invokeOnManagedInstances_answers403ThenShutdownOnlySucceeds() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults(SimulatorMode.MANAGED_INSTANCES));

    HttpResponse<String> withInvoke = register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true);
    HttpResponse<String> shutdownOnly = register(simulator, NAME, "[\"SHUTDOWN\"]", true);

    assertThat(withInvoke.statusCode()).isEqualTo(403);
    assertThat(withInvoke.body()).contains("Extension.InvalidEventType", "INVOKE: ErrorInvalidEventType");
    assertThat(shutdownOnly.statusCode()).isEqualTo(200);
  }

  @Test
  void register_faultInjectedInvokeRejection_rejectsOnlyTheFirstTry() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults().withRejectInvokeOnFirstRegister(true));

    assertThat(register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true).statusCode()).isEqualTo(403);
    assertThat(register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true).statusCode()).isEqualTo(200);
  }

  static Stream<Arguments> badIdentifiers() {
    return Stream.of(
        Arguments.of(named("missing", (String) null), "Extension.MissingExtensionIdentifier"),
        Arguments.of(named("not a UUID", "abc"), "Extension.InvalidExtensionIdentifier"),
        Arguments.of(named("unknown", "0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"),
            "Extension.UnknownExtensionIdentifier"));
  }

  @ParameterizedTest
  @MethodSource("badIdentifiers")
  void next_withBadIdentifier_answers403(String identifier, String errorType) throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());
    register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true);

    HttpResponse<String> response = send(simulator, "GET", "/2020-01-01/extension/event/next", identifier, null);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains(errorType);
  }

  @Test
  void initError_withoutErrorTypeHeader_answers403MissingHeader() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());
    String id = identifier(register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true));

    HttpResponse<String> response = send(simulator, "POST", "/2020-01-01/extension/init/error", id, "{}");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("Extension.MissingHeader");
  }

  @Test
  void exitError_thenNext_answers202ThenRecordsTheCallAfterItAsViolation() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());
    String id = identifier(register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true));

    HttpResponse<String> error = http.send(request(simulator, "POST", "/2020-01-01/extension/exit/error", id,
            "{\"errorMessage\":\"boom\",\"errorType\":\"Extension.Crash\"}")
        .header("Lambda-Extension-Function-Error-Type", "Extension.Crash").build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> next = send(simulator, "GET", "/2020-01-01/extension/event/next", id, null);

    assertThat(error.statusCode()).isEqualTo(202);
    assertThat(error.body()).isEqualTo("{\"status\":\"OK\"}");
    assertThat(next.statusCode()).isEqualTo(403);
    assertThat(simulator.violations()).anyMatch(v -> v.contains("after /2020-01-01/extension/exit/error"));
  }

  @Test
  void next_beforeRegister_isRecordedAsViolation() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());

    send(simulator, "GET", "/2020-01-01/extension/event/next", null, null);

    assertThat(simulator.violations()).anyMatch(v -> v.equals("GET /2020-01-01/extension/event/next before register"));
  }

  static Stream<Arguments> invalidSubscriptions() {
    String dest = "\"destination\":{\"protocol\":\"HTTP\",\"URI\":\"http://sandbox.localdomain:4243/t\"}";
    String types = "\"types\":[\"platform\"]";
    return Stream.of(
        Arguments.of(named("schema unknown", "{\"schemaVersion\":\"2023-01-01\"," + types + "," + dest + "}"),
            "schemaVersion"),
        Arguments.of(named("types empty", "{\"schemaVersion\":\"2022-12-13\",\"types\":[]," + dest + "}"),
            "types"),
        Arguments.of(named("types unknown value", "{\"schemaVersion\":\"2022-12-13\",\"types\":[\"logs\"],"
            + dest + "}"), "types"),
        Arguments.of(named("maxItems below 1000", "{\"schemaVersion\":\"2022-12-13\"," + types
            + ",\"buffering\":{\"maxItems\":999}," + dest + "}"), "buffering.maxItems"),
        Arguments.of(named("maxBytes above 1 MiB", "{\"schemaVersion\":\"2022-12-13\"," + types
            + ",\"buffering\":{\"maxBytes\":1048577}," + dest + "}"), "buffering.maxBytes"),
        Arguments.of(named("timeoutMs below 25", "{\"schemaVersion\":\"2022-12-13\"," + types
            + ",\"buffering\":{\"timeoutMs\":24}," + dest + "}"), "buffering.timeoutMs"),
        Arguments.of(named("timeoutMs above 30000", "{\"schemaVersion\":\"2022-12-13\"," + types
            + ",\"buffering\":{\"timeoutMs\":30001}," + dest + "}"), "buffering.timeoutMs"),
        Arguments.of(named("URI without port", "{\"schemaVersion\":\"2022-12-13\"," + types
            + ",\"destination\":{\"protocol\":\"HTTP\",\"URI\":\"http://sandbox.localdomain/t\"}}"),
            "URI port is not provided"),
        Arguments.of(named("URI host outside the sandbox", "{\"schemaVersion\":\"2022-12-13\"," + types
            + ",\"destination\":{\"protocol\":\"HTTP\",\"URI\":\"http://example.com:80/t\"}}"),
            "sandbox.localdomain"),
        Arguments.of(named("https", "{\"schemaVersion\":\"2022-12-13\"," + types
            + ",\"destination\":{\"protocol\":\"HTTP\",\"URI\":\"https://sandbox.localdomain:443/\"}}"),
            "http"),
        Arguments.of(named("TCP without port", "{\"schemaVersion\":\"2022-12-13\"," + types
            + ",\"destination\":{\"protocol\":\"TCP\"}}"), "destination.port"),
        Arguments.of(named("not JSON", "{schemaVersion"), "JSON"));
  }

  @ParameterizedTest
  @MethodSource("invalidSubscriptions")
  void subscribe_invalidBody_answers400ValidationError(String body, String messagePart) throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());
    String id = identifier(register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true));

    HttpResponse<String> response = send(simulator, "PUT", "/2022-07-01/telemetry", id, body);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = Json.parse(response.body()).orElseThrow();
    assertThat(error.path("errorType").asText()).isEqualTo("ValidationError");
    assertThat(error.path("errorMessage").asText()).contains(messagePart);
  }

  @Test
  void subscribe_valid_answersQuotedOkAsTextThenDuplicateAnswers500() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());
    String id = identifier(register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true));

    HttpResponse<String> first = send(simulator, "PUT", "/2022-07-01/telemetry", id, subscription(4243, "2022-12-13"));
    HttpResponse<String> second = send(simulator, "PUT", "/2022-07-01/telemetry", id, subscription(4243, "2022-12-13"));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("\"OK\"");
    assertThat(first.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(second.statusCode()).isEqualTo(500);
  }

  @Test
  void subscribe_managedInstancesWithOlderSchema_answers400() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults(SimulatorMode.MANAGED_INSTANCES));
    String id = identifier(register(simulator, NAME, "[\"SHUTDOWN\"]", true));

    HttpResponse<String> old = send(simulator, "PUT", "/2022-07-01/telemetry", id, subscription(4243, "2022-12-13"));
    HttpResponse<String> current = send(simulator, "PUT", "/2022-07-01/telemetry", id,
        subscription(4243, "2025-01-29"));

    assertThat(old.statusCode()).isEqualTo(400);
    assertThat(current.statusCode()).isEqualTo(200);
  }

  @Test
  void subscribe_localEmulatorMode_answers202NotSupported() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults(SimulatorMode.LOCAL_202));
    String id = identifier(register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true));

    HttpResponse<String> response = send(simulator, "PUT", "/2022-07-01/telemetry", id,
        subscription(4243, "2022-12-13"));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).isEqualTo(
        "{\"errorMessage\":\"Telemetry API is not supported\",\"errorType\":\"Telemetry.NotSupported\"}");
  }

  @Test
  void subscribe_forcedStatus_answersThatStatus() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults().withForcedSubscribeStatus(500));
    String id = identifier(register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true));

    assertThat(send(simulator, "PUT", "/2022-07-01/telemetry", id, subscription(4243, "2022-12-13"))
        .statusCode()).isEqualTo(500);
  }

  @Test
  void defaultScenario_wellBehavedExtension_receivesPlatformShapedBatchesAndNoViolation() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());
    Listener listener = listener();
    CompletableFuture<SimulationResult> run = runAsync(simulator, Scenario.defaultScenario(5));
    String id = identifier(register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true));
    assertThat(send(simulator, "PUT", "/2022-07-01/telemetry", id, subscription(listener.port(), "2022-12-13"))
        .statusCode()).isEqualTo(200);
    List<String> nextAfterEachInvoke = new ArrayList<>();
    HttpResponse<String> shutdown = playWellBehaved(simulator, id, listener, nextAfterEachInvoke);
    SimulationResult result = run.get();

    assertThat(shutdown.headers().firstValue("Content-Type").orElse("")).doesNotContain("application/json");
    JsonNode shutdownBody = Json.parse(shutdown.body()).orElseThrow();
    assertThat(shutdownBody.path("shutdownReason").asText()).isEqualTo("timeout");
    assertThat(shutdownBody.path("deadlineMs").asLong()).isGreaterThan(System.currentTimeMillis() - 5_000);
    assertThat(result.violations()).isEmpty();
    assertThat(result.invocations()).hasSize(5);
    assertThat(result.invocations()).extracting(SimulationResult.InvocationMeasurement::outcome).containsExactly(
        InvocationSpec.Outcome.SUCCESS, InvocationSpec.Outcome.SUCCESS, InvocationSpec.Outcome.SUCCESS,
        InvocationSpec.Outcome.ERROR, InvocationSpec.Outcome.TIMEOUT);

    List<DeliveredBatch> batches = simulator.deliveredBatches();
    assertThat(batches.get(0).types().get(0)).as("init events replayed").isEqualTo("platform.initStart");
    List<String> all = batches.stream().flatMap(batch -> batch.types().stream()).toList();
    assertThat(all).containsSubsequence("platform.initStart", "platform.telemetrySubscription", "function",
        "platform.initRuntimeDone", "platform.extension", "platform.initReport", "platform.start",
        "platform.runtimeDone", "platform.report");
    assertThat(all).filteredOn("platform.report"::equals).hasSize(5);
    for (SimulationResult.InvocationMeasurement invocation : result.invocations()) {
      int runtimeDone = batchIndex(batches, "platform.runtimeDone", invocation.requestId());
      int report = batchIndex(batches, "platform.report", invocation.requestId());
      assertThat(report).as("report of %s arrives after its next", invocation.requestId())
          .isGreaterThan(runtimeDone);
    }
    String firstReportBatch = batches.get(batchIndex(batches, "platform.report",
        result.invocations().get(0).requestId())).body();
    assertThat(firstReportBatch).contains("\"initDurationMs\"", "\"extensionOverhead\"", "\"billedDurationMs\"");
    assertThat(all.indexOf("platform.report")).as("report of N travels with start of N+1")
        .isEqualTo(all.indexOf("platform.start") + lastIndexBeforeSecondStart(all));
    String invokeEvents = String.join("\n", simulator.generatedEvents());
    assertThat(invokeEvents).contains("\"status\":\"error\",\"errorType\":\"Runtime.Unknown\"",
        "\"status\":\"timeout\"", "\"instanceMaxMemory\":134217728", "\\tundefined\\tINFO\\t");
  }

  @Test
  void afterReady_runsOnceInitEndedAndBeforeTheFirstInvoke() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults());
    Listener listener = listener();
    List<List<String>> seenAtReady = new CopyOnWriteArrayList<>();
    List<Integer> invocationsAtReady = new CopyOnWriteArrayList<>();
    List<Integer> finished = new CopyOnWriteArrayList<>();
    simulator.afterReady(() -> {
      seenAtReady.add(List.copyOf(simulator.generatedEvents()));
      invocationsAtReady.add(finished.size());
    });
    simulator.afterInvocation(finished::add);
    CompletableFuture<SimulationResult> run = runAsync(simulator, Scenario.defaultScenario(2));
    String id = identifier(register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true));
    send(simulator, "PUT", "/2022-07-01/telemetry", id, subscription(listener.port(), "2022-12-13"));
    playWellBehaved(simulator, id, listener, new ArrayList<>());
    SimulationResult result = run.get();

    assertThat(result.violations()).isEmpty();
    assertThat(invocationsAtReady).containsExactly(0);
    assertThat(seenAtReady).singleElement().satisfies(events -> {
      assertThat(String.join("\n", events)).contains("platform.initReport").doesNotContain("platform.start");
    });
    assertThat(finished).containsExactly(1, 2);
  }

  @Test
  void managedInstancesScenario_interleavesRequestsWithoutRuntimeDone() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults(SimulatorMode.MANAGED_INSTANCES));
    Listener listener = listener();
    CompletableFuture<SimulationResult> run = runAsync(simulator, Scenario.managedInstances(2));
    String id = identifier(register(simulator, NAME, "[\"SHUTDOWN\"]", true));
    send(simulator, "PUT", "/2022-07-01/telemetry", id, subscription(listener.port(), "2025-01-29"));
    HttpResponse<String> shutdown = send(simulator, "GET", "/2020-01-01/extension/event/next", id, null);
    SimulationResult result = run.get();

    assertThat(Json.parse(shutdown.body()).orElseThrow().path("eventType").asText()).isEqualTo("SHUTDOWN");
    List<DeliveredBatch> batches = simulator.deliveredBatches();
    List<String> types = batches.stream().flatMap(batch -> batch.types().stream())
        .filter(type -> type.equals("platform.start") || type.equals("platform.report")).toList();
    assertThat(types).containsExactly("platform.start", "platform.start", "platform.report", "platform.report");
    String bodies = String.join("", batches.stream().map(DeliveredBatch::body).toList());
    assertThat(bodies).doesNotContain("platform.runtimeDone", "billedDurationMs")
        .contains("\"responseLatency\"", "\"initializationType\":\"lambda-managed-instances\"");
    assertThat(listener.sequenceIds).isNotEmpty();
    assertThat(result.violations()).isEmpty();
  }

  @Test
  void scenario_extensionThatNeverSubscribesOrCallsNextInTime_isReported() throws Exception {
    LambdaSimulator simulator = simulator(SimulatorOptions.defaults().withInitTimeout(Duration.ofMillis(300)));
    CompletableFuture<SimulationResult> run = runAsync(simulator, Scenario.defaultScenario(1));
    register(simulator, NAME, "[\"INVOKE\",\"SHUTDOWN\"]", true);

    assertThat(run.get().violations()).anyMatch(v -> v.contains("did not call next within the 300 ms init budget"));
  }

  // --- the minimal extension ---------------------------------------------------------------------------

  /** Register, subscribe done by the caller; then next until SHUTDOWN, waiting for each runtimeDone. */
  private HttpResponse<String> playWellBehaved(LambdaSimulator simulator, String id, Listener listener,
      List<String> requestIds) throws Exception {
    while (true) {
      HttpResponse<String> event = send(simulator, "GET", "/2020-01-01/extension/event/next", id, null);
      JsonNode body = Json.parse(event.body()).orElseThrow();
      if (body.path("eventType").asText().equals("SHUTDOWN")) {
        return event;
      }
      assertThat(event.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(event.headers().firstValue("Lambda-Extension-Event-Identifier")).isPresent();
      assertThat(body.path("deadlineMs").asLong()).isGreaterThan(System.currentTimeMillis() - 5_000);
      assertThat(body.path("invokedFunctionArn").asText())
          .isEqualTo("arn:aws:lambda:eu-west-3:123456789012:function:orders-api");
      String requestId = body.path("requestId").asText();
      requestIds.add(requestId);
      awaitCondition(() -> listener.received("platform.runtimeDone", requestId));
    }
  }

  private static int batchIndex(List<DeliveredBatch> batches, String type, String requestId) {
    for (int i = 0; i < batches.size(); i++) {
      DeliveredBatch batch = batches.get(i);
      for (int k = 0; k < batch.types().size(); k++) {
        if (batch.types().get(k).equals(type) && requestId.equals(batch.requestIds().get(k))) {
          return i;
        }
      }
    }
    throw new AssertionError(type + " of " + requestId + " was not delivered");
  }

  /** Offset from the first platform.start to the first report: the report comes right before the second start. */
  private static int lastIndexBeforeSecondStart(List<String> all) {
    int first = all.indexOf("platform.start");
    int second = all.subList(first + 1, all.size()).indexOf("platform.start") + first + 1;
    return second - 1 - first;
  }

  private CompletableFuture<SimulationResult> runAsync(LambdaSimulator simulator, Scenario scenario) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return simulator.run(scenario, null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
  }

  private LambdaSimulator simulator(SimulatorOptions options) throws IOException {
    LambdaSimulator simulator = LambdaSimulator.start(options);
    closeables.add(simulator);
    return simulator;
  }

  private Listener listener() throws IOException {
    Listener listener = new Listener();
    closeables.add(listener);
    return listener;
  }

  private HttpResponse<String> register(LambdaSimulator simulator, String name, String events, boolean accountId)
      throws Exception {
    HttpRequest.Builder builder = request(simulator, "POST", "/2020-01-01/extension/register", null,
        "{\"events\":" + events + "}").header("Lambda-Extension-Name", name);
    if (accountId) {
      builder.header("Lambda-Extension-Accept-Feature", "accountId");
    }
    return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(LambdaSimulator simulator, String method, String path, String identifier,
      String body) throws Exception {
    return http.send(request(simulator, method, path, identifier, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(LambdaSimulator simulator, String method, String path,
      String identifier, String body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + simulator.runtimeApi() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      builder.header("Content-Type", "application/json");
    }
    if (identifier != null) {
      builder.header("Lambda-Extension-Identifier", identifier);
    }
    return builder;
  }

  private static String identifier(HttpResponse<String> register) {
    return register.headers().firstValue("Lambda-Extension-Identifier").orElseThrow();
  }

  private static String subscription(int port, String schema) {
    return "{\"schemaVersion\":\"" + schema + "\",\"types\":[\"platform\",\"function\",\"extension\"],"
        + "\"buffering\":{\"maxItems\":1000,\"maxBytes\":262144,\"timeoutMs\":25},"
        + "\"destination\":{\"protocol\":\"HTTP\",\"URI\":\"http://sandbox.localdomain:" + port + "/telemetry\"}}";
  }

  private static void awaitCondition(BooleanSupplier condition) {
    dev.lambdatelemetry.otel.testing.PollingWait.await(WAIT, condition, "condition not met");
  }

  /** A tiny telemetry listener: a JDK HttpServer on 127.0.0.1 that answers 200 and keeps every event. */
  private static final class Listener implements AutoCloseable {
    private final HttpServer server;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<String> sequenceIds = new CopyOnWriteArrayList<>();

    Listener() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        try (InputStream in = exchange.getRequestBody()) {
          String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          Json.parse(body).ifPresent(array -> array.forEach(events::add));
        }
        String sequenceId = exchange.getRequestHeaders().getFirst("Sequence-Id");
        if (sequenceId != null) {
          sequenceIds.add(sequenceId);
        }
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    boolean received(String type, String requestId) {
      return events.stream().anyMatch(event -> event.path("type").asText().equals(type)
          && event.path("record").path("requestId").asText().equals(requestId));
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
