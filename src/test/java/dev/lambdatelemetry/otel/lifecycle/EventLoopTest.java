package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.export.ExportPipeline.ShutdownRound;
import dev.lambdatelemetry.otel.export.FlushPolicy;
import dev.lambdatelemetry.otel.export.FlushResult;
import dev.lambdatelemetry.otel.simulator.LambdaSimulator;
import dev.lambdatelemetry.otel.simulator.measure.SimulationResult;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorMode;
import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import dev.lambdatelemetry.otel.simulator.scenario.Scenario;
import dev.lambdatelemetry.otel.telemetry.InvocationBarrier;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The event loop against the simulated Extensions API over real HTTP and real time: the order in
 * which the telemetry side is called, the deadlines it is handed, and that the loop keeps calling
 * next whatever the telemetry side does. The decisions themselves are specified on a fake clock in
 * {@link InvocationFlowTest} and {@link ShutdownSequenceTest}.
 */
class EventLoopTest {

  private static final ExtensionConfig CONFIG = TestConfigs.extension(Map.of());

  @Test
  void invokesThenShutdown_callTheTelemetrySideInOrder_andExit0() throws Exception {
    Recording side = new Recording(() -> {});
    Outcome o = play(side, TelemetryMode.NO_TELEMETRY);
    assertThat(o.exitCode).isZero();
    List<String> ids = o.result.invocations().stream()
        .map(SimulationResult.InvocationMeasurement::requestId).toList();
    assertThat(side.calls).containsExactly(
        "start " + ids.get(0), "flush", "start " + ids.get(1), "flush",
        "stop background", "drain", "export", "drain", "shutdown");
    assertThat(o.result.violations()).isEmpty();
  }

  @Test
  void aTelemetrySideThatThrows_neverStopsTheLoop() throws Exception {
    Recording broken = new Recording(() -> {}) {
      @Override
      void record(String call, Runnable firstTime) {
        super.record(call, firstTime);
        if (!call.equals("drain")) { // a drain runs on the processing thread: it does not throw here
          throw new IllegalStateException(call + " bug");
        }
      }
    };
    Outcome o = play(broken, TelemetryMode.NO_TELEMETRY);
    assertThat(o.exitCode).isZero();
    assertThat(o.result.invocations()).hasSize(2);
    assertThat(o.result.violations()).isEmpty();
  }

  @Test
  void aTelemetrySideThatThrowsErrors_neverStopsTheLoop() throws Exception {
    // Errors, not exceptions: a heap exhausted by a burst, a deep structure, a class that fails to
    // link, an assertion. The loop must still reach next on time and exit cleanly at SHUTDOWN.
    List<Error> errors = List.of(new StackOverflowError("deep"), new OutOfMemoryError("Java heap"),
        new NoClassDefFoundError("io/example/Missing"), new AssertionError("bug"));
    Recording broken = new Recording(() -> {}) {
      @Override
      void record(String call, Runnable firstTime) {
        super.record(call, firstTime);
        if (!call.equals("drain")) { // a drain runs on the processing thread: it does not throw here
          throw errors.get(calls.size() % errors.size());
        }
      }
    };
    Outcome o = play(broken, TelemetryMode.NO_TELEMETRY);
    assertThat(o.exitCode).isZero();
    assertThat(o.result.invocations()).hasSize(2);
    assertThat(o.result.violations()).isEmpty();
    assertThat(broken.calls).filteredOn(c -> !c.equals("drain")).map(c -> c.split(" ")[0])
        .containsExactly("start", "flush", "start", "flush", "stop", "export", "shutdown");
  }

