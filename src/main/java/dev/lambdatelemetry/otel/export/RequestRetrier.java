package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.export.ExportCounters.Source;
import dev.lambdatelemetry.otel.export.FlushState.Rejection;
import dev.lambdatelemetry.otel.export.FlushState.RequestFate;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One request, from its first attempt to its fate ({@link RequestFate}), inside the flush's deadline:
 * the attempts and their backoff (exponential with jitter, or the collector's {@code Retry-After},
 * which also holds the signal back across flushes through {@link RetryAfterHold}), the classification
 * of each failure ({@link FailureClass}), and what the flush learns of the collector (written to its
 * {@link FlushState}, from which the breaker is fed at the flush's end).
 *
 * <p>Its own type because these are the decisions that keep an item from being lost uncounted or sent
 * twice, and they read (and are tested, with a test clock and {@link Pause}) apart from the queues and
 * threads of a flush:
 *
 * <ul>
 *   <li>A request with less than {@link #MIN_ATTEMPT_TIME} left is not started: its items stay queued
 *       ({@code NOT_SENT} on a first attempt, {@code KEEP} after a failed one, which fails the flush).
 *   <li>A request still running at the deadline is cut at once (every request in flight is cancelled,
 *       so nothing of it survives into a freeze): {@code ABANDONED}, never sent again.
 *   <li>A request whose answer was lost after it was written is sent once more; a second loss, or no
 *       time for the retry, abandons it: an item reaches the collector at most twice.
 *   <li>A retryable answer is retried up to {@code max-attempts}, each retry counted {@code retried},
 *       as long as the wait and the next attempt fit before the deadline; then {@code KEEP}.
 * </ul>
 *
 * <p>Thread-safe: the traces and logs parts of a flush call it side by side, each with its own state.
 */
final class RequestRetrier {

  /** A request with less time than this is not started: it could only be abandoned. */
  static final Duration MIN_ATTEMPT_TIME = Duration.ofMillis(2);

  /** Backoff doubling stops here; the cap of {@code max-backoff} comes long before. */
  private static final int MAX_DOUBLINGS = 20;

  private final Clock clock;
  private final Pause pause;
  private final RandomGenerator random;
  private final RetryAfterHold hold;
  private final InFlight inFlight;
  private final ExportCounters counters;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  RequestRetrier(
      Clock clock,
      Pause pause,
      RandomGenerator random,
      RetryAfterHold hold,
      InFlight inFlight,
      ExportCounters counters,
      RetryPolicy policy) {
    this.clock = clock;
    this.pause = pause;
    this.random = random;
    this.hold = hold;
    this.inFlight = inFlight;
    this.counters = counters;
    this.maxAttempts = policy.maxAttempts();
    this.initialBackoff = policy.initialBackoff();
    this.maxBackoff = policy.maxBackoff();
  }

  /** The retry settings ({@code lambda-telemetry.export.retry.*}), checked at start-up. */
  record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {}

  /**
   * Sends {@code call}'s request of {@code items} items of {@code signal}, retrying inside {@code
   * state}'s deadline, and says what became of it.
   */
  RequestFate send(Signal signal, int items, Supplier<CompletableResultCode> call, FlushState state) {
    return send(Source.PLATFORM, signal, items, call, state);
  }

  /** As {@link #send(Signal, int, Supplier, FlushState)}, its retries counted under {@code source}. */
  RequestFate send(
      Source source, Signal signal, int items, Supplier<CompletableResultCode> call, FlushState state) {
    boolean answerLost = false; // sent once already with an unknown outcome: never kept after
    for (int attempt = 1; ; attempt++) {
      if (Duration.between(clock.instant(), state.deadline).compareTo(MIN_ATTEMPT_TIME) < 0) {
        return notStarted(attempt, answerLost, state);
      }
      CompletableResultCode code;
      try {
        code = call.get();
      } catch (RuntimeException e) {
        state.attempted = true;
        state.error = e;
        return RequestFate.REJECTED;
      }
      // Marshalling and encoding in call.get() took some of the time: wait only for what is left.
      Duration untilDeadline = Duration.between(clock.instant(), state.deadline);
      if (!untilDeadline.isNegative()) {
        code.join(untilDeadline.toNanos(), TimeUnit.NANOSECONDS);
      }
      if (!code.isDone()) {
        // Cut at the deadline: cancel now so that nothing of it survives into a freeze.
        state.attempted = true;
        inFlight.abandonAll();
        return state.abandoned();
      }
      if (code.isSuccess()) {
        state.attempted = true;
        return RequestFate.EXPORTED;
      }
      FailureClass failure = FailureClass.of(code.getFailureThrowable());
      if (failure.kind() == FailureClass.Kind.NOT_SENT) {
        return notStarted(attempt, answerLost, state);
      }
      // Only a request that was started says anything of the collector (for the breaker).
      state.attempted = true;
      state.lastFailure = failure.detail();
      switch (failure.kind()) {
        case REJECTED:
          state.rejections.add(new Rejection(signal, items, failure.detail()));
          return RequestFate.REJECTED;
        case UNKNOWN:
          return state.abandoned();
        case ANSWER_LOST:
          if (answerLost) {
            return state.abandoned(); // the one retry of an unknown outcome is spent
          }
          answerLost = true;
          break;
        case RETRYABLE:
        default:
          break;
      }
      failure.retryAfter().ifPresent(d -> hold.hold(signal, d));
      int doublings = attempt - 1;
      Duration wait = failure.retryAfter().orElseGet(() -> backoff(doublings));
      if (wait.compareTo(hold.cap()) > 0) {
        wait = hold.cap();
      }
      Instant next = clock.instant().plus(wait).plus(MIN_ATTEMPT_TIME);
      RequestFate unsent = answerLost ? RequestFate.ABANDONED : RequestFate.KEEP;
      if (attempt >= maxAttempts || !next.isBefore(state.deadline)) {
        state.stopped = true;
        state.collectorFailed = true;
        return unsent;
      }
      if (state.cancelled.getAsBoolean()) {
        state.stopped = true;
        return unsent;
      }
      counters.add(source, signal, Outcome.RETRIED, items);
      if (!pause.await(wait, state.cancelled)) {
        state.stopped = true;
        return unsent;
      }
    }
  }

  /**
   * A request not started (no time left for it, before or after encoding). Its items stay queued,
   * unless an earlier attempt's answer was lost (then its fate is unknown: abandoned). After a
   * failed attempt the flush has failed: nothing was acknowledged, and the breaker must hear of it
   * (not take the stop for a collector that answers).
   */
  private static RequestFate notStarted(int attempt, boolean answerLost, FlushState state) {
    state.stopped = true;
    if (answerLost) {
      return state.abandoned();
    }
    if (attempt == 1) {
      return RequestFate.NOT_SENT;
    }
    state.collectorFailed = true;
    return RequestFate.KEEP;
  }

  /** Exponential backoff with "equal jitter": uniform in [d/2, d], d = initial × 2^n capped. */
  Duration backoff(int n) {
    long base = Math.min(maxBackoff.toNanos(), initialBackoff.toNanos() << Math.min(n, MAX_DOUBLINGS));
    long half = Math.max(1, base / 2);
    return Duration.ofNanos(half + (long) (random.nextDouble() * half));
  }
}
