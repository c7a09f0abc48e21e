package dev.lambdatelemetry.otel.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.function.FunctionProtocol;
import dev.lambdatelemetry.otel.simulator.function.FunctionSettings;
import dev.lambdatelemetry.otel.simulator.function.LocalFunction;
import dev.lambdatelemetry.otel.simulator.function.NodeFunction;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.process.ExtensionProcess;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.testing.PackagedExtension;
import dev.lambdatelemetry.otel.testing.PollingWait;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Interoperability with a receiver we did not write: the npm package {@code @elastic/mockotlpserver}
 * (installed by {@code .ci/run} into {@code src/test/node}). It listens on the standard port 4318 and
 * prints what it decodes as JSON. Uncompressed: it mishandles gzip over HTTP.
 */
class MockOtlpServerIT {

  private static final Path CLI = Path.of("src/test/node/node_modules/@elastic/mockotlpserver/lib/cli.js");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void thirdPartyReceiver_decodesEveryInvocationSpanTheLogsAndTheFunctionsOwnTelemetry() throws Exception {
    assumeTrue(Files.isRegularFile(CLI), "npm ci in src/test/node has not been run");
    assumeTrue(new ProcessBuilder("node", "--version").start().waitFor() == 0, "no node");
    assumeTrue(NodeFunction.unavailable().isEmpty(), () -> NodeFunction.unavailable().orElse(""));
    Process server = new ProcessBuilder("node", CLI.toString(), "-o", "json", "--hostname=127.0.0.1")
        .redirectErrorStream(true).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        // the server was stopped
      }
    }, "mockotlpserver-output");
    reader.setDaemon(true);
    reader.start();
    try {
      PollingWait.await(Duration.ofSeconds(20),
          () -> lines.stream().anyMatch(l -> l.contains("OTLP/HTTP listening")),
          "mockotlpserver did not start: " + lines);
      SimulationResult result;
      // The function's own SDK (Node.js) exports to the extension's local endpoint, on free ports: the
      // mock server holds 4318. What the extension forwards of it must decode there too.
      int functionHttp = ExtensionRun.freePort();
      int functionGrpc = ExtensionRun.freePort();
      try (LambdaSimulator simulator = LambdaSimulator.start(SimulatorOptions.defaults());
          LocalFunction function = NodeFunction.start(FunctionSettings.defaults(FunctionProtocol.HTTP_PROTOBUF)
              .withPorts(functionHttp, functionGrpc))) {
        simulator.instrumentedFunction(function);
        try (ExtensionProcess process = ExtensionProcess.start(PackagedExtension.command(), simulator,
            Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
                "OTEL_EXPORTER_OTLP_COMPRESSION", "none",
                "LAMBDA_TELEMETRY_EXPORT_FLUSH_BUDGET", "PT2S",
                "LAMBDA_TELEMETRY_OTLP_RECEIVER_HTTP_PORT", Integer.toString(functionHttp),
                "LAMBDA_TELEMETRY_OTLP_RECEIVER_GRPC_PORT", Integer.toString(functionGrpc),
                "LAMBDA_TELEMETRY_LISTENER_PORT", Integer.toString(ExtensionRun.freePort())),
            null)) {
          result = simulator.run(Scenario.defaultScenario(4), process);
        }
      }
      assertThat(result.exitCode()).isZero();
      Set<String> expected = new HashSet<>();
      result.invocations().forEach(i -> expected.add(i.requestId()));
      PollingWait.await(Duration.ofSeconds(10), () -> invocationIds(lines).containsAll(expected),
          () -> "mockotlpserver did not print every invocation span " + expected + "; got "
              + invocationIds(lines) + " from:\n" + String.join("\n", lines).substring(0,
                  Math.min(3000, String.join("\n", lines).length())));
      assertThat(invocationIds(lines)).isEqualTo(expected);
      assertThat(String.join("\n", lines)).contains("logRecords").contains("faas.invocations");
      PollingWait.await(Duration.ofSeconds(10),
          () -> String.join("\n", lines).contains(FunctionSettings.DEFAULT_SERVICE_NAME),
          "mockotlpserver did not print the function's own telemetry (service "
              + FunctionSettings.DEFAULT_SERVICE_NAME + ")");
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  /** The faas.invocation_id of every SERVER span in the server's JSON output. */
  private static Set<String> invocationIds(List<String> lines) {
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      if (!line.contains("resourceSpans")) {
        continue;
      }
      try {
        JsonNode root = JSON.readTree(line);
        for (JsonNode span : root.findValues("spans")) {
          span.forEach(s -> {
            String kind = s.path("kind").asText();
            if (kind.equals("2") || kind.equals("SPAN_KIND_SERVER")) {
              JsonNode attrs = s.path("attributes");
              if (attrs.isObject() && attrs.has("faas.invocation_id")) {
                // mockotlpserver's json output normalises attributes into an object
                ids.add(attrs.path("faas.invocation_id").asText());
              }
              attrs.forEach(a -> {
                if (a.path("key").asText().equals("faas.invocation_id")) {
                  ids.add(a.path("value").path("stringValue").asText());
                }
              });
            }
          });
        }
      } catch (java.io.IOException e) {
        // not a JSON line (a log line of the server)
      }
    }
    return ids;
  }
}
