package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.export.FlushPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * One invocation as a specification, on a fake clock: a flush budget of 100 ms (250 ms for the
 * first flush), a deadline margin of 100 ms, invocations that time out 3 s after they start.
 */
class InvocationFlowTest {

  private static final InvocationFlow.Settings SETTINGS = new InvocationFlow.Settings(
      Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMillis(100),
      Duration.ofMillis(250));

  private final FakeClock clock = new FakeClock();
  private final FakeBarrier barrier = new FakeBarrier(clock);
  private final FakeTelemetrySide side = new FakeTelemetrySide(clock, new FlushPolicy.End());
  private final Instant start = clock.now();

  @Test
  void theConverterHearsOfTheInvoke_thenTheFlowWaitsForRuntimeDone_thenFlushes() throws Exception {
    clock.schedule(Duration.ofMillis(400), () -> barrier.runtimeDone("r1"));

    flow(Ready.of(side, clock), TelemetryMode.PLATFORM_EVENTS).run(invoke("r1"));

    assertThat(side.names()).containsExactly("onInvoke r1", "flush");
    assertThat(side.first("flush").at()).isEqualTo(start.plusMillis(400));
  }

  @Test
  void theFirstFlushGetsTheLargerBudgetOnce_thenEveryFlushTheSmallOne() throws Exception {
    InvocationFlow flow = flow(Ready.of(side, clock), TelemetryMode.NO_TELEMETRY);
    side.taking("flush", Duration.ofMillis(250)); // a collector that hangs: the budget runs out

    flow.run(invoke("r1"));
    Instant second = clock.now();
    flow.run(invoke("r2"));
    Instant third = clock.now();
    flow.run(invoke("r3"));

    assertThat(side.calls).filteredOn(c -> c.name().equals("flush"))
        .extracting(FakeTelemetrySide.Call::deadline)
        .containsExactly(start.plusMillis(250), second.plusMillis(100), third.plusMillis(100));
  }

  @Test
  void theWaitForReadiness_isInsideTheBudget_notOnTopOfIt() throws Exception {
    Ready<TelemetrySide> ready = new Ready<>(clock);
    // ready after the INVOKE gave up on it (0.5 s), while the flow waits to flush
    clock.schedule(Duration.ofMillis(600), () -> ready.complete(side));

    flow(ready, TelemetryMode.NO_TELEMETRY).run(invoke("r1"));

    Instant handedOver = start.plus(InvocationFlow.INVOKE_START_WAIT);
    assertThat(side.names()).containsExactly("flush");
    assertThat(side.first("flush").at()).isEqualTo(start.plusMillis(600));
    assertThat(side.first("flush").deadline()).isEqualTo(handedOver.plusMillis(250));
  }

  @Test
  void aBudgetSpentWaitingForReadiness_skipsTheFlush_andKeepsTheLargerBudgetForLater()
      throws Exception {
    Ready<TelemetrySide> ready = new Ready<>(clock);
    clock.schedule(Duration.ofMillis(800), () -> ready.complete(side));
    InvocationFlow flow = flow(ready, TelemetryMode.NO_TELEMETRY);

    flow.run(invoke("r1"));
    Instant next = clock.now();
    flow.run(invoke("r2"));

    assertThat(side.calls).filteredOn(c -> c.name().equals("flush"))
        .extracting(FakeTelemetrySide.Call::deadline)
        .containsExactly(next.plusMillis(250));
  }

  @Test
  void aTelemetrySideNotReadyByTheDeadline_isSkipped_andTheFlowReturnsByTheDeadline()
      throws Exception {
    flow(new Ready<>(clock), TelemetryMode.PLATFORM_EVENTS).run(invoke("r1"));

    assertThat(side.calls).isEmpty();
    assertThat(clock.now()).isBeforeOrEqualTo(start.plusMillis(2900));
  }

