package dev.lambdatelemetry.otel.otlp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the endpoint did with the function's requests, per signal. Items (spans, log records, data
 * points) are known only for a request that decoded; a malformed or too large one is counted as a request.
 *
 * <p>Beside the requests' outcomes, what {@link FunctionIntake} discarded of accepted requests
 * ({@link #discarded}): those items were answered as accepted (the SDK must not send them again) but
 * not exported. {@code ACCEPTED} items minus discarded items is what was passed on.
 */
public final class ReceiverCounters {

  /** The fate of a request. */
  public enum Outcome {
    /** Decoded and taken by the sink. */
    ACCEPTED,
    /** Decoded, but the sink was full (or the bodies in flight over their bound): answered partial_success. */
    REJECTED_FULL,
    /** Not a valid OTLP message: 400 / INVALID_ARGUMENT. */
    REJECTED_MALFORMED,
    /** Larger than the body limit (also after gzip inflation): 413 / INVALID_ARGUMENT. */
    REJECTED_TOO_LARGE
  }

  /** Why items of an accepted request were not passed on to export. */
  public enum Discard {
    /** Spans already received (same trace and span id): an SDK sent the request again. */
    DUPLICATE,
    /** Log records received while the function's logs come only through the Telemetry API. */
    FUNCTION_LOGS_OFF
  }

  /** Requests and items of one signal and outcome. */
  public record Count(long requests, long items) {}

  private final Map<Signal, Map<Outcome, LongAdder[]>> counts = new EnumMap<>(Signal.class);
  private final Map<Signal, Map<Discard, LongAdder[]>> discards = new EnumMap<>(Signal.class);

  public ReceiverCounters() {
    for (Signal s : Signal.values()) {
      counts.put(s, adders(Outcome.class));
      discards.put(s, adders(Discard.class));
    }
  }

  private static <E extends Enum<E>> Map<E, LongAdder[]> adders(Class<E> type) {
    Map<E, LongAdder[]> m = new EnumMap<>(type);
    for (E e : type.getEnumConstants()) {
      m.put(e, new LongAdder[] {new LongAdder(), new LongAdder()});
    }
    return m;
  }

  /** Counts {@code items} of one accepted request discarded for {@code why}. */
  void discard(Signal signal, Discard why, int items) {
    LongAdder[] c = discards.get(signal).get(why);
    c[0].increment();
    c[1].add(items);
  }

  /** Accepted requests of which items were discarded for {@code why}, and those items. */
  public Count discarded(Signal signal, Discard why) {
    LongAdder[] c = discards.get(signal).get(why);
    return new Count(c[0].sum(), c[1].sum());
  }

  void add(Signal signal, Outcome outcome, int items) {
    LongAdder[] c = counts.get(signal).get(outcome);
    c[0].increment();
    c[1].add(items);
  }

  public Count get(Signal signal, Outcome outcome) {
    LongAdder[] c = counts.get(signal).get(outcome);
    return new Count(c[0].sum(), c[1].sum());
  }
}
