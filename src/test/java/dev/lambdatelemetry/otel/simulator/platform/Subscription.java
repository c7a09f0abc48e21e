package dev.lambdatelemetry.otel.simulator.platform;

import java.net.URI;
import java.util.List;

/**
 * A validated Telemetry API subscription.
 *
 * @param extensionName the subscribing extension
 * @param schemaVersion the requested schema version
 * @param types         the categories subscribed to ({@code platform}, {@code function}, {@code extension})
 * @param maxItems      buffering.maxItems
 * @param maxBytes      buffering.maxBytes
 * @param timeoutMs     buffering.timeoutMs
 * @param httpTarget    HTTP destination with sandbox.localdomain resolved to 127.0.0.1, or null for TCP
 * @param tcpPort       TCP destination port, or 0 for HTTP
 */
record Subscription(String extensionName, String schemaVersion, List<String> types, int maxItems, int maxBytes,
    int timeoutMs, URI httpTarget, int tcpPort) {

  Subscription {
    types = List.copyOf(types);
  }

  boolean wants(PlatformEvents.Event event) {
    return types.contains(event.category());
  }

  String destination() {
    return httpTarget != null ? httpTarget.toString() : "tcp://127.0.0.1:" + tcpPort;
  }
}
