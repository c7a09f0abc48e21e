package dev.lambdatelemetry.otel.telemetry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lambdatelemetry.otel.json.JsonReader;
import dev.lambdatelemetry.otel.telemetry.model.ReportMetrics;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.telemetry.model.Unknown;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Turns one Telemetry API delivery (an HTTP POST body, or one line of the TCP protocol, which is one
 * event object) into typed {@link TelemetryEvent}s, tolerating every shape the platform has been
 * seen to send and many it has not.
 *
 * <p>Why tolerant: a batch that fails to parse cannot be retried into success (Lambda does not
 * resend a batch we answered), and one bad element must not cost its neighbours. So:
 *
 * <ul>
 *   <li>every record field is optional except {@code requestId} on {@code platform.start},
 *       {@code platform.runtimeDone} and {@code platform.report}, which nothing could correlate
 *       without; unknown fields are ignored;
 *   <li>an unknown {@code type} becomes {@link Unknown} (not counted as malformed: legacy and future
 *       types are legitimate); a known {@code platform.*} type whose record is not an object, or lacks
 *       its {@code requestId}, becomes {@link Unknown} and is counted malformed;
 *   <li>an array element that is not an object, or has no non-empty string {@code type}, is skipped
 *       and counted malformed;
 *   <li>numbers are accepted as {@code 694}, {@code 694.0} or a numeric string; a non-integral value
 *       for an integer field is rounded; non-finite values are treated as absent;
 *   <li>a missing or unparseable envelope {@code time} becomes the receive time;
 *   <li>{@code spans[]} elements without a name, a parseable start and a finite non-negative
 *       {@code durationMs} are dropped, their siblings and the parent kept;
 *   <li>a record beyond the bounds of {@link JsonReader} (nesting, name and number lengths, number
 *       of values: a function that logs an untrusted request body as JSON controls its log records),
 *       or read once the batch has read {@link #MAX_VALUES_PER_BATCH} values, is kept as its JSON
 *       text cut to {@link #MAX_KEPT_RECORD_BYTES}: a log line stays a (text) log line, a platform
 *       record becomes {@link Unknown} and is counted malformed; the element's {@code time} and
 *       {@code type} are read as usual;
 *   <li>an element that is not JSON (a syntax error, bad UTF-8) is skipped and counted malformed,
 *       and sets {@link ParseResult#malformedBody()}; the elements after it are still read;
 *   <li>a body that is not JSON, not an array, empty, truncated or badly encoded sets {@link
 *       ParseResult#malformedBody()} and yields every complete element it holds.
 * </ul>
 *
 * <p>Lists in the produced records ({@code spans}, {@code events}, {@code types}) are never null; a
 * report without {@code metrics} gets {@link ReportMetrics#EMPTY}.
 *
 * <p>How one bad element costs only itself. A Jackson parser that has thrown cannot go on, and
 * raising Jackson's constraints to skip anything would let a hostile body grow Jackson's nesting
 * context without bound. So the body is read in two ways, in four parts:
 *
 * <ol>
 *   <li>the fast path, here, always tried first: one streaming parser over the whole body, one
 *       element at a time, only {@code record} values becoming trees (string records, the bulk of a
 *       log-heavy batch, never do); the {@link ParseBatch} is marked before each element;
 *   <li>at the first fault of any kind, the batch rolls back to the mark and {@link
 *       PerElementReader} reads the rest of the body element by element, each with its own parser,
 *       finding where each ends with the byte scan of {@link JsonBytes};
 *   <li>{@link ParseBatch} reads each element's envelope ({@code time}, {@code type}, {@code
 *       record}) for both paths, and {@link RecordDecoder} turns its record into the typed model.
 * </ol>
 *
 * <p>Thread safe: instances hold no mutable state.
 */
public final class BatchParser {

  /**
   * Longest text kept of a record beyond the bounds of {@link JsonReader}, in UTF-8 bytes: enough
   * to see what the function logged, small enough that a hostile record costs little to export.
   */
  static final int MAX_KEPT_RECORD_BYTES = 16 * 1024;

  /**
   * Most values read into the record trees of one delivery (string records are free): about
   * 3.5 MiB of trees at most (measured: 70 bytes per object member, 20 per array element), what a
   * 256 KiB batch of structured logs needs several times over. Past it, a record is kept as text
   * like one beyond a bound of {@link JsonReader}, so that a body of records each just within the
   * bounds cannot fill the 24 MiB heap.
   */
  static final int MAX_VALUES_PER_BATCH = 50_000;

  private static final Logger LOG = Logger.getLogger(BatchParser.class);

  /** Creates a parser (Jackson's streaming factory with {@link JsonReader}'s read constraints). */
  public BatchParser() {}

  /**
   * Parses one delivery: an HTTP POST body (a JSON array of {@code {time, type, record}} events) or
   * one TCP-protocol line (one event object; a trailing line terminator is allowed). A sequence of
   * arrays or objects is accepted too.
   *
   * @param body the raw bytes (UTF-8); null is treated as empty
   * @param receivedAt the time substituted for a missing or unparseable envelope {@code time}
   * @return the events in body order and what was wrong with the rest; never throws
   */
  public ParseResult parse(byte[] body, Instant receivedAt) {
    // The time contract of TelemetryEvent is "never null"; a null receive time is a caller bug, but
    // this method must not throw.
    ParseBatch batch = new ParseBatch(receivedAt != null ? receivedAt : Instant.now());
    if (body == null || body.length == 0) {
      return batch.result(true);
    }
    byte[] b = BodyEncoding.utf8(body);
    int start = JsonBytes.skipWhitespace(b, BodyEncoding.startAfterBom(b), b.length);
    if (start == b.length) {
      return batch.result(true);
    }
    try {
      batch.mark(start, false);
      if (!readWhole(b, batch)) {
        batch.rollBack();
        PerElementReader.readFrom(b, batch.markOffset, batch.markInArray, batch);
      }
    } catch (RuntimeException e) { // defensive: this method never throws
      batch.malformedBody = true;
      LOG.debugf(e, "Telemetry body unreadable after %d events", batch.events.size());
    }
    return batch.result(batch.malformedBody);
  }

  /**
   * The fast path: every root-level value with one parser (arrays contribute their elements,
   * objects are one event each, anything else makes the body malformed), marking the batch at each
   * element so that a fault can be resumed from there. Returns false at the first fault of any kind.
   */
  private static boolean readWhole(byte[] b, ParseBatch batch) {
    try (JsonParser p = batch.json.createParser(b)) {
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        if (token == JsonToken.START_ARRAY) {
          while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
              throw new IOException("unterminated array"); // defensive: Jackson throws first
            }
            batch.mark(tokenOffset(p), true);
            if (token == JsonToken.START_OBJECT) {
              batch.readEnvelope(p, token);
            } else {
              p.skipChildren();
              batch.malformed("element is not an object", null);
            }
          }
        } else {
          batch.mark(tokenOffset(p), false);
          if (token == JsonToken.START_OBJECT) {
            batch.readEnvelope(p, token);
          } else {
            batch.malformedBody = true; // null, a string, a number... at the root
            p.skipChildren();
          }
        }
      }
      return true;
    } catch (IOException | RuntimeException e) { // StreamConstraintsException, JsonParseException...
      LOG.debugf("Telemetry body: fault after %d events, read again by element: %s",
          batch.events.size(), e.getMessage());
      return false;
    }
  }

  private static int tokenOffset(JsonParser p) {
    return (int) p.currentTokenLocation().getByteOffset();
  }

  /**
   * The outcome of parsing one delivery.
   *
   * @param events the events read, in delivery order; never null, unmodifiable
   * @param malformedElements array elements skipped (not an object, not JSON, no usable type) or
   *     turned into {@link Unknown} because their record had the wrong shape (or broke a bound)
   * @param malformedBody the body itself was not a well-formed JSON array or object (not JSON,
   *     truncated, empty, not UTF-8, a bare scalar, an element not JSON); {@code events} then holds
   *     every complete element that could be read
   */
  public record ParseResult(
      List<TelemetryEvent> events, int malformedElements, boolean malformedBody) {

    /** Copies {@code events}, so a result never changes after it is returned. */
    public ParseResult {
      events = List.copyOf(events);
    }
  }
}
