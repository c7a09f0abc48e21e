/** A minimal HTTP/1.1 wire format shared by the Runtime API clients and the OTLP/HTTP sender. */
package dev.lambdatelemetry.otel.http;
