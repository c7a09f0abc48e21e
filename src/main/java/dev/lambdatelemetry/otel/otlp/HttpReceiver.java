package dev.lambdatelemetry.otel.otlp;

import dev.lambdatelemetry.otel.otlp.RequestProcessor.Answer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;

/**
 * OTLP/HTTP: {@code POST /v1/traces|logs|metrics} in protobuf or JSON, gzip or not, answered as the
 * OTLP/HTTP specification says. Every answer is given after the whole body was read (what was past the
 * limit read and dropped): a client that writes its whole body before reading, as OTLP exporters do,
 * then reads a clean 413 instead of a reset connection, which it would retry.
 */
final class HttpReceiver {

  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";

  private final RequestProcessor processor;

  HttpReceiver(RequestProcessor processor) {
    this.processor = processor;
  }

  void handle(HttpServerRequest req) {
    Signal signal = Signal.ofHttpPath(req.path());
    if (signal == null) {
      afterBody(req, () -> text(req.response(), 404, "no such path: use /v1/traces, /v1/logs or /v1/metrics"));
      return;
    }
    if (req.method() != HttpMethod.POST) {
      afterBody(req, () -> text(req.response().putHeader("Allow", "POST"), 405, "use POST"));
      return;
    }
    String type = mediaType(req.getHeader("Content-Type"));
    boolean json = JSON.equals(type);
    if (!json && !PROTOBUF.equals(type)) {
      afterBody(req, () -> text(req.response(), 415, "use " + PROTOBUF + " or " + JSON));
      return;
    }
    String encoding = mediaType(req.getHeader("Content-Encoding"));
    boolean gzip = "gzip".equals(encoding);
    if (!gzip && encoding != null && !"identity".equals(encoding)) {
      afterBody(req, () -> text(req.response(), 415, "unsupported Content-Encoding " + encoding));
      return;
    }
    BoundedBody body = processor.newBody();
    body.expect(contentLength(req.getHeader("Content-Length")));
    req.handler(body::append);
    req.exceptionHandler(e -> body.release());
    req.endHandler(v -> answer(req.response(), processor.process(signal, json, gzip, body, 0), json));
  }

  private static void answer(HttpServerResponse res, Answer answer, boolean json) {
    res.putHeader("Content-Type", json ? JSON : PROTOBUF);
    if (answer instanceof Answer.Accepted a) {
      res.setStatusCode(200).end(Buffer.buffer(ExportResponses.exportResponse(a, json)));
    } else if (answer instanceof Answer.Malformed m) {
      res.setStatusCode(400).end(Buffer.buffer(ExportResponses.status(m.message(), json)));
    } else if (answer instanceof Answer.TooLarge t) {
      res.setStatusCode(413).end(Buffer.buffer(ExportResponses.status(t.message(), json)));
    }
  }

  /** Reads and drops the body, then answers. */
  private static void afterBody(HttpServerRequest req, Runnable answer) {
    req.handler(chunk -> { });
    req.endHandler(v -> answer.run());
  }

  private static void text(HttpServerResponse res, int status, String message) {
    res.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message);
  }

  /** {@code application/json; charset=utf-8} to {@code application/json}; null stays null. */
  static String mediaType(String header) {
    if (header == null) {
      return null;
    }
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static long contentLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
