package dev.lambdatelemetry.otel.simulator.platform;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reading, recording and answering one request, the same way for every endpoint. */
final class Exchanges {

  static final String JSON = "application/json";
  /** What Go's http server sniffs for a JSON body written without a Content-Type (RAPID's SHUTDOWN). */
  static final String SNIFFED_TEXT = "text/plain; charset=utf-8";

  private Exchanges() {
  }

  /** A request that has been read and recorded; {@link #answer} fills in its status. */
  record Received(HttpExchange exchange, RecordedCall call, int index) {

    void answer(ConformanceRecorder recorder, int status, String contentType, String body,
        Map<String, String> headers) throws IOException {
      headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      if (contentType != null) {
        exchange.getResponseHeaders().set("Content-Type", contentType);
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      // Recorded before the answer leaves, so a caller that inspects calls() after its response sees it.
      recorder.answered(index, status);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
      exchange.close();
    }

    void error(ConformanceRecorder recorder, int status, String errorType, String message) throws IOException {
      answer(recorder, status, JSON, Json.error(errorType, message), Map.of());
    }
  }

  static Received receive(HttpExchange exchange, ConformanceRecorder recorder) throws IOException {
    Instant now = Instant.now();
    long nanos = System.nanoTime();
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach(
        (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    RecordedCall call = new RecordedCall(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
        Map.copyOf(headers), body, now, nanos, -1);
    return new Received(exchange, call, recorder.record(call));
  }
}
