package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import dev.lambdatelemetry.otel.http.Http1;
import dev.lambdatelemetry.otel.json.JsonReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Client of the Lambda Telemetry API: {@code PUT /2022-07-01/telemetry}. The path version stays
 * {@code 2022-07-01} whatever {@code schemaVersion} the body asks for. Subscribe once, during init,
 * after the listener is up: events produced before the subscription are replayed to us.
 * See https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api.html
 */
public final class TelemetryApiClient {

  static final String SCHEMA_DEFAULT = "2022-12-13";
  static final String SCHEMA_MANAGED_INSTANCES = "2025-01-29";

  private static final int READ_TIMEOUT_MS = 5_000;

  /** The same plain-socket client as the Extensions API (not HttpURLConnection: fewer classes). */
  private final RuntimeApiHttp http;

  /**
   * @param runtimeApi {@code host:port} from {@link LambdaApi#ENV_RUNTIME_API}
   */
  public TelemetryApiClient(String runtimeApi) {
    this.http = new RuntimeApiHttp(runtimeApi.trim());
  }

  /** Builds the subscription body for this configuration. */
  public JsonObject subscriptionBody(ExtensionConfig config, boolean managedInstances) {
    ExtensionConfig.Subscription s = config.subscription();
    Map<String, JsonValue> body = new LinkedHashMap<>();
    body.put(
        "schemaVersion",
        new JsonString(
            s.schemaVersion().orElse(managedInstances ? SCHEMA_MANAGED_INSTANCES : SCHEMA_DEFAULT)));
    body.put("types", new JsonArray(types(config).stream().<JsonValue>map(JsonString::new).toList()));
    Map<String, JsonValue> buffering = new LinkedHashMap<>();
    buffering.put("maxItems", JsonNumber.of(s.buffering().maxItems()));
    buffering.put("maxBytes", JsonNumber.of(s.buffering().maxBytes()));
    buffering.put("timeoutMs", JsonNumber.of(s.buffering().timeoutMs()));
    body.put("buffering", new JsonObject(buffering));
    Map<String, JsonValue> destination = new LinkedHashMap<>();
    ExtensionConfig.Listener l = config.listener();
    if (l.protocol() == ExtensionConfig.Protocol.TCP) {
      destination.put("protocol", new JsonString("TCP"));
      destination.put("port", JsonNumber.of(l.port()));
    } else {
      destination.put("protocol", new JsonString("HTTP"));
      String path = l.path().startsWith("/") ? l.path() : "/" + l.path();
      destination.put("URI", new JsonString("http://" + LambdaApi.SANDBOX_HOST + ":" + l.port() + path));
    }
    body.put("destination", new JsonObject(destination));
    return new JsonObject(body);
  }

  /**
   * The subscribed streams: {@code subscription.types}, without {@code function} when the function's
   * logs are to come only over OTLP ({@code function-logs=otlp}), so that no line is paid for twice.
   */
  static List<String> types(ExtensionConfig config) {
    List<String> types = config.subscription().types();
    if (config.functionLogs() != ExtensionConfig.FunctionLogs.OTLP) {
      return types;
    }
    return types.stream().filter(t -> !t.equals("function")).toList();
  }

  /** Sends the subscription; never throws. */
  public SubscribeOutcome subscribe(String extensionId, JsonObject body) {
    try (RuntimeApiHttp.Call call = http.open()) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(LambdaApi.HEADER_IDENTIFIER, extensionId);
      Http1.Response r = call.exchange(
          "PUT", LambdaApi.TELEMETRY_PATH, headers, body.toString().getBytes(StandardCharsets.UTF_8), READ_TIMEOUT_MS);
      int status = r.status();
      String answer = new String(r.body(), StandardCharsets.UTF_8);
      if (status == 200) {
        return new SubscribeOutcome.Subscribed();
      }
      JsonValue json = JsonReader.parseOrNull(answer);
      String errorType = json == null ? null : textOf(json.get("errorType"));
      String message = json == null ? null : textOf(json.get("errorMessage"));
      if (message == null) {
        message = answer;
      }
      if (status == 202) {
        return new SubscribeOutcome.NotSupported(message);
      }
      return new SubscribeOutcome.Failed(status, errorType, message);
    } catch (IOException | RuntimeException e) {
      return new SubscribeOutcome.Failed(-1, null, "subscribe failed: " + e);
    }
  }

  private static String textOf(JsonValue value) {
    return value == null ? null : value.scalarText();
  }
}
