package dev.lambdatelemetry.otel.export;

import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The gRPC over HTTP/2 wire format, as much as an OTLP client needs: the method's URL, the
 * length-prefixed request message, and the status and response message of a finished call (from the
 * trailers, the headers of a trailers-only answer, or the HTTP status of a proxy that answered without
 * gRPC). Pure functions of their inputs: the transport is {@link VertxGrpcSender}'s.
 */
final class GrpcWire {

  /** gRPC's wire format: 1 byte compressed flag, 4 bytes big-endian length, then the message. */
  static final int FRAME_HEADER = 5;

  private GrpcWire() {}

  /** {@code endpoint} (any path kept) + {@code /package.Service/Method}. */
  static String methodUri(URI endpoint, String fullMethodName) {
    String base = endpoint.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + "/" + fullMethodName;
  }

  /** The gRPC status of a finished call: trailers, or headers for a trailers-only answer. */
  static Answer answer(int httpStatus, MultiMap headers, MultiMap trailers, Buffer body) {
    if (httpStatus != 200) {
      return new Answer(fromHttp(httpStatus), "HTTP " + httpStatus, new byte[0]);
    }
    String status = trailers.get("grpc-status");
    String message = trailers.get("grpc-message");
    if (status == null) {
      status = headers.get("grpc-status");
      message = headers.get("grpc-message");
    }
    GrpcStatusCode code;
    try {
      code = status == null ? GrpcStatusCode.UNKNOWN : GrpcStatusCode.fromValue(Integer.parseInt(status.trim()));
    } catch (RuntimeException e) {
      code = GrpcStatusCode.UNKNOWN;
    }
    if (status == null) {
      message = "no grpc-status in the answer";
    }
    byte[] payload = new byte[0];
    if (body != null && body.length() >= FRAME_HEADER) {
      int length = body.getInt(1);
      if (length >= 0 && FRAME_HEADER + length <= body.length()) {
        payload = body.getBytes(FRAME_HEADER, FRAME_HEADER + length);
      }
    }
    return new Answer(code, message == null ? null : percentDecode(message), payload);
  }

  /** The gRPC over HTTP/2 mapping of HTTP statuses from proxies that answer without gRPC. */
  static GrpcStatusCode fromHttp(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> GrpcStatusCode.INTERNAL;
      case 401 -> GrpcStatusCode.UNAUTHENTICATED;
      case 403 -> GrpcStatusCode.PERMISSION_DENIED;
      case 404 -> GrpcStatusCode.UNIMPLEMENTED;
      case 429, 502, 503, 504 -> GrpcStatusCode.UNAVAILABLE;
      default -> GrpcStatusCode.UNKNOWN;
    };
  }

  /** {@code grpc-message} is percent-encoded UTF-8 (and '+' is literal). */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      out.write(raw, 0, raw.length);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Length-prefixed message, compressed when configured. */
  static Buffer frame(MessageWriter writer, Compressor compressor) throws IOException {
    ByteArrayOutputStream message = new ByteArrayOutputStream(Math.max(64, writer.getContentLength()));
    if (compressor == null) {
      writer.writeMessage(message);
    } else {
      try (OutputStream out = compressor.compress(message)) {
        writer.writeMessage(out);
      }
    }
    Buffer frame = Buffer.buffer(FRAME_HEADER + message.size());
    frame.appendByte(compressor == null ? (byte) 0 : (byte) 1);
    frame.appendInt(message.size());
    frame.appendBytes(message.toByteArray());
    return frame;
  }

  /** A finished call. */
  record Answer(GrpcStatusCode code, String description, byte[] message) implements GrpcResponse {
    @Override
    public GrpcStatusCode getStatusCode() {
      return code;
    }

    @Override
    public String getStatusDescription() {
      return description;
    }

    @Override
    public byte[] getResponseMessage() {
      return message;
    }
  }
}
