package dev.lambdatelemetry.otel.lifecycle;

import org.jboss.logging.Logger;

/**
 * Runs the steps of the lifecycle that call the telemetry side: whatever a step throws, {@link
 * Error}s included, the caller goes on to {@code next}. An {@code OutOfMemoryError} too: the step's
 * work (a flush, a conversion) is lost, but its objects are garbage once it has unwound, and the
 * alternative, a dead loop in a live process, stalls the function until Lambda times it out. The
 * first Error is logged at WARN (it says the memory budget or the code is wrong); the rest at DEBUG,
 * as they may repeat per invocation. One per event loop, used from its thread only.
 */
final class FailOpen {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle.loop");

  private boolean errorLogged;

  /** Runs {@code step}, named {@code what} in the log if it fails. */
  void run(String what, Runnable step) {
    try {
      step.run();
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
}
