package dev.lambdatelemetry.otel.simulator.platform;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * How the simulated platform behaves. Immutable; start from {@link #defaults()} and change with the
 * {@code with*} methods.
 *
 * @param mode                   which platform to play
 * @param functionName           AWS_LAMBDA_FUNCTION_NAME
 * @param functionVersion        AWS_LAMBDA_FUNCTION_VERSION
 * @param memoryMb               AWS_LAMBDA_FUNCTION_MEMORY_SIZE, in MiB
 * @param region                 AWS_REGION
 * @param accountId              returned on register only when the accountId feature is requested
 * @param handler                returned on register
 * @param expectedExtensionName  the name the extension must register with (its launcher's file name)
 * @param expectedExtensions     how many extensions must register before the runtime starts
 * @param initTimeout            the init budget (10 s on-demand)
 * @param shutdownBudget         SHUTDOWN deadlineMs = now + this (2 s with external extensions)
 * @param sequenceIdHeader       send {@code Sequence-Id: base64(sha256(body))} with each telemetry POST
 * @param classicRie             SHUTDOWN reason {@code SandboxTerminated}, no accountId (the classic local RIE)
 * @param slowListenerThreshold  a listener that takes longer to answer a POST is a violation
 * @param forcedSubscribeStatus  fault injection: answer every subscribe with this status (400, 403, 500)
 * @param rejectInvokeOnFirstRegister fault injection: the first register naming INVOKE gets 403 InvalidEventType
 * @param freezeBetweenInvocations how long the sandbox stays frozen after every invocation (zero: no real freeze).
 *                               When positive and a process is driven, the simulator SIGSTOPs the extension once it
 *                               called next and its telemetry delivery is idle, keeps it stopped this long, then
 *                               SIGCONTs it before the next event, exactly as Lambda freezes and thaws the sandbox
 */
public record SimulatorOptions(SimulatorMode mode, String functionName, String functionVersion, int memoryMb,
    String region, String accountId, String handler, String expectedExtensionName, int expectedExtensions,
    Duration initTimeout, Duration shutdownBudget, boolean sequenceIdHeader, boolean classicRie,
    Duration slowListenerThreshold, OptionalInt forcedSubscribeStatus, boolean rejectInvokeOnFirstRegister,
    Duration freezeBetweenInvocations) {

  /** The extension name the project registers with by default. */
  public static final String DEFAULT_EXTENSION_NAME = "lambda-telemetry-otel";

  /** On-demand defaults: a 128 MiB Node function {@code orders-api} in eu-west-3. */
  public static SimulatorOptions defaults() {
    return new SimulatorOptions(SimulatorMode.DEFAULT, "orders-api", "$LATEST", 128, "eu-west-3",
        "123456789012", "index.handler", DEFAULT_EXTENSION_NAME, 1, Duration.ofSeconds(10),
        Duration.ofSeconds(2), false, false, Duration.ofSeconds(1), OptionalInt.empty(), false, Duration.ZERO);
  }

  /** Defaults for {@code mode}: LOCAL_202 also behaves as the classic RIE, MANAGED_INSTANCES sends Sequence-Id. */
  public static SimulatorOptions defaults(SimulatorMode mode) {
    SimulatorOptions base = defaults();
    return switch (mode) {
      case DEFAULT -> base;
      case MANAGED_INSTANCES -> base.withMode(mode).withSequenceIdHeader(true);
      case LOCAL_202 -> base.withMode(mode).withClassicRie(true);
    };
  }

  public SimulatorOptions withMode(SimulatorMode value) {
    return new SimulatorOptions(value, functionName, functionVersion, memoryMb, region, accountId, handler,
        expectedExtensionName, expectedExtensions, initTimeout, shutdownBudget, sequenceIdHeader,
        classicRie, slowListenerThreshold, forcedSubscribeStatus, rejectInvokeOnFirstRegister,
        freezeBetweenInvocations);
  }

  public SimulatorOptions withShutdownBudget(Duration value) {
    return new SimulatorOptions(mode, functionName, functionVersion, memoryMb, region, accountId, handler,
        expectedExtensionName, expectedExtensions, initTimeout, value, sequenceIdHeader, classicRie,
        slowListenerThreshold, forcedSubscribeStatus, rejectInvokeOnFirstRegister,
        freezeBetweenInvocations);
  }

  public SimulatorOptions withInitTimeout(Duration value) {
    return new SimulatorOptions(mode, functionName, functionVersion, memoryMb, region, accountId, handler,
        expectedExtensionName, expectedExtensions, value, shutdownBudget, sequenceIdHeader, classicRie,
        slowListenerThreshold, forcedSubscribeStatus, rejectInvokeOnFirstRegister,
        freezeBetweenInvocations);
  }

  public SimulatorOptions withSequenceIdHeader(boolean value) {
    return new SimulatorOptions(mode, functionName, functionVersion, memoryMb, region, accountId, handler,
        expectedExtensionName, expectedExtensions, initTimeout, shutdownBudget, value, classicRie,
        slowListenerThreshold, forcedSubscribeStatus, rejectInvokeOnFirstRegister,
        freezeBetweenInvocations);
  }

  public SimulatorOptions withClassicRie(boolean value) {
    return new SimulatorOptions(mode, functionName, functionVersion, memoryMb, region, accountId, handler,
        expectedExtensionName, expectedExtensions, initTimeout, shutdownBudget, sequenceIdHeader, value,
        slowListenerThreshold, forcedSubscribeStatus, rejectInvokeOnFirstRegister,
        freezeBetweenInvocations);
  }

  public SimulatorOptions withForcedSubscribeStatus(int status) {
    return new SimulatorOptions(mode, functionName, functionVersion, memoryMb, region, accountId, handler,
        expectedExtensionName, expectedExtensions, initTimeout, shutdownBudget, sequenceIdHeader,
        classicRie, slowListenerThreshold, OptionalInt.of(status), rejectInvokeOnFirstRegister,
        freezeBetweenInvocations);
  }

  public SimulatorOptions withRejectInvokeOnFirstRegister(boolean value) {
    return new SimulatorOptions(mode, functionName, functionVersion, memoryMb, region, accountId, handler,
        expectedExtensionName, expectedExtensions, initTimeout, shutdownBudget, sequenceIdHeader,
        classicRie, slowListenerThreshold, forcedSubscribeStatus, value, freezeBetweenInvocations);
  }

  /**
   * Freezes the extension process for real (SIGSTOP, then SIGCONT after {@code value}) between invocations, after
   * it called next and before the next event; zero (the default) only pauses telemetry delivery, as before.
   */
  public SimulatorOptions withFreezeBetweenInvocations(Duration value) {
    if (value.isNegative()) {
      throw new IllegalArgumentException("freeze must not be negative: " + value);
    }
    return new SimulatorOptions(mode, functionName, functionVersion, memoryMb, region, accountId, handler,
        expectedExtensionName, expectedExtensions, initTimeout, shutdownBudget, sequenceIdHeader, classicRie,
        slowListenerThreshold, forcedSubscribeStatus, rejectInvokeOnFirstRegister, value);
  }

  /** The log stream name, which the platform uses as {@code instanceId}. */
  String instanceId() {
    return java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().replace('-', '/') + "/" + functionName
        + "[" + functionVersion + "]3f1c9a7e5b2d4c6e8f0a1b2c3d4e5f60";
  }

  public String functionArn() {
    return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
  }

  public String initializationType() {
    return mode == SimulatorMode.MANAGED_INSTANCES ? "lambda-managed-instances" : "on-demand";
  }
}
