package dev.lambdatelemetry.otel.telemetry;

import static dev.lambdatelemetry.otel.telemetry.JsonBytes.nameIs;
import static dev.lambdatelemetry.otel.telemetry.JsonBytes.skipWhitespace;
import static dev.lambdatelemetry.otel.telemetry.JsonBytes.stringAt;
import static dev.lambdatelemetry.otel.telemetry.JsonBytes.stringEnd;
import static dev.lambdatelemetry.otel.telemetry.JsonBytes.valueEnd;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.lambdatelemetry.otel.json.JsonReader;
import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * The fault path of {@link BatchParser}: reads the rest of a body, from the element where the fast
 * path faulted, one element at a time. {@link JsonBytes#valueEnd} finds where each element ends by
 * scanning its bytes, and each element gets its own parser over its bytes, so that a fault is
 * confined to its element:
 *
 * <ul>
 *   <li>beyond a bound of {@link JsonReader} (or of the delivery's value budget), its envelope is
 *       found again in its bytes and its record kept as text, cut to {@link
 *       BatchParser#MAX_KEPT_RECORD_BYTES};
 *   <li>not JSON, it is counted malformed and the body marked malformed;
 *   <li>a truncated body still yields its complete elements.
 * </ul>
 *
 * <p>It costs about 1.5 times the fast path, and only a body that faults pays it. Stateless.
 */
final class PerElementReader {

  private static final Logger LOG = Logger.getLogger(BatchParser.class);
  private static final byte[] TIME = "\"time\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TYPE = "\"type\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RECORD = "\"record\"".getBytes(StandardCharsets.US_ASCII);

  private PerElementReader() {}

  /**
   * Reads {@code b} from {@code from} to its end into {@code batch}.
   *
   * @param inArray {@code from} is an element of a root array, not a root value
   */
  static void readFrom(byte[] b, int from, boolean inArray, ParseBatch batch) {
    int end = b.length;
    int i = from;
    if (inArray) {
      i = readElements(b, i, end, batch);
      if (i < 0) {
        batch.malformedBody = true;
        return;
      }
      i = skipWhitespace(b, i, end);
    }
    while (i < end) {
      int valueEnd;
      if (b[i] == '[') {
        int first = skipWhitespace(b, i + 1, end);
        valueEnd = first < end && b[first] == ']' ? first + 1 : readElements(b, first, end, batch);
      } else {
        valueEnd = valueEnd(b, i, end);
        if (valueEnd > i && b[i] == '{') {
          readElement(b, i, valueEnd, batch);
        } else {
          batch.malformedBody = true; // null, a string, a number... at the root
        }
      }
      if (valueEnd <= i) { // truncated, or a ',' or closer where a value belongs
        batch.malformedBody = true;
        LOG.debugf("Telemetry body malformed at byte %d, after %d events", i, batch.events.size());
        return;
      }
      i = skipWhitespace(b, valueEnd, end);
    }
  }

  /**
   * Reads array elements from the one at {@code from}; returns the index after the array's closing
   * bracket, or -1 when the array is truncated or broken there (the elements read so far stay).
   */
  private static int readElements(byte[] b, int from, int end, ParseBatch batch) {
    int i = from;
    while (i < end) {
      int elementEnd = valueEnd(b, i, end);
      if (elementEnd <= i) {
        return -1;
      }
      readElement(b, i, elementEnd, batch);
      i = skipWhitespace(b, elementEnd, end);
      if (i == end || b[i] == ']') {
        return i == end ? -1 : i + 1;
      }
      if (b[i] != ',') {
        return -1;
      }
      i = skipWhitespace(b, i + 1, end);
    }
    return -1;
  }

  /** Reads the element {@code b[from, to)}: one complete JSON value by {@link JsonBytes#valueEnd}. */
  private static void readElement(byte[] b, int from, int to, ParseBatch batch) {
    if (b[from] != '{') {
      batch.malformed("element is not an object", null); // not parsed, so not checked for syntax
      return;
    }
    try (JsonParser p = batch.json.createParser(b, from, to - from)) {
      batch.readEnvelope(p, p.nextToken());
    } catch (StreamConstraintsException e) { // JsonReader's bounds, or Jackson's own
      LOG.debugf("Telemetry element of %d bytes beyond the reader's bounds: %s", to - from, e.getMessage());
      readOversizedElement(b, from, to, batch);
    } catch (IOException | RuntimeException e) { // not JSON: the element is lost, not its neighbours
      batch.malformedBody = true;
      LOG.debugf("Telemetry element of %d bytes is not JSON: %s", to - from, e.getMessage());
      batch.malformed("element is not JSON", null);
    }
  }

  /**
   * An event object that broke a bound of {@link JsonReader} (too deep, a name or number too long,
   * too many values): its top-level members are found again in the bytes, {@code time} and {@code
   * type} read as usual, and a record that still does not fit is kept as its JSON text, cut to
   * {@link BatchParser#MAX_KEPT_RECORD_BYTES}, so that a hostile log line survives as a text line.
   * Names are matched on their bytes: the platform never escapes {@code time}, {@code type} or
   * {@code record}.
   */
  private static void readOversizedElement(byte[] b, int from, int to, ParseBatch batch) {
    String time = null;
    String type = null;
    int recordFrom = -1;
    int recordTo = -1;
    int i = skipWhitespace(b, from + 1, to);
    while (i < to && b[i] == '"') {
      int nameEnd = stringEnd(b, i, to);
      int colon = nameEnd < 0 ? to : skipWhitespace(b, nameEnd, to);
      if (colon == to || b[colon] != ':') {
        break;
      }
      int valueFrom = skipWhitespace(b, colon + 1, to);
      int valueTo = valueEnd(b, valueFrom, to);
      if (valueTo <= valueFrom) {
        break;
      }
      if (nameIs(b, i, nameEnd, TIME)) {
        time = stringAt(b, valueFrom, valueTo);
      } else if (nameIs(b, i, nameEnd, TYPE)) {
        type = stringAt(b, valueFrom, valueTo);
      } else if (nameIs(b, i, nameEnd, RECORD)) {
        recordFrom = valueFrom;
        recordTo = valueTo;
      }
      i = skipWhitespace(b, valueTo, to);
      if (i == to || b[i] != ',') {
        break;
      }
      i = skipWhitespace(b, i + 1, to);
    }
    JsonValue record = null;
    if (recordFrom >= 0) {
      // The batch's budget is for what functions log: a platform record (the platform's own, few
      // and small) is read whatever is left of it, so that no runtimeDone is lost to a budget.
      JsonReader.Budget budget =
          type != null && RecordDecoder.isKnownPlatformType(type) ? null : batch.budget;
      record = JsonReader.parseOrNull(b, recordFrom, recordTo - recordFrom, budget);
      if (record == null) {
        record = new JsonString(
            JsonBytes.utf8Prefix(b, recordFrom, recordTo, BatchParser.MAX_KEPT_RECORD_BYTES));
      }
    }
    batch.add(time, type, record);
  }
}
