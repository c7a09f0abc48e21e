package dev.lambdatelemetry.otel.simulator.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** JSON helpers of the simulator: compact output like Go's encoder and the platform's time format. */
public final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** RAPID's {@code TimeFormat = "2006-01-02T15:04:05.000Z"}: milliseconds, always UTC. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Json() {
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A JSON string. */
  public static JsonNode text(String value) {
    return MAPPER.getNodeFactory().textNode(value);
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static String time(Instant instant) {
    return TIME.format(instant.truncatedTo(ChronoUnit.MILLIS));
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** Parses {@code text}, or empty when it is not JSON: bad input from the extension is a finding, not a crash. */
  public static Optional<JsonNode> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(MAPPER.readTree(text));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** Platform error body {@code {"errorMessage":"...","errorType":"..."}}. */
  static String error(String errorType, String errorMessage) {
    ObjectNode node = object();
    node.put("errorMessage", errorMessage);
    node.put("errorType", errorType);
    return write(node);
  }

  /** Milliseconds with 3 decimals, like the platform's float durations. */
  static double millis3(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