  @Test
  void aRuntimeDoneThatNeverComes_isWaitedForInSlices_untilTheDeadlineLessTheMargin()
      throws Exception {
    flow(Ready.of(side, clock), TelemetryMode.PLATFORM_EVENTS).run(invoke("r1"));

    assertThat(barrier.runtimeDoneWaits).containsExactly(
        clock.nanosAt(start.plusMillis(1000)), clock.nanosAt(start.plusMillis(2000)),
        clock.nanosAt(start.plusMillis(2900)));
    assertThat(clock.now()).isEqualTo(start.plusMillis(2900));
    assertThat(side.names()).as("no budget left to flush").containsExactly("onInvoke r1");
  }

  @Test
  void theWaitForRuntimeDone_endsAtMaxWait_whenThatComesFirst() throws Exception {
    InvocationFlow.Settings shortWait = new InvocationFlow.Settings(Duration.ofMillis(1500),
        Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(250));
    new InvocationFlow(Ready.of(side, clock), barrier, shortWait, TelemetryMode.PLATFORM_EVENTS,
        new FailOpen(), clock).run(invoke("r1"));

    assertThat(barrier.runtimeDoneWaits).last().isEqualTo(clock.nanosAt(start.plusMillis(1500)));
    assertThat(side.first("flush").at()).isEqualTo(start.plusMillis(1500));
  }

  @Test
  void withoutPlatformEvents_noWait_theFlushComesAtOnce() throws Exception {
    flow(Ready.of(side, clock), TelemetryMode.TELEMETRY_WITHOUT_PLATFORM_EVENTS).run(invoke("r1"));

    assertThat(barrier.runtimeDoneWaits).isEmpty();
    assertThat(side.first("flush").at()).isEqualTo(start);
  }

  @Test
  void aLongInvocation_getsTheAdaptiveBackstopFlush_whileTheFlowWaits() throws Exception {
    FakeTelemetrySide adaptive = new FakeTelemetrySide(clock,
        new FlushPolicy.Adaptive(1, Duration.ofMinutes(1), Duration.ofSeconds(10),
            Duration.ofMillis(1500)));
    InvocationFlow flow = flow(Ready.of(adaptive, clock), TelemetryMode.PLATFORM_EVENTS);
    barrier.runtimeDone("r1");
    flow.run(invoke("r1")); // frequent from the first: flushes at its start
    clock.advance(Duration.ofSeconds(1));
    Instant secondStart = clock.now();
    clock.schedule(Duration.ofMillis(2500), () -> barrier.runtimeDone("r2"));

    flow.run(invoke("r2"));

    assertThat(adaptive.names())
        .containsExactly("onInvoke r1", "flush", "onInvoke r2", "flush");
    FakeTelemetrySide.Call backstop = adaptive.calls.get(3);
    assertThat(backstop.at()).isEqualTo(secondStart.plusSeconds(2)); // past the 1.5 s backstop
    assertThat(backstop.deadline()).isEqualTo(backstop.at().plusMillis(100));
  }

  @Test
  void adaptiveWhenFrequent_theFlushRunsInTheBackgroundDuringTheInvocation_andIsSettledBeforeNext()
      throws Exception {
    FakeTelemetrySide adaptive = new FakeTelemetrySide(clock,
        new FlushPolicy.Adaptive(2, Duration.ofMinutes(1), Duration.ofSeconds(10),
            Duration.ofSeconds(10)));
    InvocationFlow flow = flow(Ready.of(adaptive, clock), TelemetryMode.PLATFORM_EVENTS);
    barrier.runtimeDone("r1");
    flow.run(invoke("r1")); // rare so far: flushes at its end
    clock.advance(Duration.ofSeconds(9));
    Instant secondStart = clock.now();
    clock.schedule(Duration.ofMillis(30), () -> barrier.runtimeDone("r2"));

    flow.run(invoke("r2"));

    assertThat(adaptive.names()).containsExactly("onInvoke r1", "flush", "onInvoke r2",
        "flushInBackground", "settleBackground");
    FakeTelemetrySide.Call background = adaptive.first("flushInBackground");
    assertThat(background.at()).isEqualTo(secondStart);
    assertThat(background.deadline()).as("as long as the invocation may run")
        .isEqualTo(secondStart.plusSeconds(3).minusMillis(100));
    FakeTelemetrySide.Call settle = adaptive.first("settleBackground");
    assertThat(settle.at()).isEqualTo(secondStart.plusMillis(30));
    assertThat(settle.deadline()).as("the end-of-invocation flush's own budget")
        .isEqualTo(secondStart.plusMillis(30).plusMillis(100));
  }

