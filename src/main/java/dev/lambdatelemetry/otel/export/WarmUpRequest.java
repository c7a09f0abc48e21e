package dev.lambdatelemetry.otel.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The warm-up before the function's first invocation: the protobuf marshalers run once on sample data
 * ({@link WarmUp}, nothing sent of it), then an empty trace request opens the connection (and TLS
 * session) to the collector. Without it the first real flush pays for class loading and the handshake
 * and can overrun its small per-invocation budget. An empty OTLP request is valid and a no-op for a
 * collector.
 *
 * <p>Apart from the flush because it yields where a flush waits: a flush that comes meanwhile cuts its
 * request ({@link FlushGate}) and goes on. A request that failed or hung until the warm-up's deadline
 * without being cut counts as a failed flush for the breaker: with a collector that hangs, the
 * breaker then opens one invocation sooner.
 */
final class WarmUpRequest {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.export");

  private final SpanExporter spans;
  private final Supplier<Resource> resource;
  private final FlushGate gate;
  private final CollectorHealth health;
  private final Clock clock;
  /** Kept between the request's own deadline and the warm-up's, as a flush keeps it. */
  private final Duration requestSlack;
  /** Whether the pipeline has shut down: then no request. */
  private final BooleanSupplier shutDown;

  WarmUpRequest(
      SpanExporter spans,
      Supplier<Resource> resource,
      FlushGate gate,
      CollectorHealth health,
      Clock clock,
      Duration requestSlack,
      BooleanSupplier shutDown) {
    this.spans = spans;
    this.resource = resource;
    this.gate = gate;
    this.health = health;
    this.clock = clock;
    this.requestSlack = requestSlack;
    this.shutDown = shutDown;
  }

  /** Warms up within {@code deadline}; never throws. */
  void run(Instant deadline) {
    try {
      WarmUp.marshalSamples(resource.get());
    } catch (RuntimeException | LinkageError e) {
      LOG.debugf(e, "[export] warm-up marshaling failed");
    }
    if (spans == null || shutDown.getAsBoolean()) {
      return;
    }
    try {
      if (!gate.lockForWarmUpBy(deadline)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      if (gate.leftBehindRunning() || !gate.openForWarmUp(deadline.minus(requestSlack))) {
        return; // a logs part left behind must not find a window open; a waiting flush opens it
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative()) {
        return;
      }
      CompletableResultCode code = spans.export(List.of());
      code.join(left.toNanos(), TimeUnit.NANOSECONDS);
      if (!gate.warmUpCut() && failed(code)) {
        health.warmUpFailed();
      }
    } catch (RuntimeException e) {
      LOG.debugf(e, "[export] warm-up request failed");
    } finally {
      gate.closeWarmUp();
      gate.unlock();
    }
  }

  /** Whether the request says the collector is failing (not answered, or refused). */
  private static boolean failed(CompletableResultCode code) {
    if (!code.isDone()) {
      return true; // hung until the warm-up's deadline
    }
    if (code.isSuccess()) {
      return false;
    }
    FailureClass.Kind kind = FailureClass.of(code.getFailureThrowable()).kind();
    return kind != FailureClass.Kind.NOT_SENT && kind != FailureClass.Kind.REJECTED;
  }
}
