package dev.lambdatelemetry.otel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 answer reader: framing, interim answers, and when a connection can be reused. */
class Http1Test {

  @Test
  void interimAnswersAreSkippedUpToTheFinalOne() throws IOException {
    InputStream in = in("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 204 No Content\r\n\r\n");

    Http1.Response first = Http1.read(in);
    Http1.Response second = Http1.read(in);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body()).asString(StandardCharsets.UTF_8).isEqualTo("ok");
    assertThat(second.status()).isEqualTo(204);
  }

  @Test
  void aFramedHttp11AnswerKeepsTheConnectionUnlessItSaysClose() throws IOException {
    assertThat(Http1.read(in("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")).keepAlive()).isTrue();
    assertThat(Http1.read(in("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"))
        .keepAlive()).isTrue();
    assertThat(Http1.read(in("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"))
        .keepAlive()).isFalse();
  }

  @Test
  void aBodyEndedByTheConnectionOrAnHttp10AnswerEndsTheConnection() throws IOException {
    Http1.Response closeDelimited = Http1.read(in("HTTP/1.1 200 OK\r\n\r\nuntil the end"));
    assertThat(closeDelimited.body()).asString(StandardCharsets.UTF_8).isEqualTo("until the end");
    assertThat(closeDelimited.keepAlive()).isFalse();
    assertThat(Http1.read(in("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).keepAlive()).isFalse();
    assertThat(Http1.read(in("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"))
        .keepAlive()).isTrue();
    Http1.Response switched = Http1.read(in("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"));
    assertThat(switched.status()).isEqualTo(101);
    assertThat(switched.keepAlive()).isFalse(); // no HTTP on it after a protocol switch
  }

  @Test
  void aHostileChunkSizeIsRefusedNotOverflowed() {
    assertThatThrownBy(() -> Http1.read(in("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffff\r\n")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void aCappedReadKeepsTheBeginningOfALongFramedBodyAndReadsNoFurther() throws IOException {
    CountingInput in = new CountingInput(
        "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(100_000));
    int head = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".length();

    Http1.Response r = Http1.readCapped(in, 1024);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).hasSize(1024);
    assertThat(r.truncated()).isTrue();
    assertThat(r.keepAlive()).as("the rest of the body is still on the wire").isFalse();
    assertThat(in.consumed).isEqualTo(head + 1024);
  }

  @Test
  void aCappedReadOfAnEndlessChunkedOrCloseDelimitedBodyReturns() throws IOException {
    InputStream chunked = endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "400\r\n" + "y".repeat(1024) + "\r\n");
    InputStream untilClose = endless("HTTP/1.1 503 Unavailable\r\nRetry-After: 3\r\n\r\n", "z");

    Http1.Response ok = Http1.readCapped(chunked, 64 * 1024);
    Http1.Response unavailable = Http1.readCapped(untilClose, 64 * 1024);

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body()).hasSize(64 * 1024);
    assertThat(ok.truncated()).isTrue();
    assertThat(ok.keepAlive()).isFalse();
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(unavailable.header("Retry-After")).isEqualTo("3");
    assertThat(unavailable.body()).hasSize(64 * 1024);
    assertThat(unavailable.truncated()).isTrue();
  }

  @Test
  void aCappedReadOfABodyWithinTheCapIsWholeAndKeepsTheConnection() throws IOException {
    InputStream in = in("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfourHTTP/1.1 200 OK\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\nexact");

    Http1.Response framed = Http1.readCapped(in, 4);
    Http1.Response chunked = Http1.readCapped(in, 4);
    Http1.Response closeDelimited = Http1.readCapped(in, 5);

    assertThat(framed.body()).asString(StandardCharsets.UTF_8).isEqualTo("four");
    assertThat(framed.truncated()).isFalse();
    assertThat(framed.keepAlive()).isTrue();
    assertThat(chunked.body()).asString(StandardCharsets.UTF_8).isEqualTo("ok");
    assertThat(chunked.keepAlive()).isTrue();
    assertThat(closeDelimited.body()).asString(StandardCharsets.UTF_8).isEqualTo("exact");
    assertThat(closeDelimited.truncated()).isFalse();
  }

  @Test
  void readHeadTakesTheAnswersHeadAndNothingAfterIt() throws IOException {
    String head = "HTTP/1.1 200 Connection established\r\nX-Proxy: p\r\n\r\n";
    CountingInput in = new CountingInput(head + "\u0016\u0003\u0001tunnelled bytes");

    Http1.Response r = Http1.readHead(in);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("x-proxy")).isEqualTo("p");
    assertThat(r.body()).isEmpty();
    assertThat(in.consumed).isEqualTo(head.length());
  }

  @Test
  void theUncappedReadStillRefusesAnOversizeBody() {
    assertThatThrownBy(() -> Http1.read(in("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("out of range");
  }

  @Test
  void theRequestHeadCarriesHostLengthAndTheHeadersGiven() {
    String head = new String(
        Http1.head("POST", "collector:4318", "/v1/logs", List.of(Map.entry("X-Key", "v")), 12, true),
        StandardCharsets.ISO_8859_1);

    assertThat(head).isEqualTo("POST /v1/logs HTTP/1.1\r\nHost: collector:4318\r\nX-Key: v\r\n"
        + "Content-Length: 12\r\n\r\n");
    assertThat(new String(Http1.head("GET", "h:1", "/next", List.of(), 0, false), StandardCharsets.ISO_8859_1))
        .isEqualTo("GET /next HTTP/1.1\r\nHost: h:1\r\nConnection: close\r\n\r\n");
  }

  /** {@code head}, then {@code piece} repeated for ever. */
  private static InputStream endless(String head, String piece) {
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] p = piece.getBytes(StandardCharsets.ISO_8859_1);
    return new InputStream() {
      private long pos;

      @Override
      public int read() {
        long i = pos++;
        return (i < h.length ? h[(int) i] : p[(int) ((i - h.length) % p.length)]) & 0xff;
      }
    };
  }

  /** The wire, counting what was taken from it. */
  private static final class CountingInput extends InputStream {
    private final InputStream in;
    long consumed;

    CountingInput(String wire) {
      this.in = in(wire);
    }

    @Override
    public int read() throws IOException {
      int c = in.read();
      if (c != -1) {
        consumed++;
      }
      return c;
    }
  }

  private static InputStream in(String wire) {
    return new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1));
  }
}
