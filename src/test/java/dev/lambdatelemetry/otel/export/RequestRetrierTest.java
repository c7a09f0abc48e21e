package dev.lambdatelemetry.otel.export;

import static dev.lambdatelemetry.otel.export.ScriptedAnswers.Answer.answerLost;
import static dev.lambdatelemetry.otel.export.ScriptedAnswers.Answer.hangsFor;
import static dev.lambdatelemetry.otel.export.ScriptedAnswers.Answer.noTimeToStart;
import static dev.lambdatelemetry.otel.export.ScriptedAnswers.Answer.ok;
import static dev.lambdatelemetry.otel.export.ScriptedAnswers.Answer.refused;
import static dev.lambdatelemetry.otel.export.ScriptedAnswers.Answer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.export.FlushState.RequestFate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * What becomes of one request: attempts, backoff, {@code Retry-After}, and the fate of its items.
 * Driven by a test clock: a backoff moves the clock, no test waits in real time, no socket is opened.
 */
class RequestRetrierTest {

  private static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
  private static final Duration BREAKER_MAX_WAIT = Duration.ofMinutes(5);
  private static final Duration BUDGET = Duration.ofSeconds(10);
  private static final int ITEMS = 7;

  private final ManualClock clock = new ManualClock();
  private final ExportCounters counters = new ExportCounters(0);
  private final RetryAfterHold hold = new RetryAfterHold(clock, BREAKER_MAX_WAIT);
  private final InFlight inFlight = new InFlight(clock);
  private final AtomicBoolean cancelled = new AtomicBoolean();

