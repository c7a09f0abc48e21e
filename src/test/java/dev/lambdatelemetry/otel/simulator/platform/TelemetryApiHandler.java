package dev.lambdatelemetry.otel.simulator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Telemetry API subscribe ({@code PUT /2022-07-01/telemetry}) with the platform's validation and answers
 *: {@code "OK"} as text/plain, 400 ValidationError, 403 after Init, 500 on a second
 * subscription, and 202 Telemetry.NotSupported in local mode.
 */
final class TelemetryApiHandler implements HttpHandler {

  private static final String PATH = ApiPaths.SUBSCRIBE;
  private static final String MANAGED_SCHEMA = "2025-01-29";
  private static final Set<String> SCHEMAS = Set.of("2022-07-01", "2022-12-13", MANAGED_SCHEMA);
  private static final Set<String> TYPES = Set.of("platform", "function", "extension");
  private static final Set<String> SANDBOX_HOSTS = Set.of("sandbox.localdomain", "sandbox");
  private static final int DEFAULT_MAX_ITEMS = 10_000;
  private static final int DEFAULT_MAX_BYTES = 262_144;
  private static final int DEFAULT_TIMEOUT_MS = 1_000;

  private final SimulatorOptions options;
  private final ExtensionRegistry registry;
  private final ConformanceRecorder recorder;
  private final TelemetryBus bus;
  private final PlatformEvents events;

  TelemetryApiHandler(SimulatorOptions options, ExtensionRegistry registry, ConformanceRecorder recorder,
      TelemetryBus bus) {
    this.options = options;
    this.registry = registry;
    this.recorder = recorder;
    this.bus = bus;
    this.events = new PlatformEvents(options);
  }

