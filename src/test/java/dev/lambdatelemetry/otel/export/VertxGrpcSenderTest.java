package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The gRPC wire details of {@link VertxGrpcSender}: framing, status reading ({@link GrpcWire}), failure mapping ({@link GrpcCallFailure}). */
class VertxGrpcSenderTest {

  private static final byte[] MESSAGE = "otlp-bytes".getBytes(StandardCharsets.UTF_8);
  private static final MessageWriter WRITER = SenderFixtures.writer(MESSAGE);

  @Test
  void frame_uncompressed_isFlagZeroLengthThenMessage() throws IOException {
    Buffer frame = GrpcWire.frame(WRITER, null);

    assertThat(frame.getByte(0)).isZero();
    assertThat(frame.getInt(1)).isEqualTo(MESSAGE.length);
    assertThat(frame.getBytes(5, frame.length())).isEqualTo(MESSAGE);
  }

  @Test
  void frame_gzip_isFlagOneAndGzipOfTheMessage() throws IOException {
    Buffer frame =
        GrpcWire.frame(
            WRITER,
            new io.opentelemetry.sdk.common.export.Compressor() {
              @Override
              public String getEncoding() {
                return "gzip";
              }

              @Override
              public OutputStream compress(OutputStream out) throws IOException {
                return new GZIPOutputStream(out);
              }
            });

    assertThat(frame.getByte(0)).isEqualTo((byte) 1);
    assertThat(frame.getInt(1)).isEqualTo(frame.length() - 5);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(frame.getBytes(5, frame.length())))) {
      assertThat(in.readAllBytes()).isEqualTo(MESSAGE);
    }
  }

  static Stream<Arguments> answers() {
    MultiMap none = MultiMap.caseInsensitiveMultiMap();
    return Stream.of(
        argumentSet("OK in trailers", 200, none, MultiMap.caseInsensitiveMultiMap().add("grpc-status", "0"),
            GrpcStatusCode.OK, null),
        argumentSet("trailers-only error in headers",
            200, MultiMap.caseInsensitiveMultiMap().add("grpc-status", "14").add("grpc-message", "down%20for%20now"),
            none, GrpcStatusCode.UNAVAILABLE, "down for now"),
        argumentSet("no grpc-status at all", 200, none, none, GrpcStatusCode.UNKNOWN,
            "no grpc-status in the answer"),
        argumentSet("garbage grpc-status", 200, none, MultiMap.caseInsensitiveMultiMap().add("grpc-status", "x"),
            GrpcStatusCode.UNKNOWN, null),
        argumentSet("proxy 503", 503, none, none, GrpcStatusCode.UNAVAILABLE, "HTTP 503"),
        argumentSet("proxy 429", 429, none, none, GrpcStatusCode.UNAVAILABLE, "HTTP 429"),
        argumentSet("proxy 401", 401, none, none, GrpcStatusCode.UNAUTHENTICATED, "HTTP 401"),
        argumentSet("proxy 404", 404, none, none, GrpcStatusCode.UNIMPLEMENTED, "HTTP 404"));
  }

  @ParameterizedTest
  @MethodSource("answers")
  void answer_statusFromTrailersHeadersOrHttp(
      int http, MultiMap headers, MultiMap trailers, GrpcStatusCode code, String description) {
    GrpcWire.Answer a = GrpcWire.answer(http, headers, trailers, Buffer.buffer());

    assertThat(a.getStatusCode()).isEqualTo(code);
    assertThat(a.getStatusDescription()).isEqualTo(description);
  }

  @Test
  void answer_ok_unwrapsTheLengthPrefixedResponseMessage() {
    Buffer body = Buffer.buffer().appendByte((byte) 0).appendInt(3).appendBytes(new byte[] {7, 8, 9});

    GrpcWire.Answer a =
        GrpcWire.answer(200, MultiMap.caseInsensitiveMultiMap(),
            MultiMap.caseInsensitiveMultiMap().add("grpc-status", "0"), body);

    assertThat(a.getResponseMessage()).containsExactly(7, 8, 9);
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        argumentSet("timeout: fate unknown", new TimeoutException(), FailureClass.Kind.UNKNOWN),
        argumentSet("cancel: fate unknown", new CancellationException(), FailureClass.Kind.UNKNOWN),
        argumentSet("connection refused: retry", new java.net.ConnectException("refused"),
            FailureClass.Kind.RETRYABLE),
        argumentSet("closed connection (unchecked in Vert.x): retry",
            new CompletionException(new IllegalStateException("Connection was closed")),
            FailureClass.Kind.RETRYABLE),
        argumentSet("no time left: not sent", new VertxGrpcSender.NoTimeLeft(), FailureClass.Kind.NOT_SENT));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void failure_mapsTransportErrorsAsTheHttpPathDoes(Throwable error, FailureClass.Kind expected) {
    assertThat(FailureClass.of(GrpcCallFailure.of(error, false)).kind()).isEqualTo(expected);
  }

  @Test
  void failure_timeout_isAnInterruptedIoException() {
    assertThat(GrpcCallFailure.of(new TimeoutException(), false)).isInstanceOf(InterruptedIOException.class);
  }

  @Test
  void methodUri_keepsEndpointPathAndDropsTrailingSlash() {
    assertThat(GrpcWire.methodUri(URI.create("http://c:4317/"), "a.B/Export"))
        .isEqualTo("http://c:4317/a.B/Export");
    assertThat(GrpcWire.methodUri(URI.create("https://c/prefix"), "a.B/Export"))
        .isEqualTo("https://c/prefix/a.B/Export");
  }

  @Test
  void percentDecode_decodesUtf8AndKeepsPlusAndBrokenEscapes() {
    assertThat(GrpcWire.percentDecode("a%20b+c%C3%A9%zz%2")).isEqualTo("a b+cé%zz%2");
  }
}
