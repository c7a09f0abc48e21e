package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.export.FlushPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * SHUTDOWN as a specification, on a fake clock: the SHUTDOWN event's deadline is 2 s away, the
 * safety margin 0.5 s, so the deadline is at 1.5 s, waits for telemetry end at 1 s (the export's
 * reserve), and no round starts after one that ended past 1.3 s.
 */
class ShutdownSequenceTest {

  private static final ShutdownSequence.Settings SETTINGS =
      new ShutdownSequence.Settings(Duration.ofMillis(300), Duration.ofMillis(500));

  private final FakeClock clock = new FakeClock();
  private final FakeBarrier barrier = new FakeBarrier(clock);
  private final FakeTelemetrySide side = new FakeTelemetrySide(clock, new FlushPolicy.End());
  private final Instant start = clock.now();
  private final Instant deadline = start.plusMillis(1500);

  @Test
  void aReportThatArrivesWithinTheGrace_isExportedInTheFinalRound_rightAfterIt() throws Exception {
    clock.schedule(Duration.ofMillis(100), () -> barrier.reported("r1"));

    run(TelemetryMode.PLATFORM_EVENTS, "r1");

    assertThat(side.names()).containsExactly(
        "stopBackground", "drain", "final round", "drain", "shutdown");
    assertThat(barrier.reportWaits).containsExactly(clock.nanosAt(start.plusMillis(300)));
    assertThat(side.first("final round").at()).isEqualTo(start.plusMillis(100));
    assertThat(side.first("final round").deadline()).isEqualTo(deadline);
    assertThat(side.first("shutdown").deadline()).isEqualTo(deadline);
  }

  @Test
  void backgroundExportStops_first_byTheExportReserve() throws Exception {
    run(TelemetryMode.PLATFORM_EVENTS, "r1");

    assertThat(side.calls.get(0).name()).isEqualTo("stopBackground");
    assertThat(side.calls.get(0).deadline()).isEqualTo(start.plusMillis(1000));
  }

  @Test
  void aReportThatNeverComes_isWaitedForTheGrace_thenEverythingIsExported() throws Exception {
    run(TelemetryMode.PLATFORM_EVENTS, "r1");

    assertThat(side.first("final round").at()).isEqualTo(start.plusMillis(300));
    assertThat(side.names()).endsWith("final round", "drain", "shutdown");
  }

  @Test
  void theGraceNeverReachesIntoTheExportReserve() throws Exception {
    // deadline at 0.7 s: the wait must end at 0.2 s, not at the 0.3 s grace
    new ShutdownSequence(Ready.of(side, clock), barrier, SETTINGS, TelemetryMode.PLATFORM_EVENTS,
        new FailOpen(), clock).run(shutdownIn(Duration.ofMillis(1200)), "r1");

    assertThat(barrier.reportWaits).containsExactly(clock.nanosAt(start.plusMillis(200)));
  }

  @Test
  void aLateDeliveryDuringTheFirstFinalRound_getsASecondRound_onceTheDeliveriesWentQuiet()
      throws Exception {
    barrier.reported("r1");
    side.during("final round", barrier::arrived);

    run(TelemetryMode.PLATFORM_EVENTS, "r1");

    assertThat(side.names()).containsExactly(
        "stopBackground", "drain", "final round", "drain", "final round", "drain", "shutdown");
    Instant secondRound = side.calls.get(4).at();
    assertThat(secondRound).isEqualTo(start.plus(ShutdownSequence.QUIET));
  }

  @Test
  void aRoundThatEndsWithLessThan200msLeft_isTheLast_evenWhenDeliveriesCameDuringIt()
      throws Exception {
    barrier.reported("r1");
    side.taking("final round", Duration.ofMillis(1350)).during("final round", barrier::arrived);

    run(TelemetryMode.PLATFORM_EVENTS, "r1");

    assertThat(side.names()).containsOnlyOnce("final round").endsWith("shutdown");
  }

  @Test
  void noRoundStartsAfterTheLastRoundReserve_whileDeliveriesKeepComing() throws Exception {
    barrier.reported("r1");
    // a delivery during every round, each round 50 ms long
    side.taking("final round", Duration.ofMillis(50));
    for (int i = 0; i < 40; i++) {
      side.during("final round", barrier::arrived);
    }

    run(TelemetryMode.PLATFORM_EVENTS, "r1");

    Instant lastRoundBy = deadline.minus(ShutdownSequence.LAST_ROUND_RESERVE);
    assertThat(side.calls).filteredOn(c -> c.name().equals("final round"))
        .hasSizeGreaterThan(1)
        .allSatisfy(c -> assertThat(c.at()).isBeforeOrEqualTo(lastRoundBy));
    assertThat(side.first("shutdown").at()).isBeforeOrEqualTo(deadline);
  }

