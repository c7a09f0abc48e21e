/**
 * The typed Telemetry API event model: one record per {@code platform.*} type, log lines for the
 * {@code function} and {@code extension} streams, and {@link dev.lambdatelemetry.otel.telemetry.model.Unknown}
 * for anything else, so a new AWS type never costs a batch. Fields the platform may omit are nullable.
 */
package dev.lambdatelemetry.otel.telemetry.model;
