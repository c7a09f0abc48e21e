package dev.lambdatelemetry.otel.lifecycle;

/** What {@code GET /2020-01-01/extension/event/next} returned. */
public sealed interface NextEvent {

  /**
   * An INVOKE event.
   *
   * @param deadlineMs absolute epoch milliseconds at which the invocation times out
   * @param tracingValue the X-Ray header, or null when the request is not traced
   */
  record Invoke(String requestId, long deadlineMs, String invokedFunctionArn, String tracingValue)
      implements NextEvent {}

  /**
   * A SHUTDOWN event.
   *
   * @param reason as sent, e.g. {@code spindown}, {@code timeout}, {@code failure}
   * @param deadlineMs absolute epoch milliseconds by which the process must have exited
   */
  record Shutdown(String reason, long deadlineMs) implements NextEvent {}
}
