/**
 * General JSON reading, bounded against hostile input: {@link dev.lambdatelemetry.otel.json.JsonReader}
 * (Jackson's streaming parser with limits) into the small immutable tree of {@link
 * dev.lambdatelemetry.otel.json.JsonValue}.
 */
package dev.lambdatelemetry.otel.json;
