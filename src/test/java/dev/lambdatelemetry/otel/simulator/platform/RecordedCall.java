package dev.lambdatelemetry.otel.simulator.platform;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request the extension made to the simulated platform, as received, with the status it was answered.
 *
 * @param method     HTTP method
 * @param path       request path without query
 * @param headers    request headers, names in lower case
 * @param body       request body as UTF-8 text (empty when none)
 * @param receivedAt wall-clock time the request arrived
 * @param nanoTime   {@link System#nanoTime()} when the request arrived, for durations
 * @param status     status answered, or -1 while a long poll is still pending
 */
public record RecordedCall(String method, String path, Map<String, List<String>> headers, String body,
        Instant receivedAt, long nanoTime, int status) {

    /** The first value of header {@code name} (any case). */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    RecordedCall withStatus(int newStatus) {
        return new RecordedCall(method, path, headers, body, receivedAt, nanoTime, newStatus);
    }
}
