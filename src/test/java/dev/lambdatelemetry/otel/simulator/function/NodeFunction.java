package dev.lambdatelemetry.otel.simulator.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdatelemetry.otel.simulator.FunctionCall;
import dev.lambdatelemetry.otel.simulator.FunctionRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The instrumented function as a Node.js process: {@code src/test/node/function.mjs} with the OpenTelemetry JS
 * SDK ({@code npm ci} in {@code src/test/node} installs it), called over loopback HTTP. Its stdin is a pipe from
 * this JVM: when this JVM closes it, or dies, the process exits on its own.
 */
public final class NodeFunction implements LocalFunction {

  /** Where {@code function.mjs} and its {@code node_modules} are; {@code -Dfunction.node.dir} overrides. */
  public static final Path DEFAULT_DIRECTORY = Path.of("src/test/node");
  /** Node and the SDK's modules (gRPC's included) load in ~0.3 s; a loaded 2-core machine needs more. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);
  private static final String SCRIPT = "function.mjs";
  /** A module only the function needs: present when {@code npm ci} ran with the current package.json. */
  private static final String SDK_MODULE = "node_modules/@opentelemetry/sdk-trace-base/package.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final FunctionSettings settings;
  private final URI base;
  private final StringBuffer stderr;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private NodeFunction(Process process, FunctionSettings settings, int port, StringBuffer stderr) {
    this.process = process;
    this.settings = settings;
    this.base = URI.create("http://127.0.0.1:" + port);
    this.stderr = stderr;
  }

  /** The directory of {@code function.mjs}. */
  public static Path directory() {
    return Path.of(System.getProperty("function.node.dir", DEFAULT_DIRECTORY.toString()));
  }

  /** Why the Node function cannot run here (no node, or the npm packages not installed), or empty. */
  public static Optional<String> unavailable() {
    Path dir = directory();
    if (!Files.isRegularFile(dir.resolve(SDK_MODULE))) {
      return Optional.of("the OpenTelemetry JS SDK is not installed: run npm ci in " + dir);
    }
    try {
      Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      version.getInputStream().readAllBytes();
      if (!version.waitFor(10, TimeUnit.SECONDS) || version.exitValue() != 0) {
        return Optional.of("node --version failed");
      }
    } catch (IOException e) {
      return Optional.of("no node on the PATH");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
    return Optional.empty();
  }

  /** Starts the function and returns once it listens. */
  public static NodeFunction start(FunctionSettings settings) throws IOException {
    Path dir = directory();
    ProcessBuilder builder = new ProcessBuilder("node", SCRIPT).directory(dir.toFile());
    Map<String, String> env = builder.environment();
    // Only what the test says: an OTEL_* of the surrounding shell (a user's collector) must not redirect it.
    env.keySet().removeIf(key -> key.startsWith("OTEL_"));
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", settings.protocol().otelName());
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", settings.endpoint());
    env.put("OTEL_SERVICE_NAME", settings.serviceName());
    Process process = builder.start();
    StringBuffer stderr = new StringBuffer();
    pump(process.getErrorStream(), stderr);
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread stdout = new Thread(() -> readStdout(process.getInputStream(), ready), "node-function-stdout");
    stdout.setDaemon(true);
    stdout.start();
    try {
      JsonNode line = JSON.readTree(ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      return new NodeFunction(process, settings, line.path("port").asInt(), stderr);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      throw new IOException("interrupted while the Node function started", e);
    } catch (ExecutionException | TimeoutException | IOException e) {
      stop(process);
      throw new IOException("the Node function did not start: " + e + "; stderr: " + stderr, e);
    }
  }

  @Override
  public FunctionCall invoke(FunctionRequest request, Duration timeout) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("requestId", request.requestId());
    if (request.xrayHeader() != null) {
      body.put("xray", request.xrayHeader());
    }
    if (request.traceparent() != null) {
      body.put("traceparent", request.traceparent());
    }
    body.put("childSpans", request.childSpans());
    body.put("error", request.error());
    return call("/invoke", JSON.writeValueAsString(body), request, timeout);
  }

  @Override
  public FunctionCall shutdown(Duration timeout) throws IOException, InterruptedException {
    return call("/shutdown", "{}", null, timeout);
  }

  private FunctionCall call(String path, String body, FunctionRequest request, Duration timeout)
      throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      return FunctionCall.failed(request, "HTTP " + response.statusCode() + ": " + response.body());
    }
    JsonNode answer = JSON.readTree(response.body());
    List<String> children = new ArrayList<>();
    answer.path("childSpanIds").forEach(id -> children.add(id.asText()));
    return new FunctionCall(request, answer.path("traceId").asText(), answer.path("entrySpanId").asText(),
        textOrNull(answer.path("entryParentSpanId")), children, answer.path("flushMs").asDouble(),
        textOrNull(answer.path("flushError")), null);
  }

  @Override
  public String description() {
    return "Node.js " + nodeVersion() + ", OpenTelemetry JS SDK, " + settings.protocol() + " to "
        + settings.endpoint();
  }

  /** What the process wrote on stderr so far (the SDK's own diagnostics). */
  public String stderr() {
    return stderr.toString();
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** Closes the process's stdin, as a parent that dies does; the process exits on its own. */
  void closeInput() throws IOException {
    process.getOutputStream().close();
  }

  @Override
  public void close() {
    stop(process);
  }

  private static String textOrNull(JsonNode node) {
    return node.isNull() || node.isMissingNode() ? null : node.asText();
  }

  private static String nodeVersion() {
    try {
      Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      version.waitFor(5, TimeUnit.SECONDS);
      return text;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  /** Closes its stdin (it exits on its own), then waits; kills it only if it did not go. */
  private static void stop(Process process) {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void readStdout(InputStream in, CompletableFuture<String> ready) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("{\"ready\":true")) {
          ready.complete(line);
        }
      }
      ready.completeExceptionally(new IOException("the process ended before it listened"));
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  private static void pump(InputStream in, StringBuffer into) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          into.append(line).append('\n');
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "node-function-stderr");
    thread.setDaemon(true);
    thread.start();
  }
}
