package dev.lambdatelemetry.otel.lifecycle;

import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * The extension's life after init, on one named thread: {@code next}; an INVOKE goes through the
 * {@link InvocationFlow} (wait for the invocation's {@code platform.runtimeDone}, flush), then
 * {@code next} again; SHUTDOWN goes through the {@link ShutdownSequence}, then the loop ends with the
 * process's exit code.
 *
 * <p>Why it waits and flushes before {@code next}: calling {@code next} tells Lambda we are done, and
 * Lambda then freezes the whole sandbox, our threads and sockets included, possibly for hours or for
 * ever. Data not exported before {@code next} leaves only at the next thaw; a request in flight
 * across the freeze is cut. See https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
 *
 * <p>Fail open: whatever the telemetry side does, the loop calls {@code next} on time; every wait
 * is bounded by the invocation's deadline, every step that calls the telemetry side is guarded
 * ({@link FailOpen}), and a failure of the loop itself ends the process rather than leaving it
 * without a loop.
 */
final class EventLoop implements Runnable {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle.loop");
  static final String THREAD_NAME = "lambda-event-loop";

  private final ExtensionsApiClient api;
  private final InvocationFlow invocation;
  private final ShutdownSequence shutdown;
  private final IntConsumer exit;

  /**
   * @param exit called once with the process exit code when the loop ends
   */
  EventLoop(ExtensionsApiClient api, InvocationFlow invocation, ShutdownSequence shutdown,
      IntConsumer exit) {
    this.api = api;
    this.invocation = invocation;
    this.shutdown = shutdown;
    this.exit = exit;
  }

  /** Starts the loop on its own named thread. */
  Thread start() {
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

  private int loop() throws InterruptedException {
    long invocations = 0;
    String lastRequestId = null;
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
        invocations++;
        lastRequestId = invoke.requestId();
        invocation.run(invoke);
      } else if (event instanceof NextEvent.Shutdown s) {
        LOG.debugf("SHUTDOWN (%s) after %d invocations", s.reason(), invocations);
        shutdown.run(s, lastRequestId);
        return 0;
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
