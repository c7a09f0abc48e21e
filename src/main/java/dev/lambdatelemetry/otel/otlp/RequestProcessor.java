package dev.lambdatelemetry.otel.otlp;

import dev.lambdatelemetry.otel.otlp.ReceiverCounters.Outcome;
import java.time.Clock;

/**
 * What both transports do with a received body: inflate (bounded), convert JSON, check and split
 * ({@link ExportRequestDecoder}), offer to the sink, count. Runs on the event-loop thread that read the
 * request; returns the answer at once.
 */
final class RequestProcessor {

  /** The answer to give, in transport-neutral terms. */
  sealed interface Answer {
    /** Taken (200 / OK); {@code rejected} items dropped with {@code message} as a partial success. */
    record Accepted(Signal signal, long rejected, String message) implements Answer {
      boolean partial() {
        return message != null;
      }
    }

    /** Not a valid OTLP message (400 / INVALID_ARGUMENT). */
    record Malformed(String message) implements Answer {}

    /** Larger than the limit (413 / INVALID_ARGUMENT). */
    record TooLarge(String message) implements Answer {}
  }

  private final OtlpSettings settings;
  private final OtlpSink sink;
  private final ReceiverCounters counters;
  private final InFlightBudget budget;
  private final Clock clock;

  RequestProcessor(OtlpSettings settings, OtlpSink sink, ReceiverCounters counters,
      InFlightBudget budget, Clock clock) {
    this.settings = settings;
    this.sink = sink;
    this.counters = counters;
    this.budget = budget;
    this.clock = clock;
  }

  BoundedBody newBody() {
    return newBody(0);
  }

  /** A body of at most the limit plus {@code framing} bytes (gRPC's 5-byte message prefix). */
  BoundedBody newBody(int framing) {
    return new BoundedBody(settings.maxBodyBytes() + framing, budget);
  }

  /**
   * Processes a completely received body whose message starts at {@code offset}, then releases it.
   */
  Answer process(Signal signal, boolean json, boolean gzip, BoundedBody body, int offset) {
    BoundedBody inflated = null;
    try {
      switch (body.state()) {
        case TOO_LARGE -> {
          return tooLarge(signal);
        }
        case OVER_BUDGET -> {
          return overBudget(signal);
        }
        default -> { }
      }
      byte[] bytes = body.array();
      int start = offset;
      int length = body.length() - offset;
      if (gzip) {
        inflated = newBody();
        Gzip.inflate(bytes, start, length, inflated);
        if (inflated.state() == BoundedBody.State.TOO_LARGE) {
          return tooLarge(signal);
        }
        if (inflated.state() == BoundedBody.State.OVER_BUDGET) {
          return overBudget(signal);
        }
        body.release();
        bytes = inflated.array();
        start = 0;
        length = inflated.length();
      }
      if (json) {
        bytes = JsonTranscoder.toProtobuf(signal, bytes, start, length, settings.maxBodyBytes());
        start = 0;
        length = bytes.length;
      }
      ExportRequestDecoder.Decoded d = ExportRequestDecoder.decode(signal, bytes, start, length);
      ReceivedBatch batch = new ReceivedBatch(signal, d.resources(), d.items(), d.bytes(), clock.instant());
      if (d.items() == 0 && d.resources().isEmpty()) {
        counters.add(signal, Outcome.ACCEPTED, 0);
        return new Answer.Accepted(signal, 0, null);
      }
      if (sink.offer(batch)) {
        counters.add(signal, Outcome.ACCEPTED, d.items());
        return new Answer.Accepted(signal, 0, null);
      }
      counters.add(signal, Outcome.REJECTED_FULL, d.items());
      return new Answer.Accepted(signal, d.items(),
          "the extension's queue is full: " + d.items() + " " + signal.itemName() + " dropped");
    } catch (MalformedMessageException e) {
      counters.add(signal, Outcome.REJECTED_MALFORMED, 0);
      return new Answer.Malformed(e.getMessage());
    } catch (WireWriter.TooLargeException e) {
      return tooLarge(signal);
    } finally {
      body.release();
      if (inflated != null) {
        inflated.release();
      }
    }
  }

  private Answer tooLarge(Signal signal) {
    counters.add(signal, Outcome.REJECTED_TOO_LARGE, 0);
    return new Answer.TooLarge("request body larger than " + settings.maxBodyBytes() + " bytes");
  }

  private Answer overBudget(Signal signal) {
    // Items unknown (the body was not kept): rejected count 0 with a message, which OTLP reads as
    // "accepted with a warning"; the SDK does not retry it, which is the point.
    counters.add(signal, Outcome.REJECTED_FULL, 0);
    return new Answer.Accepted(signal, 0, "the extension is receiving too much at once: request dropped");
  }
}
