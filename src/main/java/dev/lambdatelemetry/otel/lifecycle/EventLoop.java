package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.telemetry.InvocationBarrier;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * The extension's life after init, on one named thread: {@code next}, wait for the invocation's
 * {@code platform.runtimeDone}, flush, {@code next} again; at SHUTDOWN wait briefly for the last
 * {@code platform.report} (with no request to wait for, stay for the platform's late flush), export,
 * export again what came meanwhile, exit.
 *
 * <p>Why it waits and flushes here: calling {@code next} tells Lambda we are done, and Lambda then
 * freezes the whole sandbox, our threads and sockets included, possibly for hours or for ever. Data
 * not exported before {@code next} leaves only at the next thaw; a request in flight across the
 * freeze is cut. See https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
 *
 * <p>Fail open: whatever the telemetry side does, the loop calls {@code next} on time; every wait
 * is bounded by the invocation's deadline.
 */
public final class EventLoop implements Runnable {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle.loop");
  static final String THREAD_NAME = "lambda-event-loop";
  /**
   * At SHUTDOWN, a gap this long after a delivery means the platform's deliveries are over: it then
   * sends what it buffered without waiting for the buffering timeout, one batch after the other.
   */
  static final Duration QUIET = Duration.ofMillis(100);
  /** SHUTDOWN's waits for telemetry end this long before the deadline: the export's time. */
  static final Duration EXPORT_RESERVE = Duration.ofMillis(500);
  /** SHUTDOWN starts no further export round with less than this left before the deadline. */
  static final Duration LAST_ROUND_RESERVE = Duration.ofMillis(200);
  /** How often a long wait for runtimeDone looks up to offer a backstop flush. */
  static final Duration WAIT_SLICE = Duration.ofSeconds(1);

  private final ExtensionsApiClient api;
  private final InvocationBarrier barrier;
  private final TelemetryHooks hooks;
  private final ExtensionConfig.Invoke invokeConfig;
  private final ExtensionConfig.Shutdown shutdownConfig;
  private final boolean awaitRuntimeDone;
  private final boolean telemetryExpected;
  private final IntConsumer exit;
  private String lastRequestId;
  private long invocations;
  private boolean errorLogged;

  /**
   * @param awaitRuntimeDone false when no platform events will come (local emulator, or the
   *     subscription leaves out {@code platform}): then waiting would only delay every invocation
   * @param telemetryExpected false in local mode (the Telemetry API answered 202)
   * @param exit called once with the process exit code when the loop ends
   */
  public EventLoop(
      ExtensionsApiClient api,
      InvocationBarrier barrier,
      TelemetryHooks hooks,
      ExtensionConfig.Invoke invokeConfig,
      ExtensionConfig.Shutdown shutdownConfig,
      boolean awaitRuntimeDone,
      boolean telemetryExpected,
      IntConsumer exit) {
    this.api = api;
    this.barrier = barrier;
    this.hooks = hooks;
    this.invokeConfig = invokeConfig;
    this.shutdownConfig = shutdownConfig;
    this.awaitRuntimeDone = awaitRuntimeDone;
    this.telemetryExpected = telemetryExpected;
    this.exit = exit;
  }

  /** Starts the loop on its own named thread. */
  public Thread start() {
    Thread t = new Thread(this, THREAD_NAME);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void run() {
    exit.accept(exitCode(this::loop, this::reportExitError));
  }

  /** The loop's body, as {@link #exitCode} runs it. */
  @FunctionalInterface
  interface Body {
    int run() throws InterruptedException;
  }

  /**
   * Runs the loop to its exit code, whatever it throws: an {@link Error} too (an {@code
   * OutOfMemoryError} under a burst, a {@code StackOverflowError}, a class that fails to link), so
   * that the platform hears about it through {@code report} (exit/error) and the process exits
   * rather than leaving a live JVM with no loop, which would stall every invocation until Lambda
   * times out the function.
   */
  static int exitCode(Body body, Consumer<Throwable> report) {
    try {
      return body.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (Throwable e) {
      try {
        LOG.error("event loop failed", e);
        report.accept(e);
      } catch (Throwable ignored) {
        // out of memory even for the report: the exit code still says it
      }
      return 1;
    }
  }

  /** Invocations seen so far. */
  public long invocations() {
    return invocations;
  }

  private int loop() throws InterruptedException {
    while (true) {
      NextEvent event;
      try {
        event = api.next();
      } catch (ExtensionsApiException e) {
        LOG.error("event/next failed; exiting", e);
        reportExitError(e);
        return 1;
      }
      if (event instanceof NextEvent.Invoke invoke) {
        onInvoke(invoke);
      } else if (event instanceof NextEvent.Shutdown shutdown) {
        onShutdown(shutdown);
        return 0;
      }
    }
  }

  private void onInvoke(NextEvent.Invoke invoke) throws InterruptedException {
    invocations++;
    lastRequestId = invoke.requestId();
    long startNanos = System.nanoTime();
    Instant now = Instant.now();
    guard(() -> hooks.invokeStarted(invoke, now), "invokeStarted");
    // Everything below is bounded by the invocation's own deadline: never push it into a timeout.
    long deadlineNanos = deadlineNanos(invoke.deadlineMs(), invokeConfig.deadlineMargin(), startNanos);
    long waitUntil =
        Math.min(deadlineNanos, startNanos + invokeConfig.maxWait().toNanos());
    if (awaitRuntimeDone && !awaitRuntimeDone(invoke, now, waitUntil)) {
      LOG.debugf("no platform.runtimeDone for %s in time; going on", invoke.requestId());
    }
    Instant flushDeadline = Instant.now().plusNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    guard(() -> hooks.invokeFinished(invoke, flushDeadline), "invokeFinished");
  }

  /** Waits in slices, so that a long invocation still gets its backstop flushes. */
  private boolean awaitRuntimeDone(NextEvent.Invoke invoke, Instant start, long waitUntil)
      throws InterruptedException {
    while (true) {
      long slice = Math.min(waitUntil, System.nanoTime() + WAIT_SLICE.toNanos());
      if (barrier.awaitRuntimeDone(invoke.requestId(), slice)) {
        return true;
      }
      if (System.nanoTime() >= waitUntil) {
        return false;
      }
      guard(() -> hooks.stillRunning(invoke, start, Instant.now()), "stillRunning");
    }
  }

  private void onShutdown(NextEvent.Shutdown shutdown) throws InterruptedException {
    long nowNanos = System.nanoTime();
    long deadlineNanos =
        deadlineNanos(shutdown.deadlineMs(), shutdownConfig.safetyMargin(), nowNanos);
    LOG.debugf("SHUTDOWN (%s) after %d invocations", shutdown.reason(), invocations);
    long waitBy = deadlineNanos - EXPORT_RESERVE.toNanos();
    // Background exports (Managed Instances) stop first: from here on the loop says when to
    // export, and a background request hanging on the collector must not hold the exit.
    guard(() -> hooks.shutdownStarted(deadline(waitBy)), "shutdown start");
    if (awaitRuntimeDone && lastRequestId != null) {
      // The last invocation's platform.report is generated after our last next: it comes now,
      // behind everything else of that invocation.
      long graceEnd = Math.min(waitBy, nowNanos + shutdownConfig.grace().toNanos());
      barrier.awaitReport(lastRequestId, graceEnd);
    } else if (telemetryExpected) {
      stayForLateDeliveries(waitBy, deadlineNanos);
    }
    // The listener stays up until we exit: what arrives while we export (a late flush, a CPU
    // starved at 128 MB) is exported by another round, while the deadline allows.
    long lastRoundBy = deadlineNanos - LAST_ROUND_RESERVE.toNanos();
    for (int round = 1; ; round++) {
      long roundStart = System.nanoTime();
      long arrivals = barrier.arrivals();
      guard(() -> hooks.exportAll(deadline(deadlineNanos)), "export at shutdown");
      if (!telemetryExpected || barrier.arrivals() == arrivals
          || System.nanoTime() - lastRoundBy >= 0) {
        LOG.debugf("SHUTDOWN: %d final export round(s)", round);
        break;
      }
      barrier.awaitQuiet(roundStart, QUIET.toNanos(), lastRoundBy);
    }
    guard(() -> hooks.shutdown(deadline(deadlineNanos)), "shutdown");
  }

  /**
   * No request to wait for (Managed Instances, or no invocation yet): nothing says what is still
   * to come, and the platform flushes what it buffered only now, in its own time (RAPID for
   * Managed Instances caps that flush at 1 s). The listener stays until {@code stayUntil}
   * (nobody waits on an environment that is going away), exporting what arrives as it arrives,
   * with spans still waiting for their report held: the report may come in the next delivery.
   */
  private void stayForLateDeliveries(long stayUntil, long deadlineNanos)
      throws InterruptedException {
    while (System.nanoTime() - stayUntil < 0) {
      long roundStart = System.nanoTime();
      // The round may outlast the stay: a request started late must not be cut (and its items
      // lost) by the stay's end; the rounds after it get what is left.
      guard(() -> hooks.exportArrived(deadline(deadlineNanos)), "export while staying");
      // Until a delivery has come since this round began and gone quiet, or the stay ends.
      barrier.awaitQuiet(roundStart, QUIET.toNanos(), stayUntil);
    }
  }

  /** The wall-clock instant of a nanoTime deadline. */
  private static Instant deadline(long deadlineNanos) {
    return Instant.now().plusNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  /** Converts an absolute epoch-ms deadline minus a margin into a nanoTime deadline. */
  static long deadlineNanos(long deadlineEpochMs, Duration margin, long nowNanos) {
    if (deadlineEpochMs <= 0) {
      return nowNanos + Duration.ofSeconds(2).toNanos(); // no deadline given: stay brief
    }
    long leftMs = deadlineEpochMs - System.currentTimeMillis() - margin.toMillis();
    return nowNanos + Math.max(0, leftMs) * 1_000_000L;
  }

  /**
   * Runs a hook; whatever it throws, {@link Error}s included, the loop goes on to {@code next}.
   * An {@code OutOfMemoryError} too: the hook's work (a flush, a conversion) is lost, but its
   * objects are garbage once it has unwound, and the alternative, a dead loop in a live process,
   * stalls the function until Lambda times it out. The first Error is logged at WARN (it says the
   * memory budget or the code is wrong); the rest at DEBUG, as they may repeat per invocation.
   */
  private void guard(Runnable r, String what) {
    try {
      r.run();
    } catch (Throwable e) {
      try {
        if (e instanceof Error && !errorLogged) {
          errorLogged = true;
          LOG.warnf("%s failed with %s; going on", what, e);
        } else {
          LOG.debugf(e, "%s failed; going on", what);
        }
      } catch (Throwable ignored) {
        // logging failed as well (no memory left for it): going on matters more
      }
    }
  }

  private void reportExitError(Throwable e) {
    try {
      api.exitError(
          "Extension.EventLoopFailed", e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (RuntimeException ignored) {
      // the platform may already be gone; we exit anyway
    }
  }
}
