/**
 * Configuration: one {@code @ConfigMapping} root under {@code lambda-telemetry}, checked once at
 * start-up by {@link dev.lambdatelemetry.otel.config.ConfigValidator} (the only place that may fail
 * init), plus the standard {@code OTEL_*} settings, which only warn ({@link
 * dev.lambdatelemetry.otel.config.OtelSettings}).
 */
package dev.lambdatelemetry.otel.config;
