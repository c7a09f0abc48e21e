package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.config.MemoryBudget;
import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.otlp.OtlpEndpoint;
import dev.lambdatelemetry.otel.otlp.OtlpSettings;
import dev.lambdatelemetry.otel.otlp.OtlpSink;
import dev.lambdatelemetry.otel.otlp.ReceivedBatch;
import dev.lambdatelemetry.otel.otlp.ReceiverCounters;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The local OTLP endpoint in the extension's life. It is started at the beginning of our init, beside
 * the subscription, and is listening before our first {@code next}: the function's runtime starts
 * while we start, and its SDK may export during its own init. What it accepts before the telemetry
 * side is built is held here (bounded) and handed over, in order, once the export pipeline exists
 * ({@link #connect}).
 *
 * <p>It does not start when it would receive our own export: when the destination we resolved from
 * {@code OTEL_*} (or the OTLP default, {@code localhost:4318}) is this endpoint. Those values may be
 * meant for the function's SDK, so they never fail init: the endpoint stays off, the ports stay free
 * for a collector layer, and one warning says what to set.
 */
final class FunctionReceiver {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle");
  /** The binds take milliseconds; this only bounds a broken Vert.x (the endpoint's own bound is 5 s). */
  static final Duration START_WAIT = Duration.ofSeconds(6);
  /**
   * What the function's data may hold, queued for export (and, before the pipeline exists, held
   * here): as much as one of the platform's pending queues ({@link MemoryBudget}, 2.4 MiB at the
   * launcher's 24 MiB heap), so that a burst of the function cannot take the heap the platform's
   * side was sized for. A request larger than what is free is answered with {@code
   * partial_success}, never a retryable status.
   */
  static long queueBytes(ExtensionConfig config) {
    return MemoryBudget.queueBytes(config.export(), MemoryBudget.maxHeap());
  }

  /** Why the endpoint serves or not: the value of the self-telemetry attribute. */
  enum State {
    /** Both ports listen. */
    LISTENING("listening"),
    /** One port listens, the other was in use (another layer?). */
    PARTLY_IN_USE("partly-in-use"),
    /** Both ports were in use. */
    PORTS_IN_USE("ports-in-use"),
    /** {@code lambda-telemetry.otlp-receiver.enabled=false}. */
    DISABLED("disabled"),
    /** Our own destination is this endpoint: it stays off so that nothing loops. */
    DESTINATION_IS_LOCAL("off-destination-is-local"),
    /** It could not start (see the log). */
    FAILED("failed");

    private final String value;

    State(String value) {
      this.value = value;
    }

    String value() {
      return value;
    }
  }

  private final CompletableFuture<OtlpEndpoint> started;
  private final HandOff handOff;
  private final State notStarted;
  /** The endpoint's counters, shared with the intake that counts what it discards. */
  private final ReceiverCounters counters = new ReceiverCounters();

  private FunctionReceiver(CompletableFuture<OtlpEndpoint> started, HandOff handOff, State notStarted) {
    this.started = started;
    this.handOff = handOff;
    this.notStarted = notStarted;
  }

  /** A receiver that never starts, for {@code reason}. */
  static FunctionReceiver off(State reason) {
    return new FunctionReceiver(CompletableFuture.completedFuture(null), new HandOff(0), reason);
  }

  /**
   * Starts binding on its own thread and returns at once; {@link #awaitListening} waits for the binds.
   *
   * @param settings our resolved destination, to refuse one that is this endpoint
   */
  static FunctionReceiver start(ExtensionConfig extension, OtelSettings settings, Vertx vertx,
      Clock clock) {
    ExtensionConfig.OtlpReceiver config = extension.otlpReceiver();
    if (!config.enabled()) {
      return off(State.DISABLED);
    }
    List<OtelSettings.Signal> looping =
        settings.loopingBackTo(Set.of(config.httpPort(), config.grpcPort()));
    if (!looping.isEmpty()) {
      LOG.warnf("the local OTLP endpoint is off: our own destination for %s is %s, which is that"
              + " endpoint (OTEL_EXPORTER_OTLP_ENDPOINT, or its default, is read by the function's SDK"
              + " too). To receive the function's telemetry, set LAMBDA_TELEMETRY_OTLP_ENDPOINT"
              + " (lambda-telemetry.otlp.endpoint) to your collector.",
          looping, settings.target(looping.get(0)).endpoint());
      return off(State.DESTINATION_IS_LOCAL);
    }
    // One body at a time in flight (with its gzip inflation inside the same bound): the bodies are
    // read on one event loop per port, and the heap is small.
    long queueBytes = queueBytes(extension);
    OtlpSettings otlp = OtlpSettings.defaults()
        .withPorts(config.httpPort(), config.grpcPort())
        .withLimits(config.maxBodyBytes(), config.maxBodyBytes(), queueBytes);
    FunctionReceiver receiver =
        new FunctionReceiver(new CompletableFuture<>(), new HandOff(queueBytes), State.FAILED);
    receiver.bind(otlp, vertx, clock);
    return receiver;
  }

  private void bind(OtlpSettings otlp, Vertx vertx, Clock clock) {
    Thread t = new Thread(() -> {
      try {
        started.complete(OtlpEndpoint.start(otlp, handOff, vertx, clock, counters));
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("the local OTLP endpoint could not start; the extension goes on without it", e);
        started.complete(null);
      }
    }, "otlp-receiver-start");
    t.setDaemon(true);
    t.start();
  }

  /** What the endpoint (and the intake behind it) counted. */
  ReceiverCounters counters() {
    return counters;
  }

  /** Whether it listens on at least one port (waits for the binds, bounded). */
  boolean serving() {
    return endpoint() != null && !"none".equals(endpoint().serving());
  }

  /** Waits (bounded) until the ports are bound or refused; called before our first {@code next}. */
  void awaitListening() {
    endpoint();
  }

  /** What serves, for self-telemetry. */
  State state() {
    OtlpEndpoint e = endpoint();
    if (e == null) {
      return notStarted;
    }
    return switch (e.serving()) {
      case "http+grpc" -> State.LISTENING;
      case "none" -> State.PORTS_IN_USE;
      default -> State.PARTLY_IN_USE;
    };
  }

  /** The endpoint, or null when it does not serve. */
  OtlpEndpoint endpoint() {
    try {
      return started.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The endpoint if its start has ended, without waiting; null otherwise or when it does not serve. */
  OtlpEndpoint endpointIfStarted() {
    return started.getNow(null);
  }

  /** Whether a request of the function is being received right now. */
  boolean receiving() {
    OtlpEndpoint e = started.getNow(null);
    return e != null && e.receiving();
  }

  /** From now on, what the endpoint accepts goes to {@code sink}; what was held goes first. */
  void connect(OtlpSink sink) {
    handOff.connect(sink);
  }

  /**
   * The endpoint's sink until the telemetry side exists: it holds batches (bounded; beyond, the newest
   * is refused and the endpoint answers {@code partial_success}), then forwards everything.
   */
  static final class HandOff implements OtlpSink {
    private final long maxBytes;
    private final ArrayDeque<ReceivedBatch> held = new ArrayDeque<>();
    private long heldBytes;
    /** Set once; read without the lock on the hot path once set. */
    private volatile OtlpSink target;

    HandOff(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public boolean offer(ReceivedBatch batch) {
      OtlpSink connected = target;
      return connected != null ? connected.offer(batch) : hold(batch);
    }

    private synchronized boolean hold(ReceivedBatch batch) {
      if (target != null) { // connected meanwhile: what was held has gone first
        return target.offer(batch);
      }
      if (batch.bytes() > maxBytes - heldBytes) {
        return false;
      }
      held.addLast(batch);
      heldBytes += batch.bytes();
      return true;
    }

    /**
     * Forwards what was held, oldest first, then everything. What the target refuses of the held
     * batches was already answered as accepted: the target counts it dropped, as it does any refusal.
     */
    synchronized void connect(OtlpSink sink) {
      if (target != null) {
        throw new IllegalStateException("already connected");
      }
      for (ReceivedBatch b; (b = held.pollFirst()) != null; ) {
        sink.offer(b);
      }
      heldBytes = 0;
      target = sink;
    }

    synchronized long heldBytes() {
      return heldBytes;
    }
  }
}
