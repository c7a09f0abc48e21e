package dev.lambdatelemetry.otel.lifecycle;

/** How {@code PUT /2022-07-01/telemetry} was answered. */
public sealed interface SubscribeOutcome {

  /** 200: telemetry will be delivered. */
  record Subscribed() implements SubscribeOutcome {}

  /** 202 {@code Telemetry.NotSupported}: a local emulator; nothing will ever be delivered. */
  record NotSupported(String message) implements SubscribeOutcome {}

  /**
   * Any other answer (400, 403, 500, 404 from old emulators) or no answer at all.
   *
   * @param status HTTP status, -1 when the API could not be reached
   */
  record Failed(int status, String errorType, String message) implements SubscribeOutcome {}
}
