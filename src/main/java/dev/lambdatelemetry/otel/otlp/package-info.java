/**
 * The local OTLP endpoint for the function's own telemetry: OTLP/HTTP (protobuf and JSON) and OTLP/gRPC
 * on loopback, answered at once, kept as protobuf bytes in a bounded queue, and written out again as
 * {@code Export*ServiceRequest}s by the existing senders. Between the endpoint and the queue,
 * {@link dev.lambdatelemetry.otel.otlp.FunctionIntake} removes spans sent twice, adds the environment's
 * attributes the function's resource lacks and indexes entry spans in
 * {@link dev.lambdatelemetry.otel.otlp.FunctionSpanIndex}, which applies the join's edits to the spans'
 * bytes when they are exported; nothing else of the function's data is changed.
 */
package dev.lambdatelemetry.otel.otlp;
