package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.config.MemoryBudget;
import dev.lambdatelemetry.otel.config.OtelConfig;
import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.export.ExportPipeline;
import dev.lambdatelemetry.otel.export.FlushPolicy;
import dev.lambdatelemetry.otel.export.ResourceFactory;
import dev.lambdatelemetry.otel.telemetry.BatchParser;
import dev.lambdatelemetry.otel.telemetry.InvocationBarrier;
import dev.lambdatelemetry.otel.telemetry.ListenerMetrics;
import dev.lambdatelemetry.otel.telemetry.TcpTelemetryListener;
import dev.lambdatelemetry.otel.telemetry.TelemetryInbox;
import dev.lambdatelemetry.otel.telemetry.TelemetryProcessor;
import dev.lambdatelemetry.otel.telemetry.TelemetryReceiver;
import dev.lambdatelemetry.otel.translate.ConverterOptions;
import dev.lambdatelemetry.otel.translate.IdSource;
import dev.lambdatelemetry.otel.translate.LogTranslator;
import dev.lambdatelemetry.otel.translate.TelemetryConverter;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Builds and owns the parts of the running extension and wires them together: the inbox the
 * listeners fill, the processing thread, the converter, the export pipeline and the hooks the event
 * loop calls. Kept in one place so start-up order is visible.
 */
@Singleton
public class ExtensionComponents {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle");

  /** Background export interval on Lambda Managed Instances unless a strategy says otherwise. */
  static final java.time.Duration CONTINUOUS_INTERVAL = java.time.Duration.ofSeconds(1);
  /** The export warm-up gives up after this long (a dead or hanging collector). */
  static final java.time.Duration WARM_UP_BUDGET = java.time.Duration.ofSeconds(2);

  @Inject ExtensionConfig config;
  @Inject OtelConfig otel;

  private final InvocationBarrier barrier = new InvocationBarrier();
  private TelemetryInbox inbox;
  private TelemetryReceiver receiver;
  private TelemetryProcessor processor;
  private TcpTelemetryListener tcpListener;
  private volatile TelemetryConverter converter;
  private volatile ListenerMetrics listenerMetrics;
  private final CompletableFuture<PipelineHooks> ready = new CompletableFuture<>();

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
    List<String> all = new ArrayList<>(problems);
    try {
      OtelSettings.validate(otel);
    } catch (IllegalArgumentException e) {
      all.add(e.getMessage());
    }
    return all; // the flush strategy is checked with the other settings, in ConfigValidator
  }

  /** Starts the processing thread and, for the TCP protocol, the TCP listener. */
  void start(Registration registration) {
    if (config.listener().protocol() == ExtensionConfig.Protocol.TCP) {
      bindTcpListener(); // a port in use must fail init, so this stays on the start-up path
    }
    // Everything else is only needed once telemetry flows or the first flush comes: build it on its
    // own thread so that the first next (the end of our init) is not held up by it.
    Thread t = new Thread(() -> {
      try {
        ready.complete(buildTelemetry(registration));
      } catch (RuntimeException | LinkageError e) {
        LOG.error("telemetry could not start; the extension goes on without it", e);
        ready.completeExceptionally(e);
      }
    }, "telemetry-init");
    t.setDaemon(true);
    t.start();
  }

  private PipelineHooks buildTelemetry(Registration registration) {
    String initType = System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE");
    Resource resource = ResourceFactory.create(System.getenv(), otel, registration.accountId());
    ExportPipeline pipeline = ExportPipeline.create(config.export(), otel,
        () -> converter == null ? resource : converter.resource(), this::collectMetrics);
    converter =
        new TelemetryConverter(
            resource,
            pipeline,
            new ConverterOptions(
                config.conversion().platformLogLines(),
                config.conversion().maxOpenInvocations(),
                initType,
                ResourceFactory.userSetServiceInstanceId(otel)),
            new LogTranslator()::translate,
            IdSource.secureRandom());
    processor =
        new TelemetryProcessor(inboxInstance(), new BatchParser(), converter::accept, barrier);
    processor.start();
    TelemetryConverter c = converter;
    listenerMetrics = new ListenerMetrics(inboxInstance(), receiverInstance(), processor,
        new ListenerMetrics.ConverterCounts(
            c::failedEvents, c::unknownEvents, c::evictedInvocations, c::failedOperations),
        java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()));
    FlushPolicy policy = FlushPolicy.from(config.export());
    if (!registration.receivesInvokes() && policy.backgroundInterval().isEmpty()) {
      // Managed Instances: no INVOKE, and the environment never freezes: export in the background.
      policy = new FlushPolicy(new FlushPolicy.Continuous(CONTINUOUS_INTERVAL));
    }
    policy.backgroundInterval().ifPresent(pipeline::startBackground);
    // While the function's runtime initialises: load the export path and open the connection.
    Thread warm = new Thread(
        () -> pipeline.warmUp(java.time.Instant.now().plus(WARM_UP_BUDGET)), "export-warm-up");
    warm.setDaemon(true);
    warm.start();
    return new PipelineHooks(
        inboxInstance(), converter, pipeline, policy, config.export().flushBudget(),
        config.export().firstFlushBudget());
  }

  private void bindTcpListener() {
    try {
      String host = System.getProperty("quarkus.http.host", ListenerAddress.LOOPBACK);
      tcpListener =
          new TcpTelemetryListener(
              InetAddress.getByName(host),
              config.listener().port(),
              receiverInstance(),
              (int) Math.min(Integer.MAX_VALUE, inboxBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on TCP port " + config.listener().port() + " (lambda-telemetry.listener.port)",
          e);
    }
    tcpListener.start();
  }

  InvocationBarrier barrier() {
    return barrier;
  }

  TelemetryHooks hooks() {
    return new DeferredHooks(ready);
  }

  private Collection<MetricData> collectMetrics() {
    TelemetryConverter c = converter;
    ListenerMetrics l = listenerMetrics;
    if (c == null || l == null) {
      return List.of();
    }
    Collection<MetricData> conversion = c.collectMetrics();
    if (conversion.isEmpty()) {
      return conversion; // nothing converted yet: nothing worth a metrics request either
    }
    List<MetricData> all = new ArrayList<>(conversion);
    all.addAll(l.collect(c.resource(),
        java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis())));
    return all;
  }

  private synchronized TelemetryInbox inboxInstance() {
    if (inbox == null) {
      inbox = new TelemetryInbox(config.inbox().maxBatches(), inboxBytes());
    }
    return inbox;
  }

  private synchronized TelemetryReceiver receiverInstance() {
    if (receiver == null) {
      receiver =
          new TelemetryReceiver(
              inboxInstance(),
              config.listener().path(),
              (int) Math.min(Integer.MAX_VALUE, inboxBytes()),
              barrier::arrived);
    }
    return receiver;
  }

  private long inboxBytes() {
    return MemoryBudget.inboxBytes(config, MemoryBudget.maxHeap());
  }
}