  @Test
  void answered_exportedAtTheFirstAttempt() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, ok());
    FlushState state = state(BUDGET);

    assertThat(retrier(3).send(Signal.TRACES, ITEMS, collector, state)).isEqualTo(RequestFate.EXPORTED);
    assertThat(collector.requests()).hasSize(1);
    assertThat(state.attempted).isTrue();
    assertThat(state.collectorFailed).isFalse();
    assertThat(retried()).isZero();
  }

  @Test
  void retryableAnswers_retriedUpToMaxAttemptsThenKept_theFlushFailed() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, status(503, null));
    FlushState state = state(BUDGET);

    RequestFate fate = retrier(3).send(Signal.TRACES, ITEMS, collector, state);

    assertThat(fate).as("certainly not accepted: back to the queue").isEqualTo(RequestFate.KEEP);
    assertThat(collector.requests()).hasSize(3);
    assertThat(retried()).as("each retry counts every item").isEqualTo(2L * ITEMS);
    assertThat(state.collectorFailed).isTrue();
    assertThat(state.stopped).isTrue();
  }

  @Test
  void retryableAnswers_succeedOnARetry_exported() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, refused(), status(502, null), ok());
    FlushState state = state(BUDGET);

    assertThat(retrier(5).send(Signal.LOGS, ITEMS, collector, state)).isEqualTo(RequestFate.EXPORTED);
    assertThat(collector.requests()).hasSize(3);
    assertThat(state.collectorFailed).isFalse();
  }

  @Test
  void backoff_doublesFromTheInitialWithEqualJitter_cappedAtTheMaximum() {
    RequestRetrier low = retrier(10, fixedRandom(0.0));
    RequestRetrier high = retrier(10, fixedRandom(0.999_999));

    assertThat(low.backoff(0)).isEqualTo(Duration.ofMillis(50));
    assertThat(high.backoff(0)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
    assertThat(low.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(low.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(low.backoff(5)).as("capped: half the max").isEqualTo(Duration.ofMillis(500));
    assertThat(high.backoff(30)).isLessThanOrEqualTo(MAX_BACKOFF);
  }

  @Test
  void backoff_waitsBetweenAttemptsGrowWithEachRetry() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, status(503, null));

    retrier(4, fixedRandom(0.0)).send(Signal.TRACES, ITEMS, collector, state(BUDGET));

    assertThat(clock.pauses()).containsExactly(
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(collector.requests().get(3)).isEqualTo(ManualClock.T0.plusMillis(350));
  }

  @Test
  void retryAfter_isWaitedInsteadOfTheBackoff_andHoldsTheSignalBackUntilThen() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, status(429, "2"), ok());
    FlushState state = state(BUDGET);

    RequestFate fate = retrier(3).send(Signal.TRACES, ITEMS, collector, state);

    assertThat(fate).isEqualTo(RequestFate.EXPORTED);
    assertThat(clock.pauses()).containsExactly(Duration.ofSeconds(2));
    assertThat(collector.requests().get(1)).isEqualTo(ManualClock.T0.plusSeconds(2));
    assertThat(hold.holds(Signal.TRACES, state(BUDGET))).as("the time named has come").isFalse();
  }

  @Test
  void retryAfterBeyondTheDeadline_noWaitNoRetry_itemsKeptAndTheSignalHeldBack() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, status(429, "30"));
    FlushState state = state(BUDGET);

    RequestFate fate = retrier(3).send(Signal.TRACES, ITEMS, collector, state);

    assertThat(fate).isEqualTo(RequestFate.KEEP);
    assertThat(collector.requests()).hasSize(1);
    assertThat(clock.pauses()).isEmpty();
    assertThat(state.collectorFailed).isTrue();
    clock.advance(Duration.ofSeconds(29));
    FlushState later = state(BUDGET);
    assertThat(hold.holds(Signal.TRACES, later)).as("still before the time named").isTrue();
    assertThat(later.heldBack).isTrue();
    assertThat(hold.holds(Signal.LOGS, later)).as("another signal goes").isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(hold.holds(Signal.TRACES, state(BUDGET))).isFalse();
  }

  @Test
  void retryAfterOfAnHour_holdsTheSignalBackAMinuteAtMost() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, status(429, "3600"));

    retrier(3).send(Signal.TRACES, ITEMS, collector, state(BUDGET));

    clock.advance(Duration.ofSeconds(RetryAfterHold.MAX_RETRY_AFTER_S).minusMillis(1));
    assertThat(hold.holds(Signal.TRACES, state(BUDGET))).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(hold.holds(Signal.TRACES, state(BUDGET))).isFalse();
  }

  @Test
  void retryAfterHold_neverLongerThanTheBreakersLongestWait() {
    RetryAfterHold shortBreaker = new RetryAfterHold(clock, Duration.ofSeconds(10));

    shortBreaker.hold(Signal.METRICS, Duration.ofSeconds(45));

    assertThat(shortBreaker.cap()).isEqualTo(Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(10));
    assertThat(shortBreaker.holds(Signal.METRICS, state(BUDGET))).isFalse();
  }

  @Test
  void answerLost_sentOnceMore_thenAbandonedHoweverManyAttemptsAreLeft() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, answerLost());
    FlushState state = state(BUDGET);

    RequestFate fate = retrier(10).send(Signal.TRACES, ITEMS, collector, state);

    assertThat(fate).as("the collector may have it: never sent a third time").isEqualTo(RequestFate.ABANDONED);
    assertThat(collector.requests()).hasSize(2);
    assertThat(retried()).isEqualTo(ITEMS);
    assertThat(state.collectorFailed).isTrue();
  }

  @Test
  void answerLostThenRetryableUntilTheAttemptsAreSpent_abandonedNotKept() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, answerLost(), status(503, null));

    RequestFate fate = retrier(3).send(Signal.TRACES, ITEMS, collector, state(BUDGET));

    assertThat(fate).as("one of its attempts may have arrived").isEqualTo(RequestFate.ABANDONED);
    assertThat(collector.requests()).hasSize(3);
  }

  @Test
  void answerLostWithNoTimeLeftForTheRetry_abandoned() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, answerLost());

    RequestFate fate =
        retrier(3, fixedRandom(0.0)).send(Signal.TRACES, ITEMS, collector, state(Duration.ofMillis(40)));

    assertThat(fate).isEqualTo(RequestFate.ABANDONED);
    assertThat(collector.requests()).hasSize(1);
  }

  @Test
  void rejected_notRetried_recordedForTheFlushsWarning() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, status(400, null));
    FlushState state = state(BUDGET);

    RequestFate fate = retrier(3).send(Signal.LOGS, ITEMS, collector, state);

    assertThat(fate).isEqualTo(RequestFate.REJECTED);
    assertThat(collector.requests()).hasSize(1);
    assertThat(state.rejections).containsExactly(new FlushState.Rejection(Signal.LOGS, ITEMS, "HTTP 400"));
    assertThat(state.collectorFailed).as("it answered: not an outage").isFalse();
  }

  @Test
  void lessThanTheMinimumAttemptTimeLeft_notStarted_theFlushNotFailed() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, ok());
    FlushState state = state(RequestRetrier.MIN_ATTEMPT_TIME.minusNanos(1));

    RequestFate fate = retrier(3).send(Signal.TRACES, ITEMS, collector, state);

    assertThat(fate).isEqualTo(RequestFate.NOT_SENT);
    assertThat(collector.requests()).isEmpty();
    assertThat(state.attempted).isFalse();
    assertThat(state.collectorFailed).isFalse();
    assertThat(state.stopped).isTrue();
  }

  @Test
  void senderFindsNoTimeToStartARetry_keptAndTheFlushFailed() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, status(503, null), noTimeToStart());
    FlushState state = state(BUDGET);

    RequestFate fate = retrier(3).send(Signal.TRACES, ITEMS, collector, state);

    assertThat(fate).isEqualTo(RequestFate.KEEP);
    assertThat(state.collectorFailed).as("the breaker must hear of the failed attempt").isTrue();
  }

  @Test
  void stillRunningAtTheDeadline_cutAtOnceAndAbandoned() {
    FlushState state = state(Duration.ofMillis(300));
    CompletableFuture<Void> request = new CompletableFuture<>();
    inFlight.open(state.deadline);
    inFlight.register(request);
    ScriptedAnswers collector = new ScriptedAnswers(clock, hangsFor(Duration.ofMillis(301)));

    RequestFate fate = retrier(3).send(Signal.TRACES, ITEMS, collector, state);

    assertThat(fate).isEqualTo(RequestFate.ABANDONED);
    assertThat(request).as("nothing of it survives into a freeze").isCancelled();
    assertThat(inFlight.size()).isZero();
    assertThat(state.collectorFailed).isTrue();
  }

  @Test
  void cancelledByThePipeline_noFurtherAttempt_keptWithoutFailingTheFlush() {
    ScriptedAnswers collector = new ScriptedAnswers(clock, status(503, null));
    FlushState state = state(BUDGET);
    cancelled.set(true);

    RequestFate fate = retrier(3).send(Signal.TRACES, ITEMS, collector, state);

    assertThat(fate).isEqualTo(RequestFate.KEEP);
    assertThat(collector.requests()).hasSize(1);
    assertThat(state.collectorFailed).as("a stop is not the collector's doing").isFalse();
  }

  @Test
  void exporterThrows_rejectedWithTheError() {
    FlushState state = state(BUDGET);
    IllegalStateException bug = new IllegalStateException("bug");

    RequestFate fate = retrier(3).send(Signal.TRACES, ITEMS, () -> {
      throw bug;
    }, state);

    assertThat(fate).isEqualTo(RequestFate.REJECTED);
    assertThat(state.error).isSameAs(bug);
  }

  private FlushState state(Duration budget) {
    return new FlushState(clock.instant().plus(budget), cancelled::get);
  }

  private RequestRetrier retrier(int maxAttempts) {
    return retrier(maxAttempts, fixedRandom(0.5));
  }

  private RequestRetrier retrier(int maxAttempts, RandomGenerator random) {
    return new RequestRetrier(clock, clock.pause(), random, hold, inFlight, counters,
        new RequestRetrier.RetryPolicy(maxAttempts, INITIAL_BACKOFF, MAX_BACKOFF));
  }

  private long retried() {
    return counters.get(Signal.TRACES, Outcome.RETRIED) + counters.get(Signal.LOGS, Outcome.RETRIED);
  }

  private static RandomGenerator fixedRandom(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }
}
