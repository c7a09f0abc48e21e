package dev.lambdatelemetry.otel.simulator.scenario;

import dev.lambdatelemetry.otel.simulator.platform.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A scripted life of one execution environment: a cold start, invocations, then SHUTDOWN.
 *
 * <p>A timed-out invocation resets the environment: the platform then sends SHUTDOWN with
 * reason {@code timeout}, and would re-initialise on the next invoke. The simulator does not restart the
 * extension process, so a timeout must be the <em>last</em> invocation and the final SHUTDOWN reason becomes
 * {@code timeout}. {@link #defaultScenario(int)} ends that way; use {@link Builder#shutdownReason} for
 * {@code spindown} or {@code failure} scenarios without a timeout.
 *
 * @param invocations     the invocations, in order
 * @param concurrent      Managed Instances: invocations run in overlapping pairs, no INVOKE events
 * @param functionTimeout the function timeout: each INVOKE's deadlineMs = start + this
 * @param runtimeInit     how long the simulated runtime takes to initialise
 * @param shutdownReason  the reason sent with SHUTDOWN; empty = derived (timeout after a timeout, else spindown)
 * @param benchmark       measure RSS (every 1 000 invocations) and CPU; the batch holding an invocation's
 *                        runtimeDone leaves at once instead of after the subscriber's timeoutMs
 * @param lateShutdownFlush Managed Instances only: the platform delivers nothing of the invocations while they
 *                        run, and flushes it all this long after sending SHUTDOWN (RAPID-LMI flushes its
 *                        buffers at shutdown); zero: telemetry leaves as it is produced
 */
public record Scenario(List<InvocationSpec> invocations, boolean concurrent, Duration functionTimeout,
    Duration runtimeInit, Optional<String> shutdownReason, boolean benchmark, Duration lateShutdownFlush) {

  public Scenario {
    invocations = List.copyOf(invocations);
    if (!lateShutdownFlush.isZero() && !concurrent) {
      throw new IllegalArgumentException("a late shutdown flush needs Managed Instances: an on-demand extension"
          + " waits for each invocation's runtimeDone");
    }
    for (int i = 0; i < invocations.size() - 1; i++) {
      if (invocations.get(i).outcome() == InvocationSpec.Outcome.TIMEOUT) {
        throw new IllegalArgumentException("a timeout resets the environment: it must be the last invocation");
      }
    }
  }

  /**
   * The default script: a cold start, then {@code invocations} invocations mixing sampled and unsampled,
   * text and JSON logs, one handled error, and a timeout as the last one (so SHUTDOWN reason {@code timeout}).
   * With fewer than 3 invocations there is no error/timeout and SHUTDOWN is {@code spindown}.
   */
  public static Scenario defaultScenario(int invocations) {
    Builder builder = builder();
    for (int i = 0; i < invocations; i++) {
      InvocationSpec spec = InvocationSpec.success().withSampled(i % 2 == 0)
          .withLogFormat(i % 3 == 1 ? InvocationSpec.LogFormat.JSON : InvocationSpec.LogFormat.TEXT)
          .withLogs(2 + i % 3, 40);
      if (invocations >= 3 && i == invocations - 2) {
        spec = spec.withOutcome(InvocationSpec.Outcome.ERROR);
      } else if (invocations >= 3 && i == invocations - 1) {
        spec = spec.withOutcome(InvocationSpec.Outcome.TIMEOUT);
      }
      builder.invoke(spec);
    }
    return builder.build();
  }

  /** Managed Instances: {@code invocations} JSON-logging invocations run in interleaved pairs. */
  public static Scenario managedInstances(int invocations) {
    return managedInstances(invocations, Duration.ZERO);
  }

  /** {@link #managedInstances(int)}, with their telemetry flushed only {@code lateShutdownFlush} after SHUTDOWN. */
  public static Scenario managedInstances(int invocations, Duration lateShutdownFlush) {
    Builder builder = builder().concurrent(true).lateShutdownFlush(lateShutdownFlush);
    for (int i = 0; i < invocations; i++) {
      builder.invoke(InvocationSpec.success().withSampled(i % 2 == 0).withLogFormat(InvocationSpec.LogFormat.JSON));
    }
    return builder.build();
  }

  /**
   * {@code n} warm, successful invocations as fast as the extension allows (handlers return at once), for
   * RSS/CPU/added-time numbers.
   */
  public static Scenario benchmark(int n) {
    Builder builder = builder().benchmark(true);
    for (int i = 0; i < n; i++) {
      builder.invoke(InvocationSpec.success().withSampled(i % 2 == 0).withLogs(1, 40)
          .withRuntimeDuration(Duration.ZERO));
    }
    return builder.build();
  }

  /** {@code n} invocations that each log about 1 MiB (1 000 lines of ~1 KiB), to fill batches to maxBytes. */
  public static Scenario logHeavy(int n) {
    return logHeavy(n, false);
  }

  /**
   * {@link #logHeavy(int)}; with {@code benchmark}, RSS and CPU are measured and each runtimeDone's batch leaves
   * at once instead of after the subscriber's timeoutMs, as in {@link #benchmark(int)}.
   */
  public static Scenario logHeavy(int n, boolean benchmark) {
    Builder builder = builder().benchmark(benchmark);
    for (int i = 0; i < n; i++) {
      builder.invoke(InvocationSpec.success().withLogs(1000, 1000));
    }
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The reason SHUTDOWN will carry in {@code options}' platform. */
  public String effectiveShutdownReason(SimulatorOptions options) {
    if (shutdownReason.isPresent()) {
      return shutdownReason.get();
    }
    if (options.classicRie()) {
      return "SandboxTerminated";
    }
    boolean endsInTimeout = !invocations.isEmpty()
        && invocations.get(invocations.size() - 1).outcome() == InvocationSpec.Outcome.TIMEOUT;
    return endsInTimeout ? "timeout" : "spindown";
  }

  /** Composes a scenario step by step. */
  public static final class Builder {
    private final List<InvocationSpec> invocations = new ArrayList<>();
    private boolean concurrent;
    private Duration functionTimeout = Duration.ofSeconds(1);
    private Duration runtimeInit = Duration.ofMillis(120);
    private Optional<String> shutdownReason = Optional.empty();
    private boolean benchmark;
    private Duration lateShutdownFlush = Duration.ZERO;

    private Builder() {
    }

    public Builder invoke(InvocationSpec spec) {
      invocations.add(spec);
      return this;
    }

    public Builder concurrent(boolean value) {
      concurrent = value;
      return this;
    }

    public Builder functionTimeout(Duration value) {
      functionTimeout = value;
      return this;
    }

    public Builder runtimeInit(Duration value) {
      runtimeInit = value;
      return this;
    }

    public Builder shutdownReason(String value) {
      shutdownReason = Optional.of(value);
      return this;
    }

    public Builder benchmark(boolean value) {
      benchmark = value;
      return this;
    }

    public Builder lateShutdownFlush(Duration value) {
      lateShutdownFlush = value;
      return this;
    }

    public Scenario build() {
      return new Scenario(invocations, concurrent, functionTimeout, runtimeInit, shutdownReason, benchmark,
          lateShutdownFlush);
    }
  }
}
