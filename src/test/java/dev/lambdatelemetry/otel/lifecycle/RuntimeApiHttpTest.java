package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.http.Http1;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The socket client that talks to the Runtime API before anything else is loaded. */
class RuntimeApiHttpTest {

  static Stream<Arguments> answers() {
    return Stream.of(
        argumentSet("Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}", "{\"a\":1}"),
        argumentSet("chunked, as Go writes a large body",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;ext=1\r\n\":1}\r\n0\r\n\r\n",
            "{\"a\":1}"),
        argumentSet("no length: the closed connection ends it",
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{\"a\":1}", "{\"a\":1}"),
        argumentSet("bare LF line ends", "HTTP/1.1 202 Accepted\nContent-Length: 2\n\nok", "ok"),
        argumentSet("empty body", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", ""));
  }

  @ParameterizedTest
  @MethodSource("answers")
  void read_everyBodyFraming_givesTheBody(String wire, String body) throws IOException {
    Http1.Response r = Http1.read(in(wire));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(body);
  }

  @Test
  void read_headersAreCaseInsensitive() throws IOException {
    Http1.Response r = Http1.read(
        in("HTTP/1.1 200 OK\r\nlambda-extension-identifier: abc\r\nContent-Length: 0\r\n\r\n"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Lambda-Extension-Identifier")).isEqualTo("abc");
  }

  @Test
  void read_cutOrGarbledAnswers_failWithAnIoException() {
    assertThatThrownBy(() -> Http1.read(in("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> Http1.read(in("SSH-2.0-OpenSSH\r\n\r\n")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Http1.read(in("HTTP/1.1 200 OK\r\nContent-Le")))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void exchange_overRealTcp_sendsTheRequestLineHeadersAndBody() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          byte[] buf = new byte[4096];
          StringBuilder req = new StringBuilder();
          while (!req.toString().endsWith("{\"events\":[]}")) {
            int n = in.read(buf);
            if (n < 0) {
              break;
            }
            req.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nLambda-Extension-Identifier: id-1\r\nContent-Length: 2\r\n\r\n{}"
              .getBytes(StandardCharsets.UTF_8));
          return req.toString();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      RuntimeApiHttp http = new RuntimeApiHttp("127.0.0.1:" + server.getLocalPort());
      Http1.Response r;
      try (RuntimeApiHttp.Call call = http.open()) {
        r = call.exchange("POST", "/2020-01-01/extension/register",
            Map.of("Lambda-Extension-Name", "x"), "{\"events\":[]}".getBytes(StandardCharsets.UTF_8),
            5_000);
      }
      assertThat(r.header("lambda-extension-identifier")).isEqualTo("id-1");
      assertThat(received.get(10, TimeUnit.SECONDS))
          .startsWith("POST /2020-01-01/extension/register HTTP/1.1\r\n")
          .contains("Lambda-Extension-Name: x\r\n", "Content-Length: 13\r\n")
          .endsWith("\r\n\r\n{\"events\":[]}");
    }
  }

  private static InputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
