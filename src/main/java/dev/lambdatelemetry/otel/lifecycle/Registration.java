package dev.lambdatelemetry.otel.lifecycle;

import java.util.List;

/**
 * The answer to {@code register}: what the rest of the extension needs from it.
 *
 * @param extensionId the {@code Lambda-Extension-Identifier} to send on every later call
 * @param accountId present only when the {@code accountId} feature was granted; nullable
 * @param events the events we registered for
 * @param registeredAtNanos {@link System#nanoTime()} when the answer arrived
 */
public record Registration(
    String extensionId,
    String accountId,
    List<String> events,
    long registeredAtNanos) {

  /** True when INVOKE events will come (not on Lambda Managed Instances). */
  public boolean receivesInvokes() {
    return events.contains("INVOKE");
  }
}
