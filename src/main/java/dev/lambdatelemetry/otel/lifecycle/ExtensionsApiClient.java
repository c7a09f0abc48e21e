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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client of the Lambda Extensions API ({@code /2020-01-01/extension}): one method per endpoint.
 *
 * <p>{@link #register} runs before Quarkus boots, as the very first thing the process does, because
 * Lambda starts the function's runtime only once every extension has registered: it goes over
 * {@link RuntimeApiHttp}, which loads next to nothing. Every call has explicit connect and
 * read timeouts except {@link #next()}, a long poll during which the whole environment may be frozen
 * for hours. See https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
 */
public final class ExtensionsApiClient {

  static final String BASE_PATH = "/2020-01-01/extension";
  static final String HEADER_NAME = "Lambda-Extension-Name";
  static final String HEADER_IDENTIFIER = "Lambda-Extension-Identifier";
  static final String HEADER_ACCEPT_FEATURE = "Lambda-Extension-Accept-Feature";
  static final String HEADER_ERROR_TYPE = "Lambda-Extension-Function-Error-Type";
  static final String FEATURE_ACCOUNT_ID = "accountId";
  static final String INVALID_EVENT_TYPE = "Extension.InvalidEventType";

  private static final int READ_TIMEOUT_MS = 5_000;

  private final RuntimeApiHttp http;
  private volatile String extensionId;

  /**
   * @param runtimeApi {@code host:port} from {@code AWS_LAMBDA_RUNTIME_API}
   */
  public ExtensionsApiClient(String runtimeApi) {
    if (runtimeApi == null || runtimeApi.isBlank()) {
      throw new IllegalArgumentException(
          "AWS_LAMBDA_RUNTIME_API is not set: this program runs as a Lambda extension");
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
      if (e.status() == 403 && INVALID_EVENT_TYPE.equals(e.errorType()) && events.contains("INVOKE")) {
        return registerOnce(extensionName, List.of("SHUTDOWN"));
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
    String json = body == null ? "" : body;
    List<String> registered = events == null || events.isBlank()
        ? List.of("INVOKE", "SHUTDOWN")
        : List.of(events.trim().split("\\s*,\\s*"));
    return new Registration(
        this.extensionId,
        FlatJson.string(json, "functionName"),
        FlatJson.string(json, "functionVersion"),
        FlatJson.string(json, "accountId"),
        registered,
        System.nanoTime());
  }

  /** Blocks until the next event. No read timeout: the environment may be frozen inside this call. */
  public NextEvent next() {
    Answer a;
    try (RuntimeApiHttp.Call call = http.open()) {
      a = answer(call.exchange("GET", BASE_PATH + "/event/next", ids(), null, 0));
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
    if ("SHUTDOWN".equalsIgnoreCase(type)) {
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

  /** Reports a failure after registering and before the first {@code next}; the caller then exits. */
  public void initError(String errorType, String message) {
    postError("/init/error", errorType, message);
  }

  /** Reports an unexpected failure of a running extension; the caller then exits. */
  public void exitError(String errorType, String message) {
    postError("/exit/error", errorType, message);
  }

  private Registration registerOnce(String extensionName, List<String> events) {
    StringBuilder body = new StringBuilder("{\"events\":[");
    for (int i = 0; i < events.size(); i++) {
      body.append(i == 0 ? "\"" : ",\"").append(events.get(i)).append('"');
    }
    body.append("]}");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(HEADER_NAME, extensionName);
    headers.put(HEADER_ACCEPT_FEATURE, FEATURE_ACCOUNT_ID);
    Answer a;
    String id;
    try (RuntimeApiHttp.Call call = http.open()) {
      Http1.Response r = call.exchange("POST", BASE_PATH + "/register", headers,
          body.toString().getBytes(StandardCharsets.UTF_8), READ_TIMEOUT_MS);
      a = answer(r);
      id = r.header(HEADER_IDENTIFIER);
    } catch (IOException e) {
      throw new ExtensionsApiException("register failed: " + e, -1, null, e);
    }
    if (a.status != 200) {
      throw failure("register", a, null);
    }
    if (id == null || id.isBlank()) {
      throw new ExtensionsApiException(
          "register answered 200 without " + HEADER_IDENTIFIER, 200, null, null);
    }
    extensionId = id;
    String json = new String(a.body, StandardCharsets.UTF_8);
    return new Registration(
        id,
        FlatJson.string(json, "functionName"),
        FlatJson.string(json, "functionVersion"),
        FlatJson.string(json, "accountId"),
        List.copyOf(events),
        System.nanoTime());
  }

  private void postError(String path, String errorType, String message) {
    Map<String, String> headers = ids();
    headers.put(HEADER_ERROR_TYPE, errorType);
    Map<String, JsonValue> members = new LinkedHashMap<>();
    members.put("errorMessage", new JsonString(message == null ? "" : message));
    members.put("errorType", new JsonString(errorType));
    byte[] body = new JsonObject(members).toString().getBytes(StandardCharsets.UTF_8);
    try (RuntimeApiHttp.Call call = http.open()) {
      Answer a = answer(call.exchange("POST", BASE_PATH + path, headers, body, READ_TIMEOUT_MS));
      if (a.status >= 300) {
        throw failure(path.substring(1), a, null);
      }
    } catch (IOException e) {
      throw new ExtensionsApiException(path.substring(1) + " failed: " + e, -1, null, e);
    }
  }

  private Map<String, String> ids() {
    Map<String, String> headers = new LinkedHashMap<>();
    String id = extensionId;
    if (id != null) {
      headers.put(HEADER_IDENTIFIER, id);
    }
    return headers;
  }

  private static Answer answer(Http1.Response r) {
    return new Answer(r.status(), r.body());
  }

  private static ExtensionsApiException failure(String what, Answer a, Throwable cause) {
    String json = new String(a.body, StandardCharsets.UTF_8);
    String errorType = FlatJson.string(json, "errorType");
    String message = FlatJson.string(json, "errorMessage");
    return new ExtensionsApiException(
        what + " answered " + a.status
            + (errorType == null ? "" : " " + errorType)
            + (message == null ? "" : ": " + message),
        a.status,
        errorType,
        cause);
  }

  private record Answer(int status, byte[] body) {}

  /**
   * Reads a top-level string field of a small flat JSON object without a JSON library, so that
   * registration does not pay for loading one.
   */
  static final class FlatJson {
    private FlatJson() {}

    static String string(String json, String field) {
      Matcher m =
          Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
              .matcher(json);
      if (!m.find()) {
        return null;
      }
      String raw = m.group(1);
      return raw.indexOf('\\') < 0 ? raw : unescape(raw);
    }

    private static String unescape(String s) {
      StringBuilder b = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch != '\\' || i + 1 >= s.length()) {
          b.append(ch);
          continue;
        }
        char e = s.charAt(++i);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            if (i + 4 < s.length()) {
              b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
              i += 4;
            }
          }
          default -> b.append(e);
        }
      }
      return b.toString();
    }
  }
}