  @Test
  void aLoopThatFailsWithAnError_reportsItAndExits1() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    for (Error error : List.of(new OutOfMemoryError("Java heap space"), new StackOverflowError(),
        new LinkageError("link"), new AssertionError("bug"))) {
      reported.clear();
      int code = EventLoop.exitCode(() -> {
        throw error;
      }, reported::add);
      assertThat(code).isEqualTo(1);
      assertThat(reported).containsExactly(error);
    }
  }

  @Test
  void aReportThatFailsToo_stillEndsWithExit1() {
    int code = EventLoop.exitCode(() -> {
      throw new IllegalStateException("loop");
    }, e -> {
      throw new OutOfMemoryError("while reporting");
    });
    assertThat(code).isEqualTo(1);
  }

  @Test
  void runtimeDoneThatNeverComes_isWaitedForOnlyUntilTheInvocationDeadline() throws Exception {
    Recording side = new Recording(() -> {});
    Outcome o = play(side, TelemetryMode.PLATFORM_EVENTS);
    assertThat(side.calls).filteredOn(c -> c.startsWith("start")).hasSize(2);
    assertThat(side.calls).noneMatch(c -> c.contains("past the invocation's"));
    assertThat(o.exitCode).isZero();
    assertThat(o.result.violations()).isEmpty();
  }

  @Test
  void deliveriesThatComeWhileShutdownExports_areExportedByAnotherRound() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    // the platform's late flush lands while the first round exports
    Recording side = new Recording(barrier::arrived);
    Outcome o = play(side, TelemetryMode.TELEMETRY_WITHOUT_PLATFORM_EVENTS, barrier);
    assertThat(o.exitCode).isZero();
    assertThat(side.calls).endsWith("export", "drain", "export", "drain", "shutdown")
        .containsOnlyOnce("shutdown");
  }

  @Test
  void noRequestToWaitFor_noDelivery_exportsOnceAsItStays_thenOnceForAll() throws Exception {
    Recording side = new Recording(() -> {});
    Outcome o = play(side, TelemetryMode.TELEMETRY_WITHOUT_PLATFORM_EVENTS, new InvocationBarrier());
    assertThat(o.exitCode).isZero();
    assertThat(side.calls)
        .endsWith("stop background", "catch up", "export arrived", "drain", "export", "drain",
            "shutdown")
        .containsOnlyOnce("export arrived", "export");
  }

  @Test
  void noRequestToWaitFor_deliveriesWhileStaying_areExportedAsTheyCome() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    // the platform's late flush lands while the first round of the stay exports
    Recording side = new Recording(barrier::arrived, () -> {});
    Outcome o = play(side, TelemetryMode.TELEMETRY_WITHOUT_PLATFORM_EVENTS, barrier);
    assertThat(o.exitCode).isZero();
    assertThat(side.calls).endsWith("stop background", "catch up", "export arrived", "catch up",
        "export arrived", "drain", "export", "drain", "shutdown");
  }

  /**
   * A telemetry side that records each call in order; the runnables run inside the first SHUTDOWN
   * round while deliveries come, and inside the first final round. Flushes at each invocation's
   * end (the {@code end} strategy).
   */
  private static class Recording implements TelemetrySide {
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final FlushPolicy policy = new FlushPolicy(new FlushPolicy.End());
    private final Runnable duringFirstArrivedExport;
    private final Runnable duringFirstExport;
    private volatile NextEvent.Invoke current;

    Recording(Runnable duringFirstExport) {
      this(() -> {}, duringFirstExport);
    }

    Recording(Runnable duringFirstArrivedExport, Runnable duringFirstExport) {
      this.duringFirstArrivedExport = duringFirstArrivedExport;
      this.duringFirstExport = duringFirstExport;
    }

    void record(String call, Runnable firstTime) {
      boolean first = !calls.contains(call);
      calls.add(call);
      if (first) {
        firstTime.run();
      }
    }

    @Override
    public FlushPolicy policy() {
      return policy;
    }

    @Override
    public void onInvoke(NextEvent.Invoke invoke) {
      current = invoke;
      record("start " + invoke.requestId(), () -> {});
    }

    @Override
    public FlushResult flush(Instant deadline) {
      NextEvent.Invoke invoke = current;
      record(invoke != null && deadline.toEpochMilli() > invoke.deadlineMs()
          ? "flush with a deadline past the invocation's" : "flush", () -> {});
      return null;
    }

    @Override
    public void stopBackground(Instant until) {
      record("stop background", () -> {});
    }

    @Override
    public boolean catchUp(Instant until) {
      record("catch up", () -> {});
      return true;
    }

    @Override
    public boolean drain(Instant until) {
      record("drain", () -> {});
      return true;
    }

    @Override
    public void flushAtShutdown(Instant deadline, ShutdownRound round) {
      if (round == ShutdownRound.WHILE_DELIVERING) {
        record("export arrived", duringFirstArrivedExport);
      } else {
        record("export", duringFirstExport);
      }
    }

    @Override
    public void shutdown(Instant deadline) {
      record("shutdown", () -> {});
    }

    @Override
    public String statsLine() {
      return "recorded " + calls.size();
    }
  }

  private record Outcome(SimulationResult result, int exitCode) {}

  private static Outcome play(TelemetrySide side, TelemetryMode mode) throws Exception {
    return play(side, mode, new InvocationBarrier());
  }

  private static Outcome play(TelemetrySide side, TelemetryMode mode, InvocationBarrier barrier)
      throws Exception {
    try (LambdaSimulator simulator =
        LambdaSimulator.start(SimulatorOptions.defaults(SimulatorMode.LOCAL_202))) {
      CompletableFuture<SimulationResult> run = CompletableFuture.supplyAsync(() -> {
        try {
          return simulator.run(Scenario.defaultScenario(2), null);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      ExtensionsApiClient api = new ExtensionsApiClient(simulator.runtimeApi());
      api.register("lambda-telemetry-otel", List.of("INVOKE", "SHUTDOWN"));
      CompletableFuture<Integer> exit = new CompletableFuture<>();
      LifecycleClock clock = LifecycleClock.SYSTEM;
      Ready<TelemetrySide> ready = Ready.of(side, clock);
      FailOpen guard = new FailOpen();
      new EventLoop(api,
          new InvocationFlow(ready, Barrier.over(barrier), InvocationFlow.Settings.from(CONFIG),
              mode, guard, clock),
          new ShutdownSequence(ready, Barrier.over(barrier), ShutdownSequence.Settings.from(CONFIG),
              mode, guard, clock),
          exit::complete).start();
      int code = exit.get(30, TimeUnit.SECONDS);
      return new Outcome(run.get(30, TimeUnit.SECONDS), code);
    }
  }
}