  /** A bad subscribe body: the platform answers 400 ValidationError with this message. */
  private static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Exchanges.Received received = Exchanges.receive(exchange, recorder);
    RecordedCall call = received.call();
    if (registry.count() == 0) {
      recorder.violation(call.method() + " " + call.path() + " before register");
    }
    if (!call.method().equals("PUT") || !call.path().equals(PATH)) {
      recorder.violation("unknown Telemetry API call " + call.method() + " " + call.path());
      received.answer(recorder, 404, "text/plain", "404 page not found\n", Map.of());
      return;
    }
    if (options.mode() == SimulatorMode.LOCAL_202) {
      received.answer(recorder, 202, Exchanges.JSON,
          Json.error("Telemetry.NotSupported", "Telemetry API is not supported"), Map.of());
      return;
    }
    ExtensionRegistry.Lookup lookup = registry.lookup(call.header(ExtensionsApiHandler.IDENTIFIER_HEADER));
    if (lookup instanceof ExtensionRegistry.Rejected rejected) {
      recorder.violation("subscribe: " + rejected.errorType());
      received.error(recorder, 403, rejected.errorType(), rejected.message());
      return;
    }
    RegisteredExtension extension = ((ExtensionRegistry.Found) lookup).extension();
    if (extension.errorCall() != null) {
      recorder.violation("subscribe after " + extension.errorCall());
      received.error(recorder, 403, "Extension.InvalidExtensionState", "State transition is not allowed");
      return;
    }
    if (extension.nextCalls() > 0) {
      recorder.violation("subscribe after the first next by " + extension.name());
    }
    if (options.forcedSubscribeStatus().isPresent()) {
      answerForced(received, options.forcedSubscribeStatus().getAsInt());
      return;
    }
    if (!bus.subscriptionsOpen()) {
      received.error(recorder, 403, "Telemetry.SubscriptionClosed", "Subscription is closed after Init");
      return;
    }
    if (extension.subscribed()) {
      recorder.violation("second subscribe by " + extension.name());
      received.error(recorder, 500, "Telemetry.SubscribeError",
          "Internal Server Error: subscriber already exists");
      return;
    }
    Subscription subscription;
    try {
      subscription = validate(extension.name(), call.body());
    } catch (Invalid invalid) {
      recorder.violation("subscribe rejected: " + invalid.getMessage());
      received.error(recorder, 400, "ValidationError", invalid.getMessage());
      return;
    }
    extension.markSubscribed();
    received.answer(recorder, 200, Exchanges.SNIFFED_TEXT, "\"OK\"", Map.of());
    bus.subscribe(subscription, events.telemetrySubscription(Instant.now(), extension.name(), subscription.types()));
  }

  private void answerForced(Exchanges.Received received, int status) throws IOException {
    switch (status) {
      case 400 -> received.error(recorder, 400, "ValidationError", "forced by the simulator");
      case 403 -> received.error(recorder, 403, "Telemetry.SubscriptionClosed", "forced by the simulator");
      case 202 -> received.answer(recorder, 202, Exchanges.JSON,
          Json.error("Telemetry.NotSupported", "Telemetry API is not supported"), Map.of());
      default -> received.error(recorder, status, "InternalError", "Internal Server Error");
    }
  }

  Subscription validate(String extensionName, String body) throws Invalid {
    JsonNode root = Json.parse(body).filter(JsonNode::isObject)
        .orElseThrow(() -> new Invalid("request body is not a JSON object"));
    String schema = root.path("schemaVersion").asText("");
    if (!SCHEMAS.contains(schema)) {
      throw new Invalid("schemaVersion must be one of " + SCHEMAS + ", got '" + schema + "'");
    }
    if (options.mode() == SimulatorMode.MANAGED_INSTANCES && !schema.equals(MANAGED_SCHEMA)) {
      throw new Invalid("schemaVersion " + schema + " is not supported on Lambda Managed Instances; use "
          + MANAGED_SCHEMA);
    }
    JsonNode typesNode = root.path("types");
    if (!typesNode.isArray() || typesNode.isEmpty()) {
      throw new Invalid("types must be a non-empty array");
    }
    List<String> types = new ArrayList<>();
    for (JsonNode type : typesNode) {
      if (!type.isTextual() || !TYPES.contains(type.asText()) || types.contains(type.asText())) {
        throw new Invalid("types: invalid or repeated value " + type);
      }
      types.add(type.asText());
    }
    JsonNode buffering = root.path("buffering");
    int maxItems = bounded(buffering, "maxItems", 1_000, 10_000, DEFAULT_MAX_ITEMS);
    int maxBytes = bounded(buffering, "maxBytes", 262_144, 1_048_576, DEFAULT_MAX_BYTES);
    int timeoutMs = bounded(buffering, "timeoutMs", 25, 30_000, DEFAULT_TIMEOUT_MS);
    JsonNode destination = root.path("destination");
    String protocol = destination.path("protocol").asText("");
    return switch (protocol) {
      case "HTTP" -> new Subscription(extensionName, schema, types, maxItems, maxBytes, timeoutMs,
          httpTarget(destination.path("URI").asText("")), 0);
      case "TCP" -> new Subscription(extensionName, schema, types, maxItems, maxBytes, timeoutMs, null,
          tcpPort(destination.path("port")));
      default -> throw new Invalid("destination.protocol must be HTTP or TCP, got '" + protocol + "'");
    };
  }

  private static int bounded(JsonNode buffering, String field, int min, int max, int fallback) throws Invalid {
    JsonNode value = buffering.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min || value.asInt() > max) {
      throw new Invalid("buffering." + field + " must be an integer in [" + min + ", " + max + "], got "
          + value);
    }
    return value.asInt();
  }

  /** {@code http://sandbox.localdomain:<port>[/path]}, resolved to loopback the way the sandbox's DNS does. */
  private static URI httpTarget(String uri) throws Invalid {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new Invalid("destination.URI is not a URI: " + uri);
    }
    if (!"http".equals(parsed.getScheme())) {
      throw new Invalid("destination.URI must use http, got '" + uri + "'");
    }
    if (parsed.getHost() == null || !SANDBOX_HOSTS.contains(parsed.getHost())) {
      throw new Invalid("destination.URI host must be sandbox.localdomain, got '" + uri + "'");
    }
    if (parsed.getPort() == -1) {
      throw new Invalid("URI port is not provided");
    }
    String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
    return URI.create("http://127.0.0.1:" + parsed.getPort() + path);
  }

  private static int tcpPort(JsonNode port) throws Invalid {
    if (!port.isIntegralNumber() || port.asInt() < 1 || port.asInt() > 65_535) {
      throw new Invalid("destination.port must be an integer in [1, 65535], got " + port);
    }
    return port.asInt();
  }
}
