package dev.lambdatelemetry.otel.simulator.platform;

/** Which platform the simulator plays. */
public enum SimulatorMode {
  /** On-demand Lambda: INVOKE and SHUTDOWN, runtimeDone, late reports. */
  DEFAULT,
  /** Lambda Managed Instances: SHUTDOWN-only registration, schema 2025-01-29, interleaved invocations. */
  MANAGED_INSTANCES,
  /** A local emulator (classic RIE): subscribe answers 202 Telemetry.NotSupported, nothing is delivered. */
  LOCAL_202;

  /** Parses the CLI spelling: {@code default}, {@code managed-instances}, {@code local-202}. */
  public static SimulatorMode fromCli(String value) {
    return switch (value) {
      case "default" -> DEFAULT;
      case "managed-instances" -> MANAGED_INSTANCES;
      case "local-202" -> LOCAL_202;
      default -> throw new IllegalArgumentException(
          "--mode must be default, managed-instances or local-202, not " + value);
    };
  }
}
