/** Configuration: one {@code @ConfigMapping} root under {@code lambda-telemetry}, plus the standard {@code OTEL_*} settings. */
package dev.lambdatelemetry.otel.config;
