package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ExtensionConfig;

/** What telemetry the lifecycle can count on, decided once, at init, from the subscription. */
enum TelemetryMode {

  /**
   * Subscribed with {@code platform} events, on a function invoked on demand: each invocation waits
   * for its {@code platform.runtimeDone} before the flush, SHUTDOWN for the last {@code
   * platform.report}.
   */
  PLATFORM_EVENTS,

  /**
   * Subscribed, but no platform event to wait for (Lambda Managed Instances, or a subscription that
   * leaves out {@code platform}): waiting would only delay every invocation. At SHUTDOWN the listener
   * stays for the platform's late deliveries.
   */
  TELEMETRY_WITHOUT_PLATFORM_EVENTS,

  /** Local mode: the Telemetry API answered 202 (an emulator), nothing will ever be delivered. */
  NO_TELEMETRY;

  /** The mode for a subscription that ended with {@code outcome}. */
  static TelemetryMode of(
      SubscribeOutcome outcome, boolean managedInstances, ExtensionConfig.Subscription subscription) {
    if (!(outcome instanceof SubscribeOutcome.Subscribed)) {
      return NO_TELEMETRY;
    }
    return !managedInstances && subscription.types().contains("platform")
        ? PLATFORM_EVENTS
        : TELEMETRY_WITHOUT_PLATFORM_EVENTS;
  }

  /** Whether the platform's events of each invocation will come, to be waited for. */
  boolean awaitsPlatformEvents() {
    return this == PLATFORM_EVENTS;
  }

  /** Whether any delivery will come at all. */
  boolean expectsTelemetry() {
    return this != NO_TELEMETRY;
  }
}
