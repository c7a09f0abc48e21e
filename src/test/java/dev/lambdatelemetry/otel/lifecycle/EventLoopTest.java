package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
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
 * The event loop against the simulated Extensions API over real HTTP: the order of the hooks, the
 * deadlines it hands them, and that it keeps calling next whatever the telemetry side does.
 */
class EventLoopTest {

  private static final ExtensionConfig CONFIG = TestConfigs.extension(Map.of());

  @Test
  void invokesThenShutdown_callTheHooksInOrder_andExit0() throws Exception {
    Recording hooks = new Recording(() -> {});
    List<String> calls = hooks.calls;
    Outcome o = play(hooks, false);
    assertThat(o.exitCode).isZero();
    List<String> ids = o.result.invocations().stream()
        .map(SimulationResult.InvocationMeasurement::requestId).toList();
    assertThat(calls).containsExactly(
        "start " + ids.get(0), "finish " + ids.get(0),
        "start " + ids.get(1), "finish " + ids.get(1),
        "stop background", "export", "shutdown");
    assertThat(o.result.violations()).isEmpty();
  }

  @Test
  void hooksThatThrow_neverStopTheLoop() throws Exception {
    TelemetryHooks broken = new TelemetryHooks() {
      @Override
      public void invokeStarted(NextEvent.Invoke invoke, Instant now) {
        throw new IllegalStateException("converter bug");
      }

      @Override
      public void invokeFinished(NextEvent.Invoke invoke, Instant flushDeadline) {
        throw new OutOfMemoryErrorLike();
      }

      @Override
      public void shutdownStarted(Instant stopBy) {
        throw new IllegalStateException("background stop bug");
      }

      @Override
      public void exportArrived(Instant deadline) {
        throw new IllegalStateException("export bug");
      }

      @Override
      public void exportAll(Instant deadline) {
        throw new IllegalStateException("export bug");
      }

      @Override
      public void shutdown(Instant deadline) {
        throw new IllegalStateException("exporter close bug");
      }
    };
    Outcome o = play(broken, false);
    assertThat(o.exitCode).isZero();
    assertThat(o.result.invocations()).hasSize(2);
    assertThat(o.result.violations()).isEmpty();
  }

  @Test
  void hooksThatThrowErrors_neverStopTheLoop() throws Exception {
    // Errors, not exceptions: a heap exhausted by a burst, a deep structure, a class that fails to
    // link, an assertion. The loop must still reach next on time and exit cleanly at SHUTDOWN.
    List<String> calls = new CopyOnWriteArrayList<>();
    TelemetryHooks broken = new TelemetryHooks() {
      @Override
      public void invokeStarted(NextEvent.Invoke invoke, Instant now) {
        calls.add("start");
        throw new StackOverflowError("deep");
      }

      @Override
      public void invokeFinished(NextEvent.Invoke invoke, Instant flushDeadline) {
        calls.add("finish");
        throw new OutOfMemoryError("Java heap space");
      }

      @Override
      public void shutdownStarted(Instant stopBy) {
        calls.add("stop background");
        throw new NoClassDefFoundError("io/example/Missing");
      }

      @Override
      public void exportArrived(Instant deadline) {
        throw new AssertionError("export");
      }

      @Override
      public void exportAll(Instant deadline) {
        calls.add("export");
        throw new OutOfMemoryError("Java heap space");
      }

      @Override
      public void shutdown(Instant deadline) {
        calls.add("shutdown");
        throw new AssertionError("close");
      }
    };
    Outcome o = play(broken, false);
    assertThat(o.exitCode).isZero();
    assertThat(o.result.invocations()).hasSize(2);
    assertThat(o.result.violations()).isEmpty();
    assertThat(calls).containsExactly(
        "start", "finish", "start", "finish", "stop background", "export", "shutdown");
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
    List<Instant> finished = new CopyOnWriteArrayList<>();
    TelemetryHooks hooks = new TelemetryHooks() {
      @Override
      public void invokeStarted(NextEvent.Invoke invoke, Instant now) {}

      @Override
      public void invokeFinished(NextEvent.Invoke invoke, Instant flushDeadline) {
        finished.add(Instant.now());
        assertThat(Instant.now().toEpochMilli()).isLessThan(invoke.deadlineMs());
      }

      @Override
      public void shutdownStarted(Instant stopBy) {}

      @Override
      public void exportArrived(Instant deadline) {}

      @Override
      public void exportAll(Instant deadline) {}

      @Override
      public void shutdown(Instant deadline) {}
    };
    Outcome o = play(hooks, true);
    assertThat(finished).hasSize(2);
    assertThat(o.exitCode).isZero();
  }

