package dev.lambdatelemetry.otel.lifecycle;

import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Hands the registration done by {@link Main} before Quarkus booted over to the application, and
 * guarantees that any failure between registering and the first {@code next} is reported with
 * {@code init/error} exactly once, and never after init completed (Lambda then fails the init with
 * the reason, instead of waiting for the init timeout). One per process ({@link #process()}); its
 * own instances in tests.
 */
final class Bootstrap {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle");
  private static final Bootstrap PROCESS = new Bootstrap();

  /**
   * What registering produced.
   *
   * @param api the client that registered: it carries the extension id
   * @param processStartNanos {@link System#nanoTime()} when the process started
   */
  record Registered(ExtensionsApiClient api, Registration registration, long processStartNanos) {}

  /** Where init stands, as far as reporting it goes: it leaves {@code RUNNING} once, either way. */
  enum InitState {
    RUNNING,
    /** The event loop is about to call {@code next} for the first time: nothing to report now. */
    COMPLETED,
    /** {@code init/error} was sent (or tried): never again. */
    FAILURE_REPORTED
  }

  private final AtomicReference<Registered> registered = new AtomicReference<>();
  private final AtomicReference<InitState> state = new AtomicReference<>(InitState.RUNNING);

  /** The process's bootstrap. */
  static Bootstrap process() {
    return PROCESS;
  }

  /**
   * Records the registration; once.
   *
   * @throws IllegalStateException when already registered
   */
  void registered(Registered r) {
    if (!registered.compareAndSet(null, r)) {
      throw new IllegalStateException("registered twice");
    }
  }

  /** The registration; null when the process was not started through {@link Main}. */
  Registered registration() {
    return registered.get();
  }

  /** The event loop is about to call {@code next} for the first time. */
  void markInitCompleted() {
    state.compareAndSet(InitState.RUNNING, InitState.COMPLETED);
  }

  boolean isInitCompleted() {
    return state.get() == InitState.COMPLETED;
  }

  /**
   * Reports an init failure, unless one was reported already, init completed, or nothing is
   * registered (there is no one to tell); {@code reason} goes after {@code Extension.}.
   */
  void initFailed(String reason, String message) {
    Registered r = registered.get();
    if (r == null || !state.compareAndSet(InitState.RUNNING, InitState.FAILURE_REPORTED)) {
      return;
    }
    LOG.error("initialisation failed: " + message);
    try {
      r.api().initError("Extension." + reason, message);
    } catch (RuntimeException e) {
      LOG.debug("init/error could not be sent", e);
    }
  }

  /** As {@link #initFailed(String, String)}, the reason told by the message. */
  void initFailed(String message) {
    initFailed(message.contains("lambda-telemetry.") || message.contains("otel.")
        ? "ConfigInvalid" : "InitError", message);
  }
}
