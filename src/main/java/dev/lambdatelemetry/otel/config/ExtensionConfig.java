package dev.lambdatelemetry.otel.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The extension's own settings. Every property can also be given as an environment variable
 * ({@code lambda-telemetry.listener.port} ↔ {@code LAMBDA_TELEMETRY_LISTENER_PORT}).
 */
@ConfigMapping(prefix = "lambda-telemetry")
public interface ExtensionConfig {

  /**
   * The default of {@link #extensionName()}, for the entry point, which needs it before the
   * configuration exists.
   */
  String DEFAULT_EXTENSION_NAME = "lambda-telemetry-otel";

  /**
   * The registered name; it must equal the launcher's file name in {@code /opt/extensions}. Read
   * by the entry point before Quarkus boots (from the system property or the environment), and
   * declared here so that Quarkus accepts it.
   */
  @WithDefault(DEFAULT_EXTENSION_NAME)
  String extensionName();

  /** Listener for Telemetry API deliveries. */
  Listener listener();

  /** The Telemetry API subscription. */
  Subscription subscription();

  /** The hand-off queue between the listener and the converter. */
  Inbox inbox();

  /** Event-loop timing. */
  Invoke invoke();

  /** SHUTDOWN handling. */
  Shutdown shutdown();

  /** Export pipeline settings. */
  ExportConfig export();

  /** Conversion settings. */
  Conversion conversion();

  /** The local OTLP endpoint that takes in the function's own telemetry. */
  OtlpReceiver otlpReceiver();

  /**
   * Where the extension exports, read by the extension only: each one set wins over its {@code
   * OTEL_EXPORTER_OTLP_*} counterpart, which the function's SDK reads too.
   */
  Destination otlp();

  /** How the platform's spans and the function's spans of one invocation become one trace. */
  @WithDefault("rewrite")
  Join join();

  /** Which way the function's logs reach the collector. */
  @WithDefault("both")
  FunctionLogs functionLogs();

  /** Where Lambda delivers telemetry. */
  interface Listener {
    /** TCP port of the listener (HTTP or TCP protocol); not 9001, 4317/4318, 8124–8126, 8999. */
    @WithDefault("4290")
    int port();

    /** Path of the subscribed HTTP destination; {@code /} is always accepted too. */
    @WithDefault("/telemetry")
    String path();

    /** Delivery protocol requested from the Telemetry API: HTTP or TCP (newline-delimited JSON). */
    @WithDefault("HTTP")
    Protocol protocol();
  }

  /** Telemetry API delivery protocols. */
  enum Protocol {
    HTTP,
    TCP
  }

  /** The body of {@code PUT /2022-07-01/telemetry}. */
  interface Subscription {
    /**
     * Schema version; unset means {@code 2022-12-13}, or {@code 2025-01-29} on Lambda Managed
     * Instances (which requires it).
     */
    @WithName("schema-version")
    Optional<String> schemaVersion();

    /** Streams to subscribe to: any of platform, function, extension. */
    @WithDefault("platform,function,extension")
    List<String> types();

    /** Platform-side buffering. */
    Buffering buffering();
  }

  /** Platform-side buffering; ranges are the platform's and are checked at start-up. */
  interface Buffering {
    /** Events per batch, 1000–10000. */
    @WithDefault("1000")
    int maxItems();

    /** Bytes per batch, 262144–1048576. */
    @WithDefault("262144")
    int maxBytes();

    /** Milliseconds before a partial batch is sent, 25–30000. */
    @WithDefault("25")
    int timeoutMs();
  }

  /** Bounds of the listener → converter queue; what does not fit is dropped and counted. */
  interface Inbox {
    /** Batches held at most. */
    @WithDefault("64")
    int maxBatches();

    /**
     * Bytes of batch bodies (and of deliveries still being read) held at most; when absent, a
     * quarter of the heap left free by the extension's working set, within [two batches of {@code
     * buffering.max-bytes}, 16 MiB] ({@link MemoryBudget}).
     */
    OptionalLong maxBytes();
  }

  /** How long an INVOKE may wait for its {@code platform.runtimeDone}. */
  interface Invoke {
    /** The longest wait for runtimeDone before calling next anyway. */
    @WithDefault("PT10S")
    Duration maxWait();

