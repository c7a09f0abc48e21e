package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.config.MemoryBudget;
import dev.lambdatelemetry.otel.telemetry.InvocationBarrier;
import dev.lambdatelemetry.otel.telemetry.TelemetryInbox;
import dev.lambdatelemetry.otel.telemetry.TelemetryReceiver;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The beans the listeners need before anything else: the receiver the HTTP resource hands bodies
 * to, the inbox it fills, and the barrier it signals on each delivery. The rest of the extension is
 * built by plain code ({@link TelemetryStartup}, {@link ExtensionApplication}), not by CDI.
 */
@Singleton
public class ListenerProducers {

  /** What the listeners signal, and the lifecycle waits on. */
  @Produces
  @Singleton
  InvocationBarrier barrier() {
    return new InvocationBarrier();
  }

  /** The inbox between the listeners and the processing thread. */
  @Produces
  @Singleton
  TelemetryInbox inbox(ExtensionConfig config) {
    return new TelemetryInbox(config.inbox().maxBatches(), inboxBytes(config));
  }

  /** The receiver the HTTP resource (and the TCP listener) hand bodies to. */
  @Produces
  @Singleton
  TelemetryReceiver receiver(ExtensionConfig config, TelemetryInbox inbox, InvocationBarrier barrier) {
    return new TelemetryReceiver(
        inbox, config.listener().path(), maxBodyBytes(config), barrier::arrived);
  }

  /** The largest body a listener takes: what the inbox holds. */
  static int maxBodyBytes(ExtensionConfig config) {
    return (int) Math.min(Integer.MAX_VALUE, inboxBytes(config));
  }

  private static long inboxBytes(ExtensionConfig config) {
    return MemoryBudget.inboxBytes(config, MemoryBudget.maxHeap());
  }
}
