/**
 * A built-in Lambda platform (test scope only, never in a production build): the Extensions API and the
 * Telemetry API served on loopback with RAPID's validation and answers, scripted {@link
 * dev.lambdatelemetry.otel.simulator.Scenario scenarios} delivered as realistic telemetry batches, a
 * conformance recorder of everything the extension sends, and a driver for the extension process.
 */
package dev.lambdatelemetry.otel.simulator;