    /** Kept free before the invocation's deadline. */
    @WithDefault("PT0.1S")
    Duration deadlineMargin();
  }

  /** SHUTDOWN handling. */
  interface Shutdown {
    /**
     * At SHUTDOWN after invocations on demand, the longest wait for the last invocation's
     * platform.report. (With no request to wait for, on Managed Instances or before any
     * invocation, the listener stays until the export's reserve before the deadline: the platform
     * flushes what it buffered only at SHUTDOWN.) What arrives while the extension exports is
     * exported too, until shortly before the deadline.
     */
    @WithDefault("PT0.3S")
    Duration grace();

    /**
     * Kept free before the SHUTDOWN deadline: the process must have exited by then. It pays for
     * cancelling the last requests, Quarkus' exit and the JVM's teardown, which took over 0.2 s on a
     * loaded 2-core machine when the collector hung (CollectorFaultsIT).
     */
    @WithDefault("PT0.5S")
    Duration safetyMargin();
  }

  /** Conversion options. */
  interface Conversion {
    /** The default of {@link #platformLogLines()}, for converters built without a configuration. */
    boolean DEFAULT_PLATFORM_LOG_LINES = false;

    /**
     * The default of {@link #maxOpenInvocations()}: Managed Instances run tens of concurrent
     * requests, default Lambda one.
     */
    int DEFAULT_MAX_OPEN_INVOCATIONS = 512;

    /** Also emit CloudWatch-style START/END/REPORT log records for platform events. */
    @WithDefault("" + DEFAULT_PLATFORM_LOG_LINES)
    boolean platformLogLines();

    /** Invocations whose terminal event never comes are evicted beyond this count. */
    @WithDefault("" + DEFAULT_MAX_OPEN_INVOCATIONS)
    int maxOpenInvocations();
  }

  /** The local OTLP endpoint ({@code lambda-telemetry.otlp-receiver.*}), on loopback only. */
  interface OtlpReceiver {
    /** Listen for the function's OTLP at all. */
    @WithDefault("true")
    boolean enabled();

    /** OTLP/HTTP port: where an SDK sends by default ({@code http://localhost:4318}). */
    @WithDefault("4318")
    int httpPort();

    /** OTLP/gRPC port: where an SDK sends by default over gRPC ({@code http://localhost:4317}). */
    @WithDefault("4317")
    int grpcPort();

    /** The largest request body, before and after gzip inflation: larger ones are answered 413. */
    @WithDefault("4194304")
    int maxBodyBytes();

    /**
     * Add the attributes the extension knows ({@code cloud.*}, {@code faas.*}) to the function's
     * resource where it lacks them; never overwrite one it set.
     */
    @WithDefault("true")
    boolean enrichResource();

    /**
     * After {@code platform.runtimeDone}, the longest wait for a function's export that is still
     * being received (an SDK flush that raced the response) before the invocation's flush.
     */
    @WithDefault("PT0.005S")
    Duration grace();
  }

  /** The extension's own destination ({@code lambda-telemetry.otlp.*}). */
  interface Destination {
    /**
     * The collector, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} would say it (http/protobuf gets {@code
     * /v1/<signal>} appended); wins over the general and per-signal {@code OTEL_*} endpoints.
     */
    Optional<String> endpoint();

    /** {@code k=v,k2=v2}, values URL-decoded; wins over {@code OTEL_EXPORTER_OTLP_HEADERS}. Never logged. */
    Optional<String> headers();

    /** {@code http/protobuf} or {@code grpc}; wins over {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
    Optional<String> protocol();
  }

  /** {@code lambda-telemetry.join}. */
  enum Join {
    /** The platform invocation span and the function's entry span are re-parented into one trace. */
    REWRITE,
    /** Span links both ways, no id changed. */
    LINK,
    /** Exported as they came. */
    OFF
  }

  /** {@code lambda-telemetry.function-logs}. */
  enum FunctionLogs {
    /** Only the stdout/stderr lines the Telemetry API delivers; OTLP logs are dropped (counted). */
    TELEMETRY_API,
    /** Only OTLP logs: the subscription leaves out {@code function}. */
    OTLP,
    /** Both (a line printed and also logged through the SDK arrives twice). */
    BOTH
  }
}
