package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ConfigValidator;
import dev.lambdatelemetry.otel.config.ExtensionConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
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
  @Inject ExtensionComponents components;

  private final AtomicInteger exitCode = new AtomicInteger();

  @Override
  public int run(String... args) {
    Registration registration = Bootstrap.registration();
    if (registration == null) {
      LOG.error("not registered: start the extension through its launcher (Main)");
      return 1;
    }
    boolean managed = !registration.receivesInvokes();
    List<String> problems = ConfigValidator.problems(config, managed);
    problems = components.validate(problems);
    if (!problems.isEmpty()) {
      Bootstrap.initFailed("ConfigInvalid", String.join("; ", problems));
      return 1;
    }
    ExtensionsApiClient api = Bootstrap.api();
    boolean telemetryExpected;
    long bootedNanos = System.nanoTime();
    long subscribedNanos;
    try {
      components.start(registration);
      TelemetryApiClient telemetryApi =
          new TelemetryApiClient(System.getenv("AWS_LAMBDA_RUNTIME_API"));
      SubscribeOutcome outcome =
          telemetryApi.subscribe(
              registration.extensionId(), telemetryApi.subscriptionBody(config, managed));
      if (outcome instanceof SubscribeOutcome.Failed f) {
        Bootstrap.initFailed(
            "SubscribeFailed",
            "Telemetry API subscription failed: " + (f.status() < 0 ? "" : f.status() + " ")
                + (f.errorType() == null ? "" : f.errorType() + ": ") + f.message());
        return 1;
      }
      telemetryExpected = outcome instanceof SubscribeOutcome.Subscribed;
      subscribedNanos = System.nanoTime();
      if (!telemetryExpected) {
        LOG.warn("the Telemetry API is not supported here (a local emulator?): the lifecycle goes on,"
            + " no telemetry will arrive");
      }
    } catch (RuntimeException e) {
      Bootstrap.initFailed(Main.describe(e));
      return 1;
    }
    boolean waitForRuntimeDone =
        telemetryExpected && !managed && config.subscription().types().contains("platform");
    EventLoop loop =
        new EventLoop(
            api,
            components.barrier(),
            components.hooks(),
            config.invoke(),
            config.shutdown(),
            waitForRuntimeDone,
            telemetryExpected,
            this::loopEnded);
    long t0 = Bootstrap.processStartNanos();
    LOG.infof("ready in %d ms (registered %d, Quarkus up %d, subscribed %d)%s",
        ms(System.nanoTime() - t0), ms(registration.registeredAtNanos() - t0), ms(bootedNanos - t0),
        ms(subscribedNanos - t0),
        telemetryExpected ? "" : "; no telemetry: local mode");
    Bootstrap.markInitCompleted();
    loop.start();
    Quarkus.waitForExit();
    return exitCode.get();
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
