package dev.lambdatelemetry.otel.lifecycle;

import org.jboss.logging.Logger;

/**
 * Hands the registration done by {@link Main} before Quarkus booted over to the application, and
 * guarantees that any failure between registering and the first {@code next} is reported with
 * {@code init/error} exactly once (Lambda then fails the init with the reason, instead of waiting for
 * the init timeout).
 */
final class Bootstrap {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle");

  private static volatile ExtensionsApiClient api;
  private static volatile Registration registration;
  private static volatile long processStartNanos;
  private static volatile boolean initCompleted;
  private static volatile boolean errorReported;

  private Bootstrap() {}

  static void registered(ExtensionsApiClient client, Registration r, long startNanos) {
    api = client;
    registration = r;
    processStartNanos = startNanos;
  }

  static ExtensionsApiClient api() {
    return api;
  }

  static Registration registration() {
    return registration;
  }

  static long processStartNanos() {
    return processStartNanos;
  }

  /** The event loop is about to call {@code next} for the first time. */
  static void markInitCompleted() {
    initCompleted = true;
  }

  static boolean isInitCompleted() {
    return initCompleted;
  }

  /** Reports an init failure once; {@code reason} goes after {@code Extension.}. */
  static synchronized void initFailed(String reason, String message) {
    if (errorReported || initCompleted || api == null) {
      return;
    }
    errorReported = true;
    LOG.error("initialisation failed: " + message);
    try {
      api.initError("Extension." + reason, message);
    } catch (RuntimeException e) {
      LOG.debug("init/error could not be sent", e);
    }
  }

  static void initFailed(String message) {
    initFailed(message.contains("lambda-telemetry.") || message.contains("otel.")
        ? "ConfigInvalid" : "InitError", message);
  }
}
