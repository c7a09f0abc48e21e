package dev.lambdatelemetry.otel.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lambdatelemetry.otel.json.JsonReader;
import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNull;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryRecord;
import dev.lambdatelemetry.otel.telemetry.model.Timestamps;
import dev.lambdatelemetry.otel.telemetry.model.Unknown;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The events of one delivery as they are read, shared by both ways {@link BatchParser} reads a body:
 * it reads one event object (the envelope) from a Jackson parser, adds its typed event or counts it
 * malformed, and keeps the value budget of the delivery's record trees.
 *
 * <p>Why a mark: the fast path reads the whole body with one parser, which cannot go on after a
 * fault; the batch is marked before each element so that, at a fault, what was read of that element
 * is forgotten ({@link #rollBack}) and {@link PerElementReader} reads it again from the mark. One
 * instance per parse, one thread.
 */
final class ParseBatch {

  private static final Logger LOG = Logger.getLogger(BatchParser.class);

  final JsonFactory json = JsonReader.factory();
  final JsonReader.Budget budget = new JsonReader.Budget(BatchParser.MAX_VALUES_PER_BATCH);
  final List<TelemetryEvent> events = new ArrayList<>();
  private final Instant receivedAt;
  int malformedElements;
  boolean malformedBody;
  // The state before the element being read, to resume from after a fault.
  int markOffset;
  boolean markInArray;
  private int markEvents;
  private int markMalformedElements;
  private boolean markMalformedBody;
  private int markBudget;

  /** @param receivedAt the time of an event whose envelope {@code time} is missing or unparseable */
  ParseBatch(Instant receivedAt) {
    this.receivedAt = receivedAt;
  }

  /** Reads one event object with Jackson, the parser positioned on its first token. */
  void readEnvelope(JsonParser p, JsonToken token) throws IOException {
    String time = null;
    String type = null;
    JsonValue record = null;
    if (token != JsonToken.START_OBJECT) {
      throw new IOException("not an object"); // defensive: both callers saw a '{'
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "time" -> time = stringOrSkip(p, value);
        case "type" -> type = stringOrSkip(p, value);
        case "record" -> record = JsonReader.read(p, value, budget);
        default -> p.skipChildren();
      }
    }
    add(time, type, record);
  }

  /** Adds the event of these envelope fields, or counts it malformed when it has no usable type. */
  void add(String time, String type, JsonValue record) {
    if (type == null || type.isEmpty()) {
      malformed("element has no usable type", null);
      return;
    }
    Instant instant = Timestamps.parse(time);
    if (instant == null) {
      instant = receivedAt;
    }
    TelemetryRecord typed =
        RecordDecoder.toRecord(type, record == null ? JsonNull.INSTANCE : record);
    if (typed instanceof Unknown && RecordDecoder.isKnownPlatformType(type)) {
      malformed("record has the wrong shape", type);
    }
    events.add(new TelemetryEvent(instant, type, typed));
  }

  void malformed(String why, String type) {
    malformedElements++;
    LOG.debugf("Malformed telemetry element (%s, type %s)", why, type);
  }

  /** Marks the state before the value at {@code offset} (an array element when {@code inArray}). */
  void mark(int offset, boolean inArray) {
    markOffset = offset;
    markInArray = inArray;
    markEvents = events.size();
    markMalformedElements = malformedElements;
    markMalformedBody = malformedBody;
    markBudget = budget.left();
  }

  /** Forgets what was read since the mark: it is read again. */
  void rollBack() {
    events.subList(markEvents, events.size()).clear();
    malformedElements = markMalformedElements;
    malformedBody = markMalformedBody;
    budget.reset(markBudget);
  }

  BatchParser.ParseResult result(boolean malformedBody) {
    return new BatchParser.ParseResult(events, malformedElements, malformedBody);
  }

  private static String stringOrSkip(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren(); // an object or array where a string belongs
    return null;
  }
}