  @Test
  void adaptiveWhenFrequent_aQueueFillingUp_isFlushedInTheBackgroundBeforeTheInterval() throws Exception {
    FakeTelemetrySide adaptive = new FakeTelemetrySide(clock,
        new FlushPolicy.Adaptive(2, Duration.ofMinutes(1), Duration.ofSeconds(10),
            Duration.ofSeconds(10)));
    InvocationFlow flow = flow(Ready.of(adaptive, clock), TelemetryMode.NO_TELEMETRY);
    flow.run(invoke("r1")); // flushes at its end
    clock.advance(Duration.ofSeconds(1));
    flow.run(invoke("r2")); // frequent, interval far: nothing
    clock.advance(Duration.ofSeconds(1));
    adaptive.pendingShare = 0.5;

    flow.run(invoke("r3"));

    assertThat(adaptive.names()).containsExactly("onInvoke r1", "flush", "onInvoke r2", "onInvoke r3",
        "flushInBackground", "settleBackground");
  }

  @Test
  void adaptiveWhenFrequent_aBackgroundFlushThatDidNotStart_isAskedForAgainAtTheNextStart() throws Exception {
    FakeTelemetrySide adaptive = new FakeTelemetrySide(clock,
        new FlushPolicy.Adaptive(2, Duration.ofMinutes(1), Duration.ofSeconds(10),
            Duration.ofSeconds(10)));
    InvocationFlow flow = flow(Ready.of(adaptive, clock), TelemetryMode.NO_TELEMETRY);
    flow.run(invoke("r1"));
    clock.advance(Duration.ofSeconds(9));
    adaptive.backgroundStarts = false;
    flow.run(invoke("r2"));
    adaptive.backgroundStarts = true;
    clock.advance(Duration.ofSeconds(1));

    flow.run(invoke("r3"));

    assertThat(adaptive.names()).containsExactly("onInvoke r1", "flush", "onInvoke r2",
        "flushInBackground", "settleBackground", "onInvoke r3", "flushInBackground", "settleBackground");
  }

  @Test
  void continuousOnAnEnvironmentThatFreezes_isSettledAtEveryInvocationsEnd() throws Exception {
    FakeTelemetrySide continuous =
        new FakeTelemetrySide(clock, new FlushPolicy.Continuous(Duration.ofSeconds(1)));
    barrier.runtimeDone("r1");

    flow(Ready.of(continuous, clock), TelemetryMode.PLATFORM_EVENTS).run(invoke("r1"));

    assertThat(continuous.names()).containsExactly("onInvoke r1", "settleBackground");
    assertThat(continuous.first("settleBackground").deadline()).isEqualTo(start.plusMillis(100));
  }

  @Test
  void endStrategy_neverStartsNorSettlesABackgroundFlush() throws Exception {
    barrier.runtimeDone("r1");

    flow(Ready.of(side, clock), TelemetryMode.PLATFORM_EVENTS).run(invoke("r1"));

    assertThat(side.names()).doesNotContain("flushInBackground", "settleBackground");
  }

  @Test
  void stepsThatThrow_doNotStopTheFlow() throws Exception {
    side.during("onInvoke r1", () -> {
      throw new StackOverflowError("deep");
    });
    barrier.runtimeDone("r1");

    flow(Ready.of(side, clock), TelemetryMode.PLATFORM_EVENTS).run(invoke("r1"));

    assertThat(side.names()).containsExactly("onInvoke r1", "flush");
  }

  private InvocationFlow flow(Ready<TelemetrySide> ready, TelemetryMode mode) {
    return new InvocationFlow(ready, barrier, SETTINGS, mode, new FailOpen(), clock);
  }

  private NextEvent.Invoke invoke(String requestId) {
    return new NextEvent.Invoke(requestId, clock.now().plusSeconds(3).toEpochMilli(),
        "arn:aws:lambda:us-east-1:123456789012:function:fn", null);
  }
}
