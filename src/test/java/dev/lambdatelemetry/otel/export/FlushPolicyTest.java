package dev.lambdatelemetry.otel.export;

import static dev.lambdatelemetry.otel.export.FlushPolicy.Decision.BACKGROUND;
import static dev.lambdatelemetry.otel.export.FlushPolicy.Decision.FLUSH;
import static dev.lambdatelemetry.otel.export.FlushPolicy.Decision.SKIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.export.FlushPolicy.Adaptive;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FlushPolicyTest {

  private static final Adaptive ADAPTIVE =
      new Adaptive(3, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(5));
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  static Stream<Arguments> strategies() {
    return Stream.of(
        argumentSet("end", "end", new FlushPolicy.End()),
        argumentSet("periodic with short duration", "periodic,30s", new FlushPolicy.Periodic(Duration.ofSeconds(30))),
        argumentSet("periodic with ISO duration", "periodic, PT1M", new FlushPolicy.Periodic(Duration.ofMinutes(1))),
        argumentSet("adaptive", "adaptive", ADAPTIVE),
        argumentSet("continuous default", "continuous", new FlushPolicy.Continuous(Duration.ofSeconds(1))),
        argumentSet("continuous with interval", "continuous,500ms", new FlushPolicy.Continuous(Duration.ofMillis(500))));
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void parse_validStrategy_givesItsValue(String raw, FlushPolicy.Strategy expected) {
    assertThat(FlushPolicy.parse(raw, ADAPTIVE)).isEqualTo(expected);
  }

  static Stream<Arguments> invalidStrategies() {
    return Stream.of(
        argumentSet("unknown name", "sometimes"),
        argumentSet("periodic without interval", "periodic"),
        argumentSet("periodic with bad interval", "periodic,often"),
        // Would pass start-up and then kill the background export thread (Duration.toNanos()).
        argumentSet("continuous with an interval beyond nanoseconds", "continuous,9223372036854775807"),
        argumentSet("end with argument", "end,5s"),
        argumentSet("empty", ""));
  }

  @ParameterizedTest
  @MethodSource("invalidStrategies")
  void parse_invalidStrategy_failsNamingTheProperty(String raw) {
    assertThatThrownBy(() -> FlushPolicy.parse(raw, ADAPTIVE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("lambda-telemetry.export.flush-strategy: ");
  }

  @Test
  void end_everyInvocation_flushesAtEndOnly() {
    FlushPolicy p = new FlushPolicy(new FlushPolicy.End());

    assertThat(p.atInvokeStart(T0)).isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusMillis(5))).isEqualTo(FLUSH);
  }

  @Test
  void periodic_flushesAtEndOnceIntervalPassed() {
    FlushPolicy p = new FlushPolicy(new FlushPolicy.Periodic(Duration.ofSeconds(30)));

    assertThat(p.atInvokeEnd(T0)).as("first invocation").isEqualTo(FLUSH);
    p.flushed(T0);
    assertThat(p.atInvokeEnd(T0.plusSeconds(29))).isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusSeconds(30))).isEqualTo(FLUSH);
  }

  @Test
  void adaptive_theFirstInvocations_flushAtTheirEnd_untilEnoughStartedWithinTheWindow() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE); // frequent from 3 within 60 s

    assertThat(p.atInvokeStart(T0)).isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusMillis(10))).isEqualTo(FLUSH);
    p.flushed(T0.plusMillis(10));
    assertThat(p.atInvokeStart(T0.plusSeconds(1))).isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusSeconds(1))).as("two started: not frequent yet").isEqualTo(FLUSH);
    p.flushed(T0.plusSeconds(1));
    assertThat(p.atInvokeStart(T0.plusSeconds(2))).as("flushed a second ago").isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusSeconds(2))).as("third within the window: frequent").isEqualTo(SKIP);
  }

  @Test
  void adaptive_rareInvocations_everyTenMinutes_alwaysFlushAtTheirEnd_neverInTheBackground() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);

    for (int i = 0; i < 20; i++) {
      Instant start = T0.plus(Duration.ofMinutes(10L * i));
      assertThat(p.atInvokeStart(start)).isEqualTo(SKIP);
      assertThat(p.atInvokeEnd(start.plusMillis(50))).isEqualTo(FLUSH);
      p.flushed(start.plusMillis(60));
    }
  }

  @Test
  void adaptive_manyInvocationsThenAnIdleGapOfTheInterval_theFirstAfterItFlushesAtItsEnd() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);
    for (int i = 0; i < 5; i++) {
      p.atInvokeStart(T0.plusSeconds(i));
      p.atInvokeEnd(T0.plusSeconds(i));
    }
    Instant afterGap = T0.plusSeconds(4 + 10);

    assertThat(p.atInvokeStart(afterGap)).as("still 6 within the window, but 10 s idle").isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(afterGap.plusMillis(5))).isEqualTo(FLUSH);
    assertThat(p.atInvokeStart(afterGap.plusSeconds(1))).as("frequent again").isEqualTo(BACKGROUND);
    assertThat(p.atInvokeEnd(afterGap.plusSeconds(1))).isEqualTo(SKIP);
  }

  @Test
  void adaptive_anEndWhoseStartThePolicyDidNotSee_flushes() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);
    for (int i = 0; i < 5; i++) {
      p.atInvokeStart(T0.plusSeconds(i));
      p.atInvokeEnd(T0.plusSeconds(i));
    }

    assertThat(p.atInvokeEnd(T0.plusSeconds(6))).isEqualTo(FLUSH);
  }

  @Test
  void adaptive_frequentInvocations_flushInTheBackground_whenWaitingForTheNextWouldPassTheInterval() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);
    p.atInvokeStart(T0);
    p.flushed(T0);
    p.atInvokeStart(T0.plusSeconds(1));

    assertThat(p.atInvokeStart(T0.plusSeconds(2))).as("frequent, 2 s since the last flush").isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusSeconds(2))).as("frequent: no end flush").isEqualTo(SKIP);
    assertThat(p.atInvokeStart(T0.plusSeconds(8))).as("the next, 6 s on, would be 14 s after").isEqualTo(BACKGROUND);
    p.flushed(T0.plusSeconds(8));
    assertThat(p.atInvokeStart(T0.plusSeconds(9))).isEqualTo(SKIP);
  }

  @Test
  void adaptive_frequent_aQueueAQuarterFull_flushesInTheBackgroundBeforeTheInterval() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);
    p.atInvokeStart(T0);
    p.flushed(T0);
    p.atInvokeStart(T0.plusSeconds(1));

    assertThat(p.atInvokeStart(T0.plusSeconds(2), 0.2)).as("a fifth full").isEqualTo(SKIP);
    assertThat(p.atInvokeStart(T0.plusSeconds(3), 0.25)).as("a quarter full").isEqualTo(BACKGROUND);
  }

  @Test
  void adaptive_rare_aFullQueue_stillFlushesAtTheEnd_notInTheBackground() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);

    assertThat(p.atInvokeStart(T0, 0.9)).isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusMillis(5))).isEqualTo(FLUSH);
  }

  static Stream<Arguments> steadyRates() {
    return Stream.of(
        argumentSet("one a second", Duration.ofSeconds(1)),
        argumentSet("twenty a second", Duration.ofMillis(50)),
        argumentSet("one every 7 s", Duration.ofSeconds(7)));
  }

  /** A flush in the model below: when it went, and the last invocation whose data it carried. */
  private record Sent(Instant at, int upTo) {}

  /**
   * The freshness promise, on the policy's decisions alone. Invocation i's data is queued by the
   * start of invocation i + 1 (its report comes then), so a flush at its end carries it, a flush at
   * the start of i + 1 may just miss it (the worst case, assumed here), and any later flush has it.
   * It then waits no longer than the interval plus one gap between invocations.
   */
  @ParameterizedTest
  @MethodSource("steadyRates")
  void adaptive_steadyInvocations_noInvocationsDataWaitsLongerThanTheIntervalPlusOneGap(Duration gap) {
    Duration interval = Duration.ofSeconds(10);
    FlushPolicy p = new FlushPolicy(new Adaptive(3, Duration.ofSeconds(60), interval, interval));
    List<Instant> ends = new ArrayList<>();
    List<Sent> sent = new ArrayList<>();
    int count = (int) (Duration.ofMinutes(3).toMillis() / gap.toMillis());
    for (int i = 0; i < count; i++) {
      Instant start = T0.plus(gap.multipliedBy(i));
      if (p.atInvokeStart(start) == BACKGROUND) {
        sent.add(new Sent(start, i - 2));
        p.flushed(start);
      }
      Instant end = start.plusMillis(1);
      if (p.atInvokeEnd(end) == FLUSH) {
        sent.add(new Sent(end, i));
        p.flushed(end);
      }
      ends.add(end);
    }

    Duration longest = Duration.ZERO;
    for (int i = 0; i < ends.size() - 2; i++) {
      int invocation = i;
      Instant end = ends.get(i);
      Instant leaves = sent.stream().filter(f -> f.upTo() >= invocation && !f.at().isBefore(end))
          .map(Sent::at).findFirst().orElse(null);
      if (leaves == null) { // the last ones: left for SHUTDOWN
        assertThat(end).isAfter(ends.get(ends.size() - 1).minus(interval).minus(gap));
        continue;
      }
      Duration waited = Duration.between(end, leaves);
      longest = waited.compareTo(longest) > 0 ? waited : longest;
    }
    assertThat(longest).isLessThanOrEqualTo(interval.plus(gap));
    assertThat(sent.stream().filter(f -> f.upTo() >= 0 && ends.contains(f.at())).count())
        .as("only the first invocations flush at their end").isEqualTo(2);
  }

  @Test
  void adaptive_longInvocationWhenFrequent_getsOneBackstopFlush() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);
    p.atInvokeStart(T0);
    p.flushed(T0);
    p.atInvokeStart(T0.plusSeconds(1));
    Instant start = T0.plusSeconds(2);
    p.atInvokeStart(start);

    assertThat(p.duringInvoke(start, start.plusSeconds(4))).isEqualTo(SKIP);
    assertThat(p.duringInvoke(start, start.plusSeconds(5))).isEqualTo(FLUSH);
    p.flushed(start.plusSeconds(5));
    assertThat(p.duringInvoke(start, start.plusSeconds(9))).as("once per invocation").isEqualTo(SKIP);
  }

  @Test
  void adaptive_longInvocationWhenRare_getsNoBackstop_itFlushesAtItsEnd() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);
    p.atInvokeStart(T0);

    assertThat(p.duringInvoke(T0, T0.plusSeconds(30))).isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusSeconds(31))).isEqualTo(FLUSH);
  }

  @Test
  void continuous_neverAtInvocationBoundaries_butHasBackgroundInterval() {
    FlushPolicy p = new FlushPolicy(new FlushPolicy.Continuous(Duration.ofSeconds(2)));

    assertThat(p.atInvokeStart(T0)).isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0)).isEqualTo(SKIP);
    assertThat(p.backgroundInterval()).contains(Duration.ofSeconds(2));
    assertThat(new FlushPolicy(new FlushPolicy.End()).backgroundInterval()).isEmpty();
  }
}
