package dev.lambdatelemetry.otel.simulator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The Extensions API ({@code /2020-01-01/extension/...}) with RAPID's validation and answers:
 * register, the long-polling {@code event/next}, {@code init/error} and {@code exit/error}.
 */
final class ExtensionsApiHandler implements HttpHandler {

  private static final String REGISTER = ApiPaths.REGISTER;
  private static final String NEXT = ApiPaths.NEXT;
  private static final String INIT_ERROR = ApiPaths.INIT_ERROR;
  private static final String EXIT_ERROR = ApiPaths.EXIT_ERROR;
  private static final String NAME_HEADER = "Lambda-Extension-Name";
  static final String IDENTIFIER_HEADER = "Lambda-Extension-Identifier";
  private static final String FEATURE_HEADER = "Lambda-Extension-Accept-Feature";
  private static final String ERROR_TYPE_HEADER = "Lambda-Extension-Function-Error-Type";
  private static final String EVENT_ID_HEADER = "Lambda-Extension-Event-Identifier";
  private static final List<String> KNOWN_EVENTS = List.of("INVOKE", "SHUTDOWN");
  private static final Logger LOG = Logger.getLogger(ExtensionsApiHandler.class);

  private final SimulatorOptions options;
  private final ExtensionRegistry registry;
  private final ConformanceRecorder recorder;
  private final AtomicBoolean invokeRejectionPending;

  ExtensionsApiHandler(SimulatorOptions options, ExtensionRegistry registry, ConformanceRecorder recorder) {
    this.options = options;
    this.registry = registry;
    this.recorder = recorder;
    this.invokeRejectionPending = new AtomicBoolean(options.rejectInvokeOnFirstRegister());
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Exchanges.Received received = Exchanges.receive(exchange, recorder);
    RecordedCall call = received.call();
    String route = call.method() + " " + call.path();
    if (registry.count() == 0 && !call.path().equals(REGISTER)) {
      recorder.violation(route + " before register");
    }
    switch (route) {
      case "POST " + REGISTER -> register(received);
      case "GET " + NEXT -> next(received);
      case "POST " + INIT_ERROR, "POST " + EXIT_ERROR -> reportError(received);
      default -> {
        recorder.violation("unknown Extensions API call " + route);
        received.answer(recorder, 404, "text/plain", "404 page not found\n", Map.of());
      }
    }
  }

  private void register(Exchanges.Received received) throws IOException {
    RecordedCall call = received.call();
    String name = call.header(NAME_HEADER).orElse("").trim();
    if (name.isEmpty()) {
      recorder.violation("register without " + NAME_HEADER);
      received.error(recorder, 403, "Extension.InvalidExtensionName", "Empty extension name");
      return;
    }
    boolean accountIdRequested = call.header(FEATURE_HEADER)
        .map(value -> Arrays.stream(value.split(",")).map(String::trim).anyMatch("accountId"::equals))
        .orElse(false);
    if (!accountIdRequested) {
      recorder.warning("register without " + FEATURE_HEADER + ": accountId");
    }
    Optional<JsonNode> body = call.body().isBlank() ? Optional.of(Json.object()) : Json.parse(call.body());
    if (body.isEmpty() || !body.get().isObject() || body.get().has("configurationKeys")) {
      recorder.violation("register body is not {\"events\":[...]}: " + call.body());
      received.error(recorder, 403, "InvalidRequestFormat", "Invalid register request body");
      return;
    }
    List<String> events = new ArrayList<>();
    JsonNode eventsNode = body.get().path("events");
    for (JsonNode event : eventsNode) {
      String value = event.asText();
      if (!KNOWN_EVENTS.contains(value)) {
        recorder.violation("register with unknown event " + value);
        received.error(recorder, 403, "Extension.InvalidEventType", value + ": ErrorInvalidEventType");
        return;
      }
      events.add(value);
    }
    boolean internal = !name.equals(options.expectedExtensionName());
    if (internal) {
      recorder.violation("registered as '" + name + "' but the launched extension is '"
          + options.expectedExtensionName() + "' (RAPID treats it as an internal extension)");
    }
    if (events.contains("INVOKE") && (options.mode() == SimulatorMode.MANAGED_INSTANCES
        || invokeRejectionPending.getAndSet(false))) {
      received.error(recorder, 403, "Extension.InvalidEventType", "INVOKE: ErrorInvalidEventType");
      return;
    }
    if (internal && events.contains("SHUTDOWN")) {
      received.error(recorder, 403, "Extension.InvalidEventType", "SHUTDOWN: ErrorInvalidEventType");
      return;
    }
    if (!registry.registrationOpen()) {
      recorder.violation("register after Init");
      received.error(recorder, 403, "Extension.RegistrationClosed", "Registration is closed");
      return;
    }
    if (registry.nameTaken(name)) {
      recorder.violation("second register as " + name);
      received.error(recorder, 403, "Extension.InvalidExtensionState", "Extension already registered");
      return;
    }
    if (registry.count() >= ExtensionRegistry.MAX_EXTENSIONS) {
      received.error(recorder, 403, "Extension.TooManyExtensions", "Too many extensions");
      return;
    }
    RegisteredExtension extension = registry.register(name, events);
    ObjectNode answer = Json.object();
    answer.put("functionName", options.functionName());
    answer.put("functionVersion", options.functionVersion());
    answer.put("handler", options.classicRie() ? "" : options.handler());
    if (accountIdRequested && !options.classicRie()) {
      answer.put("accountId", options.accountId());
    }
    LOG.debugf("registered %s as %s for %s", name, extension.id, events);
    received.answer(recorder, 200, Exchanges.JSON, Json.write(answer), Map.of(IDENTIFIER_HEADER, extension.id));
  }

