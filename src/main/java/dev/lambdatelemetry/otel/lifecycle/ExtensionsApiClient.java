package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.http.Http1;
import dev.lambdatelemetry.otel.json.JsonReader;
import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Client of the Lambda Extensions API ({@code /2020-01-01/extension}): one method per endpoint.
 *
 * <p>{@link #register} runs before Quarkus boots, as the very first thing the process does, because
 * Lambda starts the function's runtime only once every extension has registered: it goes over
 * {@link RuntimeApiHttp}, which loads next to nothing. Its answer's body is kept as text and read
 * later, off the start-up path ({@link Registration#accountId()}). Every call has explicit connect and
 * read timeouts except {@link #next()}, a long poll during which the whole environment may be frozen
 * for hours. See https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
 */
public final class ExtensionsApiClient {

  private static final int READ_TIMEOUT_MS = 5_000;

  private final RuntimeApiHttp http;
  private volatile String extensionId;

  /**
   * @param runtimeApi {@code host:port} from {@link LambdaApi#ENV_RUNTIME_API}
   */
  public ExtensionsApiClient(String runtimeApi) {
    if (runtimeApi == null || runtimeApi.isBlank()) {
      throw new IllegalArgumentException(
          LambdaApi.ENV_RUNTIME_API + " is not set: this program runs as a Lambda extension");
    }
    this.http = new RuntimeApiHttp(runtimeApi.trim());
  }

  /**
   * Registers for {@code events}; on Lambda Managed Instances, or when the platform refuses INVOKE
   * with {@code 403 Extension.InvalidEventType}, registers again for SHUTDOWN alone.
   */
  public Registration register(String extensionName, List<String> events) {
    try {
      return registerOnce(extensionName, events);
    } catch (ExtensionsApiException e) {
      if (e.status() == 403 && LambdaApi.ERROR_INVALID_EVENT_TYPE.equals(e.errorType())
          && events.contains(LambdaApi.EVENT_INVOKE)) {
        return registerOnce(extensionName, List.of(LambdaApi.EVENT_SHUTDOWN));
      }
      throw e;
    }
  }

  /**
   * Takes over a registration the launcher already made (it registers from the shell, before the
   * JVM starts, to shorten the user's cold start).
   *
   * @param body the register answer's body, one line of JSON; may be null
   * @param events comma-separated, e.g. {@code INVOKE,SHUTDOWN}; null means both
   */
  public Registration adopt(String extensionId, String body, String events) {
    this.extensionId = extensionId.trim();
    List<String> registered = events == null || events.isBlank()
        ? List.of(LambdaApi.EVENT_INVOKE, LambdaApi.EVENT_SHUTDOWN)
        : List.of(events.trim().split("\\s*,\\s*"));
    return registration(this.extensionId, body, registered);
  }

  /** Blocks until the next event. No read timeout: the environment may be frozen inside this call. */
  public NextEvent next() {
    Answer a;
    try (RuntimeApiHttp.Call call = http.open()) {
      a = answer(call.exchange("GET", LambdaApi.NEXT_PATH, ids(), null, 0));
    } catch (IOException e) {
      throw new ExtensionsApiException("event/next failed: " + e, -1, null, e);
    }
    if (a.status != 200) {
      throw failure("event/next", a, null);
    }
    // Whatever the Content-Type: SHUTDOWN comes as text/plain.
    if (!(JsonReader.parseOrNull(a.body) instanceof JsonObject body)) {
      throw new ExtensionsApiException(
          "event/next answered an unreadable event: " + preview(a.body),
          200,
          null,
          null);
    }
    String type = orElse(body.get("eventType"), "");
    long deadlineMs = longOrZero(body.get("deadlineMs"));
    if (LambdaApi.EVENT_SHUTDOWN.equalsIgnoreCase(type)) {
      return new NextEvent.Shutdown(orElse(body.get("shutdownReason"), "spindown"), deadlineMs);
    }
    JsonValue tracing = body.get("tracing");
    return new NextEvent.Invoke(
        orElse(body.get("requestId"), ""),
        deadlineMs,
        orElse(body.get("invokedFunctionArn"), null),
        tracing == null ? null : textOrNull(tracing.get("value")));
  }

  /** The value as text (a string, number or boolean), or {@code otherwise} when absent or other. */
  private static String orElse(JsonValue value, String otherwise) {
    String text = value == null ? null : value.scalarText();
    return text != null ? text : otherwise;
  }

  private static String preview(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "(empty)" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  /** A number, or a numeric string, as a long; 0 when absent or not a number. */
  private static long longOrZero(JsonValue value) {
    if (value instanceof JsonNumber n) {
      Long l = n.longValue();
      return l != null ? l : (long) n.doubleValue();
    }
    try {
      return value instanceof JsonString s ? Long.parseLong(s.value().trim()) : 0L;
    } catch (NumberFormatException e) {
      return 0L;
    }
  }

  private static String textOrNull(JsonValue value) {
    return value == null ? null : value.text();
  }

  /** The string member {@code name} of an object; null when absent, not a string, or no object. */
  private static String stringOf(JsonValue object, String name) {
    return object == null ? null : textOrNull(object.get(name));
  }

  /** Reports a failure after registering and before the first {@code next}; the caller then exits. */
  public void initError(String errorType, String message) {
    postError(LambdaApi.INIT_ERROR_PATH, "init/error", errorType, message);
  }

  /** Reports an unexpected failure of a running extension; the caller then exits. */
  public void exitError(String errorType, String message) {
    postError(LambdaApi.EXIT_ERROR_PATH, "exit/error", errorType, message);
  }

  private Registration registerOnce(String extensionName, List<String> events) {
    StringBuilder body = new StringBuilder("{\"events\":[");
    for (int i = 0; i < events.size(); i++) {
      body.append(i == 0 ? "\"" : ",\"").append(events.get(i)).append('"');
    }
    body.append("]}");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(LambdaApi.HEADER_NAME, extensionName);
    headers.put(LambdaApi.HEADER_ACCEPT_FEATURE, LambdaApi.FEATURE_ACCOUNT_ID);
    Answer a;
    String id;
    try (RuntimeApiHttp.Call call = http.open()) {
      Http1.Response r = call.exchange("POST", LambdaApi.REGISTER_PATH, headers,
          body.toString().getBytes(StandardCharsets.UTF_8), READ_TIMEOUT_MS);
      a = answer(r);
      id = r.header(LambdaApi.HEADER_IDENTIFIER);
    } catch (IOException e) {
      throw new ExtensionsApiException("register failed: " + e, -1, null, e);
    }
    if (a.status != 200) {
      throw failure("register", a, null);
    }
    if (id == null || id.isBlank()) {
      throw new ExtensionsApiException(
          "register answered 200 without " + LambdaApi.HEADER_IDENTIFIER, 200, null, null);
    }
    extensionId = id;
    return registration(id, new String(a.body, StandardCharsets.UTF_8), List.copyOf(events));
  }

  /** The registration; its body is read later, off the start-up path ({@link Registration}). */
  private static Registration registration(String id, String answer, List<String> events) {
    return new Registration(id, answer, events, System.nanoTime());
  }

  private void postError(String path, String what, String errorType, String message) {
    Map<String, String> headers = ids();
    headers.put(LambdaApi.HEADER_ERROR_TYPE, errorType);
    Map<String, JsonValue> members = new LinkedHashMap<>();
    members.put("errorMessage", new JsonString(message == null ? "" : message));
    members.put("errorType", new JsonString(errorType));
    byte[] body = new JsonObject(members).toString().getBytes(StandardCharsets.UTF_8);
    try (RuntimeApiHttp.Call call = http.open()) {
      Answer a = answer(call.exchange("POST", path, headers, body, READ_TIMEOUT_MS));
      if (a.status >= 300) {
        throw failure(what, a, null);
      }
    } catch (IOException e) {
      throw new ExtensionsApiException(what + " failed: " + e, -1, null, e);
    }
  }

  private Map<String, String> ids() {
    Map<String, String> headers = new LinkedHashMap<>();
    String id = extensionId;
    if (id != null) {
      headers.put(LambdaApi.HEADER_IDENTIFIER, id);
    }
    return headers;
  }

  private static Answer answer(Http1.Response r) {
    return new Answer(r.status(), r.body());
  }

  private static ExtensionsApiException failure(String what, Answer a, Throwable cause) {
    JsonValue json = JsonReader.parseOrNull(a.body);
    String errorType = stringOf(json, "errorType");
    String message = stringOf(json, "errorMessage");
    return new ExtensionsApiException(
        what + " answered " + a.status
            + (errorType == null ? "" : " " + errorType)
            + (message == null ? "" : ": " + message),
        a.status,
        errorType,
        cause);
  }

  private record Answer(int status, byte[] body) {}
}
