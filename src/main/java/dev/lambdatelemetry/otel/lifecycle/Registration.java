package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.json.JsonReader;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import java.util.List;

/**
 * The answer to {@code register}: what the rest of the extension needs from it.
 *
 * <p>The answer's body is kept as it came and read only when the account id is asked for, by the
 * telemetry side as it builds the resource, on its own thread: reading JSON loads the JSON parser
 * (measured 60-80 ms cold on a plain JVM), and register happens on the start-up path, before Quarkus
 * boots, where every millisecond delays our first {@code next}, the end of the function's init.
 *
 * @param extensionId the {@code Lambda-Extension-Identifier} to send on every later call
 * @param answer the register answer's body (JSON text); nullable
 * @param events the events we registered for
 * @param registeredAtNanos {@link System#nanoTime()} when the answer arrived
 */
public record Registration(
    String extensionId,
    String answer,
    List<String> events,
    long registeredAtNanos) {

  /** True when INVOKE events will come (not on Lambda Managed Instances). */
  public boolean receivesInvokes() {
    return events.contains(LambdaApi.EVENT_INVOKE);
  }

  /**
   * The account id, present only when the {@code accountId} feature was granted; null otherwise, and
   * when the body is not a JSON object (a minimal emulator): that must not fail a granted registration.
   */
  public String accountId() {
    return answer == null
        ? null
        : JsonReader.parseOrNull(answer) instanceof JsonObject body
            && body.get("accountId") instanceof JsonString id ? id.value() : null;
  }
}
