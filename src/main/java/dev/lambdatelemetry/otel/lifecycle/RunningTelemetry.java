package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.export.ExportPipeline;
import dev.lambdatelemetry.otel.export.ExportPipeline.ShutdownRound;
import dev.lambdatelemetry.otel.export.FlushPolicy;
import dev.lambdatelemetry.otel.export.FlushResult;
import dev.lambdatelemetry.otel.telemetry.TelemetryInbox;
import dev.lambdatelemetry.otel.translate.TelemetryConverter;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** The telemetry side once {@link TelemetryStartup} has built it: the parts, seen as the lifecycle needs them. */
final class RunningTelemetry implements TelemetrySide {

  private final TelemetryInbox inbox;
  private final TelemetryConverter converter;
  private final ExportPipeline pipeline;
  private final FlushPolicy policy;
  private final FunctionGrace grace;
  private final LifecycleClock clock;

  RunningTelemetry(TelemetryInbox inbox, TelemetryConverter converter, ExportPipeline pipeline,
      FlushPolicy policy, FunctionGrace grace, LifecycleClock clock) {
    this.inbox = inbox;
    this.converter = converter;
    this.pipeline = pipeline;
    this.policy = policy;
    this.grace = grace;
    this.clock = clock;
  }

  @Override
  public FlushPolicy policy() {
    return policy;
  }

  @Override
  public void onInvoke(NextEvent.Invoke invoke) {
    converter.onInvoke(invoke.requestId(), invoke.invokedFunctionArn(), invoke.deadlineMs());
    pipeline.resumeBackground();
  }

  @Override
  public double pendingShare() {
    return pipeline.pendingShare();
  }

  @Override
  public boolean flushInBackground(Instant deadline) {
    return pipeline.flushInBackground(deadline);
  }

  @Override
  public void settleBackground(Instant until) {
    pipeline.settleBackground(until);
  }

  @Override
  public void settleInvocation(String requestId, Instant until) {
    grace.await(until);
    // After the grace: the entry span of a flush that raced the response can still be joined.
    converter.settleJoin(requestId);
  }

  @Override
  public FlushResult flush(Instant deadline) {
    return pipeline.flush(deadline);
  }

  @Override
  public void stopBackground(Instant until) {
    pipeline.stopBackground(until);
  }

  @Override
  public boolean catchUp(Instant until) {
    return onProcessingThread(() -> {}, until);
  }

  @Override
  public boolean drain(Instant until) {
    return onProcessingThread(converter::drain, until);
  }

  @Override
  public void flushAtShutdown(Instant deadline, ShutdownRound round) {
    pipeline.flushAtShutdown(deadline, round);
  }

  @Override
  public void shutdown(Instant deadline) {
    pipeline.shutdown(deadline);
  }

  @Override
  public String statsLine() {
    return pipeline.statsLine();
  }

  /** Runs {@code task} on the processing thread behind everything received so far. */
  private boolean onProcessingThread(Runnable task, Instant until) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    inbox.submit(() -> {
      try {
        task.run();
      } finally {
        done.complete(null);
      }
    });
    try {
      clock.waitFor(done, until);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return done.isDone();
  }
}