  @Test
  void deliveriesThatComeWhileShutdownExports_areExportedByAnotherRound() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    // the platform's late flush lands while the first round exports
    Recording hooks = new Recording(barrier::arrived);
    Outcome o = play(hooks, false, true, barrier);
    assertThat(o.exitCode).isZero();
    assertThat(hooks.calls).endsWith("export", "export", "shutdown").containsOnlyOnce("shutdown");
  }

  @Test
  void noRequestToWaitFor_noDelivery_exportsOnceAsItStays_thenOnceForAll() throws Exception {
    Recording hooks = new Recording(() -> {});
    Outcome o = play(hooks, false, true, new InvocationBarrier());
    assertThat(o.exitCode).isZero();
    assertThat(hooks.calls).endsWith("stop background", "export arrived", "export", "shutdown")
        .containsOnlyOnce("export arrived", "export");
  }

  @Test
  void noRequestToWaitFor_deliveriesWhileStaying_areExportedAsTheyCome() throws Exception {
    InvocationBarrier barrier = new InvocationBarrier();
    // the platform's late flush lands while the first round of the stay exports
    Recording hooks = new Recording(barrier::arrived, () -> {});
    Outcome o = play(hooks, false, true, barrier);
    assertThat(o.exitCode).isZero();
    assertThat(hooks.calls)
        .endsWith("stop background", "export arrived", "export arrived", "export", "shutdown");
  }

  /**
   * Hooks that record each call in order; the runnables run inside the first call of {@code
   * exportArrived} and of {@code exportAll}.
   */
  private static final class Recording implements TelemetryHooks {
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final Runnable duringFirstArrivedExport;
    private final Runnable duringFirstExport;

    Recording(Runnable duringFirstExport) {
      this(() -> {}, duringFirstExport);
    }

    Recording(Runnable duringFirstArrivedExport, Runnable duringFirstExport) {
      this.duringFirstArrivedExport = duringFirstArrivedExport;
      this.duringFirstExport = duringFirstExport;
    }

    @Override
    public void invokeStarted(NextEvent.Invoke invoke, Instant now) {
      calls.add("start " + invoke.requestId());
    }

    @Override
    public void invokeFinished(NextEvent.Invoke invoke, Instant flushDeadline) {
      calls.add(flushDeadline.toEpochMilli() <= invoke.deadlineMs()
          ? "finish " + invoke.requestId()
          : "finish " + invoke.requestId() + " with a flush deadline past the invocation's");
    }

    @Override
    public void shutdownStarted(Instant stopBy) {
      calls.add("stop background");
    }

    @Override
    public void exportArrived(Instant deadline) {
      record("export arrived", duringFirstArrivedExport);
    }

    @Override
    public void exportAll(Instant deadline) {
      record("export", duringFirstExport);
    }

    private void record(String call, Runnable firstTime) {
      boolean first = !calls.contains(call);
      calls.add(call);
      if (first) {
        firstTime.run();
      }
    }

    @Override
    public void shutdown(Instant deadline) {
      calls.add("shutdown");
    }
  }

  /** A RuntimeException standing for any failure inside a hook. */
  private static final class OutOfMemoryErrorLike extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private record Outcome(SimulationResult result, int exitCode) {}

  private static Outcome play(TelemetryHooks hooks, boolean awaitRuntimeDone) throws Exception {
    return play(hooks, awaitRuntimeDone, false, new InvocationBarrier());
  }

  private static Outcome play(TelemetryHooks hooks, boolean awaitRuntimeDone, boolean telemetryExpected,
      InvocationBarrier barrier) throws Exception {
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
      new EventLoop(api, barrier, hooks, CONFIG.invoke(), CONFIG.shutdown(),
          awaitRuntimeDone, telemetryExpected, exit::complete).start();
      int code = exit.get(30, TimeUnit.SECONDS);
      return new Outcome(run.get(30, TimeUnit.SECONDS), code);
    }
  }
}
