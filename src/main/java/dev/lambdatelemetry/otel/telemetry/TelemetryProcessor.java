package dev.lambdatelemetry.otel.telemetry;

import dev.lambdatelemetry.otel.telemetry.model.Report;
import dev.lambdatelemetry.otel.telemetry.model.RuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The one thread that parses delivered batches and feeds their events, in order, to the converter;
 * then tells the {@link InvocationBarrier} which requests are done. Conversion is stateful and
 * single-threaded by design: events of one invocation span several deliveries. Fail-open: an event
 * that cannot be converted is counted and skipped; its neighbours are still converted.
 */
public final class TelemetryProcessor {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.telemetry.processor");
  private static final long POLL_MS = 1_000;

  private final TelemetryInbox inbox;
  private final BatchParser parser;
  private final Consumer<TelemetryEvent> converter;
  private final InvocationBarrier barrier;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong malformedBodies = new AtomicLong();
  private final AtomicLong malformedElements = new AtomicLong();
  private final AtomicLong failedEvents = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();
  private volatile boolean running = true;
  private Thread thread;

  /** Creates a processor; {@link #start()} starts its thread. */
  public TelemetryProcessor(
      TelemetryInbox inbox,
      BatchParser parser,
      Consumer<TelemetryEvent> converter,
      InvocationBarrier barrier) {
    this.inbox = inbox;
    this.parser = parser;
    this.converter = converter;
    this.barrier = barrier;
  }

  /** Starts the named processing thread. */
  public synchronized void start() {
    if (thread == null) {
      thread = new Thread(this::run, "telemetry-processor");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Stops the thread after the current item. */
  public void stop() {
    running = false;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  /** Events converted so far. */
  public long events() {
    return events.get();
  }

  /** Bodies that were not a JSON array (answered 200 all the same). */
  public long malformedBodies() {
    return malformedBodies.get();
  }

  /** Array elements that could not be read as events. */
  public long malformedElements() {
    return malformedElements.get();
  }

  /** Events whose conversion threw through to us (an Error: the converter catches the rest). */
  public long failedEvents() {
    return failedEvents.get();
  }

  /** Batches whose processing threw (e.g. out of memory while parsing): their events are lost. */
  public long failedBatches() {
    return failedBatches.get();
  }

  private void run() {
    while (running) {
      try {
        TelemetryInbox.Work w = inbox.poll(POLL_MS);
        if (w instanceof TelemetryInbox.Batch b) {
          try {
            process(b);
          } catch (Throwable failure) {
            failedBatches.incrementAndGet();
            throw failure;
          }
        } else if (w instanceof TelemetryInbox.Task t) {
          runTask(t);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) { // fail open: never let the processing thread die
        LOG.debugf(t, "processing failed");
      }
    }
  }

  private void process(TelemetryInbox.Batch b) {
    BatchParser.ParseResult result = parser.parse(b.body(), b.receivedAt());
    if (result.malformedBody()) {
      malformedBodies.incrementAndGet();
    }
    malformedElements.addAndGet(result.malformedElements());
    for (TelemetryEvent e : result.events()) {
      try {
        converter.accept(e);
        events.incrementAndGet();
      } catch (RuntimeException | StackOverflowError | LinkageError ex) {
        // An Error too, when it is this event's own (a structure too deep, a class that fails to
        // link): its neighbours are still converted. Out of memory ends the batch (run counts it).
        failedEvents.incrementAndGet();
        LOG.debugf(ex, "could not convert a %s event", e.type());
      }
      if (e.record() instanceof RuntimeDone rd) {
        barrier.runtimeDone(rd.requestId());
      } else if (e.record() instanceof Report r) {
        barrier.reported(r.requestId());
      }
    }
  }

  private void runTask(TelemetryInbox.Task t) {
    try {
      t.runnable().run();
    } catch (RuntimeException ex) {
      LOG.debugf(ex, "task failed");
    }
  }
}
