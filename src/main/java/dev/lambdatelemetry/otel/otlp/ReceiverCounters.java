package dev.lambdatelemetry.otel.otlp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the endpoint did with the function's requests, per signal. Items (spans, log records, data
 * points) are known only for a request that decoded; a malformed or too large one is counted as a request.
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

  /** Requests and items of one signal and outcome. */
  public record Count(long requests, long items) {}

  private final Map<Signal, Map<Outcome, LongAdder[]>> counts = new EnumMap<>(Signal.class);

  ReceiverCounters() {
    for (Signal s : Signal.values()) {
      Map<Outcome, LongAdder[]> m = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        m.put(o, new LongAdder[] {new LongAdder(), new LongAdder()});
      }
      counts.put(s, m);
    }
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
