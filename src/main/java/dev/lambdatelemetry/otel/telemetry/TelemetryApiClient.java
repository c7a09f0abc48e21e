package dev.lambdatelemetry.otel.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdatelemetry.otel.config.ExtensionConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Client of the Lambda Telemetry API: {@code PUT /2022-07-01/telemetry}. The path version stays
 * {@code 2022-07-01} whatever {@code schemaVersion} the body asks for. Subscribe once, during init,
 * after the listener is up: events produced before the subscription are replayed to us.
 * See https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api.html
 */
public final class TelemetryApiClient {

  static final String PATH = "/2022-07-01/telemetry";
  static final String HEADER_IDENTIFIER = "Lambda-Extension-Identifier";
  /** The host Lambda resolves inside the sandbox; the only one RAPID accepts in a destination. */
  static final String SANDBOX_HOST = "sandbox.localdomain";
  static final String SCHEMA_DEFAULT = "2022-12-13";
  static final String SCHEMA_MANAGED_INSTANCES = "2025-01-29";

  private static final int CONNECT_TIMEOUT_MS = 2_000;
  private static final int READ_TIMEOUT_MS = 5_000;

  private final String url;
  private final ObjectMapper mapper;

  /**
   * @param runtimeApi {@code host:port} from {@code AWS_LAMBDA_RUNTIME_API}
   */
  public TelemetryApiClient(String runtimeApi, ObjectMapper mapper) {
    this.url = "http://" + runtimeApi + PATH;
    this.mapper = mapper;
  }

  /** Builds the subscription body for this configuration. */
  public ObjectNode subscriptionBody(ExtensionConfig config, boolean managedInstances) {
    ExtensionConfig.Subscription s = config.subscription();
    ObjectNode body = mapper.createObjectNode();
    body.put(
        "schemaVersion",
        s.schemaVersion().orElse(managedInstances ? SCHEMA_MANAGED_INSTANCES : SCHEMA_DEFAULT));
    body.putArray("types").addAll(s.types().stream().map(body::textNode).toList());
    ObjectNode buffering = body.putObject("buffering");
    buffering.put("maxItems", s.buffering().maxItems());
    buffering.put("maxBytes", s.buffering().maxBytes());
    buffering.put("timeoutMs", s.buffering().timeoutMs());
    ObjectNode destination = body.putObject("destination");
    ExtensionConfig.Listener l = config.listener();
    if (l.protocol() == ExtensionConfig.Protocol.TCP) {
      destination.put("protocol", "TCP");
      destination.put("port", l.port());
    } else {
      destination.put("protocol", "HTTP");
      String path = l.path().startsWith("/") ? l.path() : "/" + l.path();
      destination.put("URI", "http://" + SANDBOX_HOST + ":" + l.port() + path);
    }
    return body;
  }

  /** Sends the subscription; never throws. */
  public SubscribeOutcome subscribe(String extensionId, ObjectNode body) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
      c.setRequestMethod("PUT");
      c.setConnectTimeout(CONNECT_TIMEOUT_MS);
      c.setReadTimeout(READ_TIMEOUT_MS);
      c.setRequestProperty(HEADER_IDENTIFIER, extensionId);
      c.setRequestProperty("Content-Type", "application/json");
      c.setDoOutput(true);
      byte[] bytes = mapper.writeValueAsBytes(body);
      c.setFixedLengthStreamingMode(bytes.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(bytes);
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String answer = in == null ? "" : readAll(in);
      if (status == 200) {
        return new SubscribeOutcome.Subscribed();
      }
      JsonNode json = parseQuietly(answer);
      String errorType = json.path("errorType").asText(null);
      String message = json.path("errorMessage").asText(answer);
      if (status == 202) {
        return new SubscribeOutcome.NotSupported(message);
      }
      return new SubscribeOutcome.Failed(status, errorType, message);
    } catch (IOException | RuntimeException e) {
      return new SubscribeOutcome.Failed(-1, null, "subscribe failed: " + e);
    }
  }

  private JsonNode parseQuietly(String s) {
    try {
      JsonNode n = mapper.readTree(s);
      return n == null ? mapper.missingNode() : n;
    } catch (IOException | RuntimeException e) {
      return mapper.missingNode();
    }
  }

  private static String readAll(InputStream in) throws IOException {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      in.transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
