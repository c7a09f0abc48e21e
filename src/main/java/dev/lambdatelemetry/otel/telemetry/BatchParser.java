package dev.lambdatelemetry.otel.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import java.time.Instant;
import java.util.List;

/** STUB until the parser branch lands. */
public final class BatchParser {
  public BatchParser(ObjectMapper mapper) {}

  public ParseResult parse(byte[] body, Instant receivedAt) {
    return new ParseResult(List.of(), 0, true);
  }

  public ParseResult parseNdjsonLine(byte[] line, Instant receivedAt) {
    return new ParseResult(List.of(), 0, true);
  }

  public record ParseResult(List<TelemetryEvent> events, int malformedElements, boolean malformedBody) {}
}
