package dev.lambdatelemetry.otel.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.telemetry.BatchParser;
import dev.lambdatelemetry.otel.telemetry.InvocationBarrier;
import dev.lambdatelemetry.otel.telemetry.TcpTelemetryListener;
import dev.lambdatelemetry.otel.telemetry.TelemetryInbox;
import dev.lambdatelemetry.otel.telemetry.TelemetryProcessor;
import dev.lambdatelemetry.otel.telemetry.TelemetryReceiver;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/**
 * Builds and owns the parts of the running extension and wires them together: the inbox the
 * listeners fill, the processing thread, the converter, the export pipeline and the hooks the event
 * loop calls. Kept in one place so start-up order is visible.
 */
@Singleton
public class ExtensionComponents {

  @Inject ExtensionConfig config;
  @Inject ObjectMapper mapper;

  private final InvocationBarrier barrier = new InvocationBarrier();
  private TelemetryInbox inbox;
  private TelemetryReceiver receiver;
  private TelemetryProcessor processor;
  private TcpTelemetryListener tcpListener;

  /** The receiver the HTTP resource hands bodies to. */
  @Produces
  @Singleton
  TelemetryReceiver receiver() {
    return receiverInstance();
  }

  /** The inbox between the listeners and the processing thread. */
  @Produces
  @Singleton
  TelemetryInbox inbox() {
    return inboxInstance();
  }

  /** Adds the export side's configuration problems to {@code problems}. */
  List<String> validate(List<String> problems) {
    return problems;
  }

  /** Starts the processing thread and, for the TCP protocol, the TCP listener. */
  void start(Registration registration) {
    processor =
        new TelemetryProcessor(inboxInstance(), new BatchParser(mapper), event -> {}, barrier);
    processor.start();
    if (config.listener().protocol() == ExtensionConfig.Protocol.TCP) {
      try {
        String host = System.getProperty("quarkus.http.host", ListenerAddress.LOOPBACK);
        tcpListener =
            new TcpTelemetryListener(
                InetAddress.getByName(host),
                config.listener().port(),
                receiverInstance(),
                (int) Math.min(Integer.MAX_VALUE, config.inbox().maxBytes()));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot listen on TCP port " + config.listener().port() + " (lambda-telemetry.listener.port)",
            e);
      }
      tcpListener.start();
    }
  }

  InvocationBarrier barrier() {
    return barrier;
  }

  TelemetryHooks hooks() {
    return new TelemetryHooks() {
      @Override
      public void invokeStarted(NextEvent.Invoke invoke, Instant now) {}

      @Override
      public void invokeFinished(NextEvent.Invoke invoke, Instant flushDeadline) {}

      @Override
      public void shutdown(Instant deadline) {}
    };
  }

  private synchronized TelemetryInbox inboxInstance() {
    if (inbox == null) {
      inbox = new TelemetryInbox(config.inbox().maxBatches(), config.inbox().maxBytes());
    }
    return inbox;
  }

  private synchronized TelemetryReceiver receiverInstance() {
    if (receiver == null) {
      receiver =
          new TelemetryReceiver(
              inboxInstance(),
              config.listener().path(),
              (int) Math.min(Integer.MAX_VALUE, config.inbox().maxBytes()));
    }
    return receiver;
  }
}
