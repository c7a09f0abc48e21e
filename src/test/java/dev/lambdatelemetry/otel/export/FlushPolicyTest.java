package dev.lambdatelemetry.otel.export;

import static dev.lambdatelemetry.otel.export.FlushPolicy.Decision.FLUSH;
import static dev.lambdatelemetry.otel.export.FlushPolicy.Decision.SKIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.lambdatelemetry.otel.export.FlushPolicy.Adaptive;
import java.time.Duration;
import java.time.Instant;
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
  void adaptive_infrequentInvocations_flushAtEnd() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);

    assertThat(p.atInvokeStart(T0)).isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusMillis(10))).isEqualTo(FLUSH);
    p.flushed(T0.plusMillis(10));
    assertThat(p.atInvokeStart(T0.plusSeconds(61))).isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusSeconds(61))).isEqualTo(FLUSH);
  }

  @Test
  void adaptive_frequentInvocations_flushAtStartAtMostEveryInterval() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);
    p.atInvokeStart(T0);
    p.flushed(T0);
    p.atInvokeStart(T0.plusSeconds(1));

    assertThat(p.atInvokeStart(T0.plusSeconds(2))).as("third start within window, interval not passed").isEqualTo(SKIP);
    assertThat(p.atInvokeEnd(T0.plusSeconds(2))).as("frequent: no end flush").isEqualTo(SKIP);
    assertThat(p.atInvokeStart(T0.plusSeconds(10))).as("interval passed").isEqualTo(FLUSH);
    p.flushed(T0.plusSeconds(10));
    assertThat(p.atInvokeStart(T0.plusSeconds(11))).isEqualTo(SKIP);
  }

  @Test
  void adaptive_longInvocationWhenFrequent_getsOneBackstopFlush() {
    FlushPolicy p = new FlushPolicy(ADAPTIVE);
    p.atInvokeStart(T0);
    p.atInvokeStart(T0.plusSeconds(1));
    Instant start = T0.plusSeconds(2);
    p.atInvokeStart(start);

    assertThat(p.duringInvoke(start, start.plusSeconds(4))).isEqualTo(SKIP);
    assertThat(p.duringInvoke(start, start.plusSeconds(5))).isEqualTo(FLUSH);
    p.flushed(start.plusSeconds(5));
    assertThat(p.duringInvoke(start, start.plusSeconds(9))).as("once per invocation").isEqualTo(SKIP);
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