  @Test
  void noRequestToWaitFor_noDelivery_exportsOnceAsItStays_thenOnceForAll() throws Exception {
    run(TelemetryMode.TELEMETRY_WITHOUT_PLATFORM_EVENTS, null);

    assertThat(side.names()).containsExactly("stopBackground", "catchUp", "round while delivering",
        "drain", "final round", "drain", "shutdown");
    assertThat(side.first("final round").at()).isEqualTo(start.plusMillis(1000));
  }

  @Test
  void noRequestToWaitFor_deliveriesWhileStaying_areExportedAsTheyCome() throws Exception {
    clock.schedule(Duration.ofMillis(200), barrier::arrived);

    run(TelemetryMode.TELEMETRY_WITHOUT_PLATFORM_EVENTS, null);

    assertThat(side.calls).filteredOn(c -> c.name().equals("round while delivering"))
        .extracting(FakeTelemetrySide.Call::at)
        .containsExactly(start, start.plusMillis(200).plus(ShutdownSequence.QUIET));
    assertThat(side.names()).endsWith("final round", "drain", "shutdown");
  }

  @Test
  void localMode_waitsForNothing_andExportsOneRound() throws Exception {
    side.during("final round", barrier::arrived);

    run(TelemetryMode.NO_TELEMETRY, "r1");

    assertThat(barrier.reportWaits).isEmpty();
    assertThat(side.names()).containsExactly(
        "stopBackground", "drain", "final round", "drain", "shutdown");
    assertThat(side.first("final round").at()).isEqualTo(start);
  }

  @Test
  void eachDrain_waitsForTheProcessingThreadAtMostHalfTheTimeLeft_thenExportsAnyway()
      throws Exception {
    side.conversionStuck();

    run(TelemetryMode.NO_TELEMETRY, null);

    FakeTelemetrySide.Call drain = side.first("drain");
    assertThat(drain.deadline()).isEqualTo(drain.at().plus(Duration.between(drain.at(), deadline)
        .dividedBy(2)));
    assertThat(side.names()).containsExactly(
        "stopBackground", "drain", "final round", "drain", "shutdown");
  }

  @Test
  void aTelemetrySideNotReadyByTheDeadline_isSkipped_andTheSequenceEndsByTheDeadline()
      throws Exception {
    new ShutdownSequence(new Ready<>(clock), barrier, SETTINGS, TelemetryMode.PLATFORM_EVENTS,
        new FailOpen(), clock).run(shutdownIn(Duration.ofSeconds(2)), "r1");

    assertThat(side.calls).isEmpty();
    assertThat(clock.now()).isBeforeOrEqualTo(deadline);
  }

  @Test
  void aTelemetrySideReadyLate_isStoppedAsSoonAsItIsThere_andStillExports() throws Exception {
    Ready<TelemetrySide> ready = new Ready<>(clock);
    clock.schedule(Duration.ofMillis(700), () -> ready.complete(side));

    new ShutdownSequence(ready, barrier, SETTINGS, TelemetryMode.PLATFORM_EVENTS, new FailOpen(),
        clock).run(shutdownIn(Duration.ofSeconds(2)), "r1");

    assertThat(side.names()).containsExactly(
        "stopBackground", "drain", "final round", "drain", "shutdown");
    assertThat(side.first("stopBackground").at()).isEqualTo(start.plusMillis(700));
  }

  @Test
  void stepsThatThrow_doNotStopTheSequence() throws Exception {
    side.during("drain", () -> {
      throw new OutOfMemoryError("Java heap space");
    });

    run(TelemetryMode.PLATFORM_EVENTS, "r1");

    // the first round died in its drain; the pipeline is still shut down
    assertThat(side.names()).containsExactly("stopBackground", "drain", "drain", "shutdown");
  }

  private void run(TelemetryMode mode, String lastRequestId) throws InterruptedException {
    new ShutdownSequence(Ready.of(side, clock), barrier, SETTINGS, mode, new FailOpen(), clock)
        .run(shutdownIn(Duration.ofSeconds(2)), lastRequestId);
  }

  private NextEvent.Shutdown shutdownIn(Duration d) {
    return new NextEvent.Shutdown("spindown", clock.now().plus(d).toEpochMilli());
  }
}
