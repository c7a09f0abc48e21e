package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import dev.lambdatelemetry.otel.config.OtelConfig;
import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.export.ExportPipeline;
import dev.lambdatelemetry.otel.export.FlushPolicy;
import dev.lambdatelemetry.otel.export.ResourceFactory;
import dev.lambdatelemetry.otel.telemetry.BatchParser;
import dev.lambdatelemetry.otel.telemetry.InvocationBarrier;
import dev.lambdatelemetry.otel.telemetry.ListenerMetrics;
import dev.lambdatelemetry.otel.telemetry.TelemetryInbox;
import dev.lambdatelemetry.otel.telemetry.TelemetryProcessor;
import dev.lambdatelemetry.otel.telemetry.TelemetryReceiver;
import dev.lambdatelemetry.otel.otlp.FunctionIntake;
import dev.lambdatelemetry.otel.otlp.FunctionSpanIndex;
import dev.lambdatelemetry.otel.translate.ConverterOptions;
import dev.lambdatelemetry.otel.translate.FunctionTraces;
import dev.lambdatelemetry.otel.translate.JoinMode;
import dev.lambdatelemetry.otel.translate.IdSource;
import dev.lambdatelemetry.otel.translate.LogTranslator;
import dev.lambdatelemetry.otel.translate.TelemetryConverter;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Builds the telemetry side, in this order: the resource, the export pipeline, the converter, the
 * processing thread that feeds it from the inbox, the metrics about the listeners, the flush policy
 * (and with it background export on Managed Instances), and the export warm-up. It runs on its own
 * thread ({@link #start}): it is only needed once telemetry flows or the first flush comes, so the
 * first {@code next} (the end of our init) does not wait for it.
 */
final class TelemetryStartup {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.lifecycle");

  /** Background export interval on Lambda Managed Instances unless a strategy says otherwise. */
  static final Duration CONTINUOUS_INTERVAL = Duration.ofSeconds(1);
  /** The export warm-up gives up after this long (a dead or hanging collector). */
  static final Duration WARM_UP_BUDGET = Duration.ofSeconds(2);

  private final ExtensionConfig config;
  private final OtelConfig otel;
  private final Map<String, String> env;
  private final TelemetryInbox inbox;
  private final TelemetryReceiver receiver;
  private final InvocationBarrier barrier;
  private final LifecycleClock clock;
  private final OtelSettings otelSettings;
  private final FunctionReceiver functionReceiver;
  /** Set once built; read by the metrics export, which may run on another thread before. */
  private volatile TelemetryConverter converter;
  private volatile ListenerMetrics listenerMetrics;
  private final ReceiverMetrics receiverMetrics;

  /**
   * @param env the process environment: the resource's attributes, the initialisation type
   * @param inbox what the listeners fill and the processing thread empties
   * @param receiver the listeners' receiver, whose counts go into our metrics
   * @param barrier what the processing thread signals as it converts platform events
   */
  TelemetryStartup(ExtensionConfig config, OtelConfig otel, Map<String, String> env,
      TelemetryInbox inbox, TelemetryReceiver receiver, InvocationBarrier barrier,
      LifecycleClock clock) {
    this(config, otel, OtelSettings.from(otel), FunctionReceiver.off(FunctionReceiver.State.DISABLED),
        env, inbox, receiver, barrier, clock);
  }

  /**
   * @param otelSettings the resolved destination (the extension-only settings winning)
   * @param functionReceiver the local OTLP endpoint, already started: connected to the pipeline here
   */
  TelemetryStartup(ExtensionConfig config, OtelConfig otel, OtelSettings otelSettings,
      FunctionReceiver functionReceiver, Map<String, String> env, TelemetryInbox inbox,
      TelemetryReceiver receiver, InvocationBarrier barrier, LifecycleClock clock) {
    this.otelSettings = otelSettings;
    this.functionReceiver = functionReceiver;
    this.receiverMetrics = new ReceiverMetrics(functionReceiver, epochNanosOf(clock));
    this.config = config;
    this.otel = otel;
    this.env = env;
    this.inbox = inbox;
    this.receiver = receiver;
    this.barrier = barrier;
    this.clock = clock;
  }

  /** Builds the telemetry side on its own thread; the extension goes on without it if that fails. */
  Ready<TelemetrySide> start(Registration registration) {
    Ready<TelemetrySide> ready = new Ready<>(clock);
    Thread t = new Thread(() -> {
      try {
        ready.complete(build(registration));
      } catch (RuntimeException | LinkageError e) {
        LOG.error("telemetry could not start; the extension goes on without it", e);
        ready.fail(e);
      }
    }, "telemetry-init");
    t.setDaemon(true);
    t.start();
    return ready;
  }

  /** Builds the telemetry side on the calling thread. */
  TelemetrySide build(Registration registration) {
    Resource resource = ResourceFactory.create(env, otel, registration.accountId());
    ExportPipeline pipeline = new ExportPipeline(config.export(), otelSettings,
        () -> converter == null ? resource : converter.resource(), this::collectMetrics);
    // The join's index of the function's spans: only when the endpoint serves and a join is wanted.
    FunctionSpanIndex index = config.join() != ExtensionConfig.Join.OFF && functionReceiver.serving()
        ? new FunctionSpanIndex() : null;
    TelemetryConverter c = new TelemetryConverter(
        resource,
        pipeline,
        new ConverterOptions(
            config.conversion().platformLogLines(),
            config.conversion().maxOpenInvocations(),
            env.get(LambdaApi.ENV_INITIALIZATION_TYPE),
            ResourceFactory.userSetServiceInstanceId(otel),
            joinMode(config.join())),
        new LogTranslator()::translate,
        IdSource.secureRandom(),
        index == null ? FunctionTraces.NONE : index);
    converter = c;
    connectFunctionReceiver(pipeline, index);
    TelemetryProcessor processor = new TelemetryProcessor(inbox, new BatchParser(), c::accept, barrier);
    processor.start();
    listenerMetrics = new ListenerMetrics(inbox, receiver, processor,
        new ListenerMetrics.ConverterCounts(
            c::failedEvents, c::unknownEvents, c::evictedInvocations, c::failedOperations),
        epochNanos());
    FlushPolicy policy = FlushPolicy.from(config.export());
    if (!registration.receivesInvokes() && policy.backgroundInterval().isEmpty()) {
      // Managed Instances: no INVOKE, and the environment never freezes: export in the background.
      policy = new FlushPolicy(new FlushPolicy.Continuous(CONTINUOUS_INTERVAL));
    }
    policy.backgroundInterval().ifPresent(pipeline::startBackground);
    // While the function's runtime initialises: load the export path and open the connection.
    Thread warm = new Thread(
        () -> pipeline.warmUp(clock.now().plus(WARM_UP_BUDGET)), "export-warm-up");
    warm.setDaemon(true);
    warm.start();
    return new RunningTelemetry(inbox, c, pipeline, policy,
        new FunctionGrace(functionReceiver::receiving, config.otlpReceiver().grace(), clock), clock);
  }

  /**
   * The local endpoint's batches from now on go through the intake (duplicates out, the resource
   * completed, the entry spans indexed for the join) into the pipeline's queues for the function.
   */
  private void connectFunctionReceiver(ExportPipeline pipeline, FunctionSpanIndex index) {
    if (index != null) {
      pipeline.setBatchEditor(index);
    }
    ExtensionConfig.OtlpReceiver r = config.otlpReceiver();
    FunctionIntake intake = new FunctionIntake(
        pipeline.functionSink(FunctionReceiver.queueBytes(config)),
        new FunctionIntake.Options(r.enrichResource(),
            config.functionLogs() != ExtensionConfig.FunctionLogs.TELEMETRY_API,
            FunctionIntake.Options.defaults().dedupWindow()),
        () -> converter.resource().getAttributes(), index, functionReceiver.counters());
    functionReceiver.connect(intake);
  }

  static JoinMode joinMode(ExtensionConfig.Join join) {
    return switch (join) {
      case REWRITE -> JoinMode.REWRITE;
      case LINK -> JoinMode.LINK;
      case OFF -> JoinMode.OFF;
    };
  }

  /** Our metrics: the converter's, and the listeners' once anything was converted. */
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
    all.addAll(l.collect(c.resource(), epochNanos()));
    all.addAll(receiverMetrics.collect(c.resource(), epochNanos()));
    return all;
  }

  private long epochNanos() {
    return epochNanosOf(clock);
  }

  private static long epochNanosOf(LifecycleClock clock) {
    return TimeUnit.MILLISECONDS.toNanos(clock.now().toEpochMilli());
  }
}
