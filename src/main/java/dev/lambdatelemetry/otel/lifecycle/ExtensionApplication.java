package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ConfigValidator;
import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.config.OtelConfig;
import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.telemetry.InvocationBarrier;
import dev.lambdatelemetry.otel.telemetry.TcpTelemetryListener;
import dev.lambdatelemetry.otel.telemetry.TelemetryInbox;
import dev.lambdatelemetry.otel.telemetry.TelemetryReceiver;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Init after registration, once Quarkus is up and the HTTP listener is bound: validate the
 * configuration, start the telemetry side, subscribe, start the event loop. Any failure here is
 * reported with {@code init/error} and ends the process with a non-zero code.
 */
public class ExtensionApplication implements QuarkusApplication {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle");

  @Inject ExtensionConfig config;
  @Inject OtelConfig otel;
  @Inject InvocationBarrier barrier;
  @Inject TelemetryInbox inbox;
  @Inject TelemetryReceiver receiver;
  @Inject Vertx vertx;

  private final AtomicInteger exitCode = new AtomicInteger();

  @Override
  public int run(String... args) {
    Bootstrap bootstrap = Bootstrap.process();
    Bootstrap.Registered registered = bootstrap.registration();
    if (registered == null) {
      LOG.error("not registered: start the extension through its launcher (Main)");
      return 1;
    }
    Registration registration = registered.registration();
    boolean managed = !registration.receivesInvokes();
    List<String> problems = ConfigValidator.problems(config, managed);
    // The OTEL_* values never fail init: what is ignored of them is logged once, here.
    OtelSettings otelSettings =
        OtelSettings.from(otel, OtelSettings.OwnDestination.of(config.otlp())).logWarnings();
    if (!problems.isEmpty()) {
      bootstrap.initFailed("ConfigInvalid", String.join("; ", problems));
      return 1;
    }
    LifecycleClock clock = LifecycleClock.SYSTEM;
    // Bound beside the subscription: the function's runtime is starting, and its SDK may export
    // during its own init, so the endpoint must listen before our first next.
    FunctionReceiver functionReceiver =
        FunctionReceiver.start(config, otelSettings, vertx, Clock.systemUTC());
    TelemetryMode mode;
    Ready<TelemetrySide> telemetry;
    long bootedNanos = System.nanoTime();
    long subscribedNanos;
    try {
      if (config.listener().protocol() == ExtensionConfig.Protocol.TCP) {
        listenOnTcp(); // a port in use must fail init, so this stays on the start-up path
      }
      telemetry = new TelemetryStartup(config, otel, otelSettings, functionReceiver, System.getenv(),
          inbox, receiver, barrier, clock).start(registration);
      TelemetryApiClient telemetryApi =
          new TelemetryApiClient(System.getenv(LambdaApi.ENV_RUNTIME_API));
      SubscribeOutcome outcome =
          telemetryApi.subscribe(
              registration.extensionId(), telemetryApi.subscriptionBody(config, managed));
      if (outcome instanceof SubscribeOutcome.Failed f) {
        bootstrap.initFailed(
            "SubscribeFailed",
            "Telemetry API subscription failed: " + (f.status() < 0 ? "" : f.status() + " ")
                + (f.errorType() == null ? "" : f.errorType() + ": ") + f.message());
        return 1;
      }
      mode = TelemetryMode.of(outcome, managed, config.subscription());
      subscribedNanos = System.nanoTime();
      if (!mode.expectsTelemetry()) {
        LOG.warn("the Telemetry API is not supported here (a local emulator?): the lifecycle goes on,"
            + " no telemetry will arrive");
      }
    } catch (RuntimeException e) {
      bootstrap.initFailed(Main.describe(e));
      return 1;
    }
    FailOpen guard = new FailOpen();
    Barrier waits = Barrier.over(barrier);
    EventLoop loop =
        new EventLoop(
            registered.api(),
            new InvocationFlow(
                telemetry, waits, InvocationFlow.Settings.from(config), mode, guard, clock),
            new ShutdownSequence(
                telemetry, waits, ShutdownSequence.Settings.from(config), mode, guard, clock),
            this::loopEnded);
    functionReceiver.awaitListening();
    long t0 = registered.processStartNanos();
    LOG.infof("ready in %d ms (registered %d, Quarkus up %d, subscribed %d; local OTLP endpoint %s)%s",
        ms(System.nanoTime() - t0), ms(registration.registeredAtNanos() - t0), ms(bootedNanos - t0),
        ms(subscribedNanos - t0), functionReceiver.state().value(),
        mode.expectsTelemetry() ? "" : "; no telemetry: local mode");
    bootstrap.markInitCompleted();
    loop.start();
    Quarkus.waitForExit();
    return exitCode.get();
  }

  /** Starts the TCP listener the subscription names (the {@code TCP} protocol). */
  private void listenOnTcp() {
    TcpTelemetryListener tcp;
    try {
      String host = System.getProperty("quarkus.http.host", ListenerAddress.LOOPBACK);
      tcp = new TcpTelemetryListener(InetAddress.getByName(host), config.listener().port(), receiver,
          ListenerProducers.maxBodyBytes(config));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on TCP port " + config.listener().port() + " (lambda-telemetry.listener.port)",
          e);
    }
    tcp.start();
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  private void loopEnded(int code) {
    exitCode.set(code);
    // Quarkus stops its own services on the way out; the watchdog makes sure we are gone by the
    // SHUTDOWN deadline whatever a stuck thread does (Lambda would SIGKILL us anyway). Measured: the
    // JVM's own exit then takes ~300 ms, because it waits up to 300 ms for threads blocked in native
    // I/O (selectors); halting at once does not avoid that. Well inside the 2 s SHUTDOWN budget.
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(Math.max(50, config.shutdown().safetyMargin().toMillis() / 2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(code);
    }, "exit-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Quarkus.asyncExit(code);
  }
}
