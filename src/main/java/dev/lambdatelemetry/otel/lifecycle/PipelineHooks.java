package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.export.ExportPipeline;
import dev.lambdatelemetry.otel.export.FlushPolicy;
import dev.lambdatelemetry.otel.export.FlushResult;
import dev.lambdatelemetry.otel.telemetry.TelemetryInbox;
import dev.lambdatelemetry.otel.translate.TelemetryConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The event loop's view of conversion and export: tell the converter about each INVOKE, flush when
 * the {@link FlushPolicy} says so within the per-invocation budget, and at SHUTDOWN convert what is
 * still held and export it before the deadline.
 */
final class PipelineHooks implements TelemetryHooks {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle.flush");

  private final TelemetryInbox inbox;
  private final TelemetryConverter converter;
  private final ExportPipeline pipeline;
  private final FlushPolicy policy;
  private final Duration budget;
  private final Duration firstBudget;
  private boolean firstFlushDone;

  PipelineHooks(
      TelemetryInbox inbox,
      TelemetryConverter converter,
      ExportPipeline pipeline,
      FlushPolicy policy,
      Duration budget,
      Duration firstBudget) {
    this.inbox = inbox;
    this.converter = converter;
    this.pipeline = pipeline;
    this.policy = policy;
    this.budget = budget;
    this.firstBudget = firstBudget.compareTo(budget) > 0 ? firstBudget : budget;
  }

  @Override
  public void invokeStarted(NextEvent.Invoke invoke, Instant now) {
    converter.onInvoke(invoke.requestId(), invoke.invokedFunctionArn(), invoke.deadlineMs());
    if (policy.atInvokeStart(now) == FlushPolicy.Decision.FLUSH) {
      flush(now, Instant.ofEpochMilli(invoke.deadlineMs()));
    }
  }

  @Override
  public void stillRunning(NextEvent.Invoke invoke, Instant invokeStart, Instant now) {
    if (policy.duringInvoke(invokeStart, now) == FlushPolicy.Decision.FLUSH) {
      flush(now, Instant.ofEpochMilli(invoke.deadlineMs()));
    }
  }

  @Override
  public void invokeFinished(NextEvent.Invoke invoke, Instant flushDeadline) {
    invokeFinished(invoke, flushDeadline, Instant.now());
  }

  /**
   * As {@link #invokeFinished(NextEvent.Invoke, Instant)}, the event loop having handed over at
   * {@code since}: the flush budget counts from then, so that time spent before this call (waiting
   * for the telemetry side to be ready) is part of it, not added to it.
   */
  void invokeFinished(NextEvent.Invoke invoke, Instant flushDeadline, Instant since) {
    if (policy.atInvokeEnd(Instant.now()) == FlushPolicy.Decision.FLUSH) {
      flush(since, flushDeadline);
    }
  }

  @Override
  public void shutdownStarted(Instant stopBy) {
    pipeline.stopBackground(stopBy);
  }

  @Override
  public void exportArrived(Instant deadline) {
    onProcessingThread(() -> {}, deadline, "conversion did not catch up in time");
    // No line of ours per round: it would come back as a delivery and call for another round (the
    // pipeline logs the flushes worth a line).
    pipeline.flushAtShutdown(deadline, ExportPipeline.ShutdownRound.WHILE_DELIVERING);
  }

  @Override
  public void exportAll(Instant deadline) {
    // On the processing thread, behind every batch already received, so that the last
    // platform.report is converted before the held spans are released.
    onProcessingThread(converter::drain, deadline, "conversion did not drain in time");
    // As above: a line here would come back as a delivery and call for another export round.
    pipeline.flushAtShutdown(deadline, ExportPipeline.ShutdownRound.FINAL);
  }

  @Override
  public void shutdown(Instant deadline) {
    // Whatever came after the last round's drain (normally nothing) is converted and exported.
    onProcessingThread(converter::drain, deadline, "conversion did not drain in time");
    pipeline.shutdown(deadline);
    LOG.debugf("[flush] shut down: %s", pipeline.statsLine());
  }

  /**
   * Runs {@code task} on the processing thread behind everything received so far, and waits for it
   * at most half the time left: the other half is the export's.
   */
  private void onProcessingThread(Runnable task, Instant deadline, String late) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    inbox.submit(() -> {
      try {
        task.run();
      } finally {
        done.complete(null);
      }
    });
    long leftMs = Duration.between(Instant.now(), deadline).toMillis();
    try {
      done.get(Math.max(0, leftMs / 2), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.debugf("[flush] %s; exporting what is ready", late);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.debugf(e, "[flush] %s", late);
    }
  }

  private void flush(Instant since, Instant deadline) {
    // Only the very first flush gets the larger budget, whatever its outcome: a collector that hangs
    // must cost the function at most that once (the breaker then stops further attempts).
    Instant byBudget = since.plus(firstFlushDone ? budget : firstBudget);
    Instant until = byBudget.isBefore(deadline) ? byBudget : deadline;
    if (!until.isAfter(Instant.now())) {
      return; // the budget went on waiting: the data stays queued for the next flush
    }
    firstFlushDone = true;
    FlushResult result = pipeline.flush(until);
    policy.flushed(Instant.now());
    LOG.debugf("[flush] %s", result);
  }
}
