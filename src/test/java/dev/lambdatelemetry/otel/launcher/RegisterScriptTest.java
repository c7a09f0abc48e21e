package dev.lambdatelemetry.otel.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code deploy/layer/register.bash}, the launcher's early registration, against a one-shot
 * loopback server giving the answer under test: its three output lines are what the launcher
 * decides on.
 */
class RegisterScriptTest {

  static final String SCRIPT = "deploy/layer/register.bash";

  static Stream<Arguments> answers() {
    return Stream.of(
        argumentSet("status line with a reason phrase",
            "HTTP/1.1 200 OK\r\nLambda-Extension-Identifier: id-1\r\nContent-Length: 2\r\n\r\n{}",
            List.of("200", "id-1", "{}")),
        argumentSet("status line without a reason phrase (RFC 9112 allows it)",
            "HTTP/1.1 200\r\nLambda-Extension-Identifier: x\r\nContent-Length: 2\r\n\r\n{}",
            List.of("200", "x", "{}")),
        argumentSet("a refusal without a reason phrase",
            "HTTP/1.1 403\r\nContent-Length: 38\r\n\r\n{\"errorType\":\"Extension.InvalidEvent\"}",
            List.of("403", "", "{\"errorType\":\"Extension.InvalidEvent\"}")),
        argumentSet("a refusal with a two-word reason phrase",
            "HTTP/1.1 500 Internal Error\r\nContent-Length: 2\r\n\r\n{}",
            List.of("500", "", "{}")));
  }

  @ParameterizedTest
  @MethodSource("answers")
  void answer_isPrintedAsStatusIdentifierAndBody(String answer, List<String> expected)
      throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> answerOnce(server, answer));
      ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT);
      pb.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + server.getLocalPort());
      pb.environment().put("REGISTER_NAME", "lambda-telemetry-otel");
      pb.environment().put("REGISTER_EVENTS", "\"INVOKE\",\"SHUTDOWN\"");
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();

      assertThat(p.exitValue()).isZero();
      assertThat(out.split("\n", -1)).containsExactly(
          expected.get(0), expected.get(1), expected.get(2), "");
      assertThat(request.get(20, TimeUnit.SECONDS))
          .startsWith("POST /2020-01-01/extension/register HTTP/1.1\r\n")
          .contains("Lambda-Extension-Name: lambda-telemetry-otel\r\n")
          .endsWith("{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}");
    }
  }

  /** Accepts one connection, reads the request (headers and Content-Length body), answers, closes. */
  private static String answerOnce(ServerSocket server, String answer) {
    try (Socket s = server.accept()) {
      s.setSoTimeout(20_000);
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
      }
      String headers = head.toString(StandardCharsets.ISO_8859_1);
      int length = 0;
      for (String line : headers.split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      s.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      return headers + body;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
