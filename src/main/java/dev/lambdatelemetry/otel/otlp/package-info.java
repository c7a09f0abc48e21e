/**
 * The local OTLP endpoint for the function's own telemetry: OTLP/HTTP (protobuf and JSON) and OTLP/gRPC
 * on loopback, answered at once, kept as protobuf bytes in a bounded queue, and written out again
 * unchanged as {@code Export*ServiceRequest}s by the existing senders.
 */
package dev.lambdatelemetry.otel.otlp;
