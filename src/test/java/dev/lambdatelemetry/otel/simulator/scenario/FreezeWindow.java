package dev.lambdatelemetry.otel.simulator.scenario;

import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;

/**
 * One real freeze of the extension process between invocations ({@link SimulatorOptions#freezeBetweenInvocations()}).
 *
 * @param afterRequestId the invocation whose end the freeze followed
 * @param suspendedNanos {@link System#nanoTime()} just before SIGSTOP was sent
 * @param resumedNanos   {@link System#nanoTime()} just after SIGCONT was sent
 */
public record FreezeWindow(String afterRequestId, long suspendedNanos, long resumedNanos) {

    /** Whether {@code nanoTime} falls while the process was stopped (bounds included). */
    public boolean contains(long nanoTime) {
        return nanoTime - suspendedNanos >= 0 && resumedNanos - nanoTime >= 0;
    }
}
