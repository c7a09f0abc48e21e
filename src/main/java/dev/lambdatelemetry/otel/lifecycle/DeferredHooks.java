package dev.lambdatelemetry.otel.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The hooks while the telemetry side is still being built on its own thread (it is not needed before
 * the first invocation, so init does not wait for it). Each call waits for it within that call's own
 * deadline; if it is not there in time, the call is skipped: the data stays queued for the next one.
 */
final class DeferredHooks implements TelemetryHooks {

  /** How long an INVOKE may wait for the telemetry side to be ready before going on without it. */
  private static final Duration INVOKE_START_WAIT = Duration.ofMillis(500);

  private final CompletableFuture<? extends TelemetryHooks> ready;

  DeferredHooks(CompletableFuture<? extends TelemetryHooks> ready) {
    this.ready = ready;
  }

  @Override
  public void invokeStarted(NextEvent.Invoke invoke, Instant now) {
    TelemetryHooks h = await(min(now.plus(INVOKE_START_WAIT), Instant.ofEpochMilli(invoke.deadlineMs())));
    if (h != null) {
      h.invokeStarted(invoke, now);
    }
  }

  @Override
  public void stillRunning(NextEvent.Invoke invoke, Instant invokeStart, Instant now) {
    TelemetryHooks h = ready.getNow(null);
    if (h != null) {
      h.stillRunning(invoke, invokeStart, now);
    }
  }

  @Override
  public void invokeFinished(NextEvent.Invoke invoke, Instant flushDeadline) {
    Instant since = Instant.now();
    TelemetryHooks h = await(flushDeadline);
    if (h instanceof PipelineHooks p) {
      p.invokeFinished(invoke, flushDeadline, since); // the wait for it is part of the flush budget
    } else if (h != null) {
      h.invokeFinished(invoke, flushDeadline);
    }
  }

  @Override
  public void shutdownStarted(Instant stopBy) {
    // Not ready yet: whatever it starts in the background once ready is stopped then.
    ready.thenAccept(h -> h.shutdownStarted(stopBy));
  }

  @Override
  public void exportArrived(Instant deadline) {
    TelemetryHooks h = await(deadline);
    if (h != null) {
      h.exportArrived(deadline);
    }
  }

  @Override
  public void exportAll(Instant deadline) {
    TelemetryHooks h = await(deadline);
    if (h != null) {
      h.exportAll(deadline);
    }
  }

  @Override
  public void shutdown(Instant deadline) {
    TelemetryHooks h = await(deadline);
    if (h != null) {
      h.shutdown(deadline);
    }
  }

  private TelemetryHooks await(Instant until) {
    TelemetryHooks h = ready.getNow(null);
    if (h != null || ready.isCompletedExceptionally()) {
      return h;
    }
    long ms = Duration.between(Instant.now(), until).toMillis();
    try {
      return ms <= 0 ? null : ready.get(ms, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
