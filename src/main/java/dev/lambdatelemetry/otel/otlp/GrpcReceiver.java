package dev.lambdatelemetry.otel.otlp;

import dev.lambdatelemetry.otel.otlp.RequestProcessor.Answer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * OTLP/gRPC over HTTP/2 cleartext: the three unary {@code Export} methods, one length-prefixed message
 * per call (gzip-compressed when {@code grpc-encoding: gzip}), answered with the response message and
 * {@code grpc-status} trailers, or trailers only for an error. Status codes are chosen so the SDK
 * never retries: a full queue is OK with a partial success, never RESOURCE_EXHAUSTED (which SDKs
 * retry); an oversize message is INVALID_ARGUMENT.
 */
final class GrpcReceiver {

  static final int OK = 0;
  static final int INVALID_ARGUMENT = 3;
  static final int UNIMPLEMENTED = 12;
  private static final int PREFIX = 5;

  private final RequestProcessor processor;

  GrpcReceiver(RequestProcessor processor) {
    this.processor = processor;
  }

  void handle(HttpServerRequest req) {
    Signal signal = Signal.ofGrpcPath(req.path());
    if (signal == null) {
      afterBody(req, () -> trailersOnly(req.response(), UNIMPLEMENTED, "unknown method " + req.path()));
      return;
    }
    String type = req.getHeader("content-type");
    if (type == null || !type.startsWith("application/grpc")) {
      afterBody(req, () -> req.response().setStatusCode(415).end());
      return;
    }
    String encoding = req.getHeader("grpc-encoding");
    boolean gzip = "gzip".equals(encoding);
    if (!gzip && encoding != null && !"identity".equals(encoding)) {
      afterBody(req, () -> {
        req.response().putHeader("grpc-accept-encoding", "gzip,identity");
        trailersOnly(req.response(), UNIMPLEMENTED, "unsupported grpc-encoding " + encoding);
      });
      return;
    }
    BoundedBody body = processor.newBody(PREFIX);
    req.handler(body::append);
    req.exceptionHandler(e -> body.release());
    req.endHandler(v -> finish(req.response(), signal, gzip, body));
  }

  private void finish(HttpServerResponse res, Signal signal, boolean gzip, BoundedBody body) {
    if (body.state() == BoundedBody.State.COLLECTING) {
      String framing = framingError(body, gzip);
      if (framing != null) {
        body.release();
        trailersOnly(res, INVALID_ARGUMENT, framing);
        return;
      }
    }
    boolean compressed = body.state() == BoundedBody.State.COLLECTING && body.array()[0] == 1;
    Answer answer = processor.process(signal, false, compressed, body, PREFIX);
    if (answer instanceof Answer.Accepted a) {
      byte[] message = ExportResponses.exportResponse(a, false);
      Buffer frame = Buffer.buffer(PREFIX + message.length).appendByte((byte) 0)
          .appendInt(message.length).appendBytes(message);
      res.putHeader("content-type", "application/grpc");
      res.putTrailer("grpc-status", Integer.toString(OK));
      res.end(frame);
    } else if (answer instanceof Answer.Malformed m) {
      trailersOnly(res, INVALID_ARGUMENT, m.message());
    } else if (answer instanceof Answer.TooLarge t) {
      trailersOnly(res, INVALID_ARGUMENT, t.message());
    }
  }

  /** Null if the body is exactly one length-prefixed message, else why not. */
  private static String framingError(BoundedBody body, boolean gzipAnnounced) {
    int len = body.length();
    if (len < PREFIX) {
      return "no length-prefixed message";
    }
    byte[] b = body.array();
    long declared = ((b[1] & 0xffL) << 24) | ((b[2] & 0xff) << 16) | ((b[3] & 0xff) << 8) | (b[4] & 0xff);
    if (declared != len - PREFIX) {
      return "expected one message of " + declared + " bytes, got " + (len - PREFIX);
    }
    if (b[0] == 1 && !gzipAnnounced) {
      return "compressed message without grpc-encoding";
    }
    if (b[0] != 0 && b[0] != 1) {
      return "invalid compressed flag " + b[0];
    }
    return null;
  }

  private static void trailersOnly(HttpServerResponse res, int status, String message) {
    res.putHeader("content-type", "application/grpc")
        .putHeader("grpc-status", Integer.toString(status))
        .putHeader("grpc-message", percentEncode(message))
        .end();
  }

  private static void afterBody(HttpServerRequest req, Runnable answer) {
    req.handler(chunk -> { });
    req.endHandler(v -> answer.run());
  }

  /** grpc-message is percent-encoded UTF-8 (outside printable ASCII, and '%'). */
  static String percentEncode(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }
}