  private void next(Exchanges.Received received) throws IOException {
    Optional<RegisteredExtension> found = identify(received);
    if (found.isEmpty()) {
      return;
    }
    RegisteredExtension extension = found.get();
    if (extension.shutdownDelivered()) {
      recorder.violation("next after SHUTDOWN by " + extension.name());
      received.error(recorder, 403, "Extension.InvalidExtensionState", "State transition is not allowed");
      return;
    }
    extension.nextCalled(received.call().nanoTime());
    RegisteredExtension.Delivery delivery;
    try {
      delivery = extension.takeDelivery();
    } catch (InterruptedException e) {
      // The simulator is closing: the platform went away under a pending long poll.
      Thread.currentThread().interrupt();
      received.exchange().close();
      return;
    }
    if (delivery.invoke()) {
      received.answer(recorder, 200, Exchanges.JSON, delivery.body(), Map.of(EVENT_ID_HEADER, delivery.eventId()));
    } else {
      extension.markShutdownDelivered();
      // RAPID writes SHUTDOWN without a Content-Type: Go sniffs text/plain.
      received.answer(recorder, 200, Exchanges.SNIFFED_TEXT, delivery.body(), Map.of());
    }
  }

  private void reportError(Exchanges.Received received) throws IOException {
    Optional<RegisteredExtension> found = identify(received);
    if (found.isEmpty()) {
      return;
    }
    RecordedCall call = received.call();
    if (call.header(ERROR_TYPE_HEADER).filter(value -> !value.isBlank()).isEmpty()) {
      recorder.violation(call.path() + " without " + ERROR_TYPE_HEADER);
      received.error(recorder, 403, "Extension.MissingHeader", ERROR_TYPE_HEADER + " not found");
      return;
    }
    if (call.path().equals(INIT_ERROR) && found.get().nextCalls() > 0 && !registry.registrationOpen()) {
      recorder.violation("init/error after Init ended");
    }
    found.get().markErrored(call.path());
    received.answer(recorder, 202, Exchanges.JSON, "{\"status\":\"OK\"}", Map.of());
  }

  /** Checks the identifier and the no-call-after-error rule; answers the 403 itself when it fails. */
  private Optional<RegisteredExtension> identify(Exchanges.Received received) throws IOException {
    RecordedCall call = received.call();
    ExtensionRegistry.Lookup lookup = registry.lookup(call.header(IDENTIFIER_HEADER));
    if (lookup instanceof ExtensionRegistry.Rejected rejected) {
      recorder.violation(call.method() + " " + call.path() + ": " + rejected.errorType());
      received.error(recorder, 403, rejected.errorType(), rejected.message());
      return Optional.empty();
    }
    RegisteredExtension extension = ((ExtensionRegistry.Found) lookup).extension();
    if (extension.errorCall() != null) {
      recorder.violation(call.method() + " " + call.path() + " after " + extension.errorCall());
      received.error(recorder, 403, "Extension.InvalidExtensionState", "State transition is not allowed");
      return Optional.empty();
    }
    return Optional.of(extension);
  }
}
