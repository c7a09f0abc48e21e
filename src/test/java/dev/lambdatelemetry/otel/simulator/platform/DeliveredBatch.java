package dev.lambdatelemetry.otel.simulator.platform;

import java.util.List;

/**
 * One batch the platform delivered and the listener accepted.
 *
 * @param extensionName the subscriber
 * @param types         the event types in the batch, in order
 * @param requestIds    the request id of each event (null for events without one), in order
 * @param body          the JSON array as sent (for TCP: the events joined as an array, for inspection)
 * @param answeredNanos {@link System#nanoTime()} when the listener's answer arrived
 */
public record DeliveredBatch(String extensionName, List<String> types, List<String> requestIds, String body,
        long answeredNanos) {
}
