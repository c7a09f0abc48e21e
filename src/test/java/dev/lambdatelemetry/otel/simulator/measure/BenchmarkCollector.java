package dev.lambdatelemetry.otel.simulator.measure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lambdatelemetry.otel.simulator.platform.PlatformServer;
import com.google.protobuf.ByteString;
import dev.lambdatelemetry.otel.simulator.scenario.SimulatedTime;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.jboss.logging.Logger;

/**
 * A healthy OTLP/HTTP collector on loopback for benchmark runs: answers every export with 200 and an empty
 * protobuf response, at once or after a configurable delay (a real collector is 5-80 ms away: another zone, a
 * SaaS backend), keeps nothing, and counts requests, bytes and the function log records it received (so a run
 * can prove that no function log line was lost between the platform and the collector). It also measures how
 * long each span and function log record waited before it was exported (its arrival here minus its end time,
 * or its timestamp for a log record) and counts spans received twice. Unlike the tests' {@code OtlpReceiver}
 * it holds no data but span ids, so 20 000 invocations cost it little memory.
 */
public final class BenchmarkCollector implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(BenchmarkCollector.class);
  private static final String LOGS_PATH = "/v1/logs";
  private static final String TRACES_PATH = "/v1/traces";
  private static final String METRICS_PATH = "/v1/metrics";
  /** The extension's self-telemetry counter of exported, abandoned and dropped items. */
  private static final String EXPORT_ITEMS = "lambda_telemetry.export.items";
  /** The attribute the extension puts on every log record, {@code function} for the function's own lines. */
  private static final String LOG_SOURCE = "aws.lambda.log.source";

  static {
    PlatformServer.noDelayHttpServer();
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong functionLogRecords = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();
  private final AtomicLong duplicateSpans = new AtomicLong();
  private final Set<ByteString> spanIds = ConcurrentHashMap.newKeySet();
  private final AtomicLong maxSpanWaitNanos = new AtomicLong(-1);
  private final AtomicLong maxLogWaitNanos = new AtomicLong(-1);
  private final Duration answerDelay;
  /** The extension's own count of items it gave up on, by "signal/outcome", as last exported (cumulative). */
  private final Map<String, Long> exportCounts = new ConcurrentHashMap<>();

  private BenchmarkCollector(Duration answerDelay) throws IOException {
    this.answerDelay = answerDelay;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // Traces, logs and metrics requests may be under way together, each held for the delay.
    executor = Executors.newFixedThreadPool(answerDelay.isZero() ? 2 : 8, runnable -> {
      Thread thread = new Thread(runnable, "benchmark-collector");
      thread.setDaemon(true);
      return thread;
    });
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts a collector on 127.0.0.1 with an ephemeral port, answering at once. */
  public static BenchmarkCollector start() throws IOException {
    return new BenchmarkCollector(Duration.ZERO);
  }

  /** Starts a collector on 127.0.0.1 with an ephemeral port, answering each request {@code answerDelay} after it arrived. */
  public static BenchmarkCollector start(Duration answerDelay) throws IOException {
    if (answerDelay.isNegative()) {
      throw new IllegalArgumentException("answer delay must not be negative: " + answerDelay);
    }
    return new BenchmarkCollector(answerDelay);
  }

  /** The delay before each answer. */
  public Duration answerDelay() {
    return answerDelay;
  }

  /** Spans received, duplicates included. */
  public long spans() {
    return spans.get();
  }

  /** Spans whose id had already been received. */
  public long duplicateSpans() {
    return duplicateSpans.get();
  }

  /** The longest a span waited, its end to its arrival here, in ms; -1 before any span. */
  public double maxSpanWaitMs() {
    long nanos = maxSpanWaitNanos.get();
    return nanos < 0 ? -1 : nanos / 1_000_000.0;
  }

  /** What it measured, for the report. */
  public SimulationResult.CollectorFigures figures() {
    return new SimulationResult.CollectorFigures(answerDelay.toNanos() / 1_000_000.0, spans(), duplicateSpans(),
        maxSpanWaitMs(), maxLogWaitMs(), exportCount("logs", "abandoned"), exportCount("logs", "dropped"));
  }

  /** The longest a function log record waited, its timestamp to its arrival here, in ms; -1 before any. */
  public double maxLogWaitMs() {
    long nanos = maxLogWaitNanos.get();
    return nanos < 0 ? -1 : nanos / 1_000_000.0;
  }

  /** {@code http://127.0.0.1:PORT}, for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Export requests received. */
  public long requests() {
    return requests.get();
  }

  /** Request body bytes received, as sent (compressed when the exporter compresses). */
  public long bytes() {
    return bytes.get();
  }

  /** Log records whose {@code aws.lambda.log.source} is {@code function}. */
  public long functionLogRecords() {
    return functionLogRecords.get();
  }

  /** Log export bodies that could not be decoded (their records are not counted). */
  public long unreadableRequests() {
    return unreadable.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      long receivedNanos = epochNanos();
      long answerAt = System.nanoTime() + answerDelay.toNanos();
      byte[] body = exchange.getRequestBody().readAllBytes();
      requests.incrementAndGet();
      bytes.addAndGet(body.length);
      boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
      String path = exchange.getRequestURI().getPath();
      if (path.endsWith(LOGS_PATH)) {
        countLogs(body, gzip, receivedNanos);
      } else if (path.endsWith(TRACES_PATH)) {
        countSpans(body, gzip, receivedNanos);
      } else if (path.endsWith(METRICS_PATH)) {
        readExportCounts(body, gzip);
      }
      if (!answerDelay.isZero()) {
        try {
          SimulatedTime.passUntil(answerAt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private void countLogs(byte[] body, boolean gzip, long receivedNanos) {
    try (InputStream in = open(body, gzip)) {
      ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(in);
      long function = 0;
      for (ResourceLogs resource : request.getResourceLogsList()) {
        for (ScopeLogs scope : resource.getScopeLogsList()) {
          for (LogRecord record : scope.getLogRecordsList()) {
            if (isFunctionLine(record)) {
              function++;
              if (record.getTimeUnixNano() > 0) {
                maxLogWaitNanos.accumulateAndGet(receivedNanos - record.getTimeUnixNano(), Math::max);
              }
            }
          }
        }
      }
      functionLogRecords.addAndGet(function);
    } catch (IOException | RuntimeException e) {
      unreadable.incrementAndGet();
      LOG.debug("unreadable OTLP logs request", e);
    }
  }

  private void countSpans(byte[] body, boolean gzip, long receivedNanos) {
    try (InputStream in = open(body, gzip)) {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in);
      for (ResourceSpans resource : request.getResourceSpansList()) {
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (Span span : scope.getSpansList()) {
            spans.incrementAndGet();
            if (!spanIds.add(span.getSpanId())) {
              duplicateSpans.incrementAndGet();
            }
            maxSpanWaitNanos.accumulateAndGet(receivedNanos - span.getEndTimeUnixNano(), Math::max);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not counted in unreadableRequests, which is about the log lines the run must account for.
      LOG.debug("unreadable OTLP traces request", e);
    }
  }

  /** Keeps the extension's cumulative {@value #EXPORT_ITEMS} counts of abandoned and dropped spans and logs. */
  private void readExportCounts(byte[] body, boolean gzip) {
    try (InputStream in = open(body, gzip)) {
      ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(in);
      for (ResourceMetrics resource : request.getResourceMetricsList()) {
        for (ScopeMetrics scope : resource.getScopeMetricsList()) {
          for (Metric metric : scope.getMetricsList()) {
            if (metric.getName().equals(EXPORT_ITEMS) && metric.hasSum()) {
              for (NumberDataPoint point : metric.getSum().getDataPointsList()) {
                String key = attribute(point.getAttributesList(), "signal") + "/"
                    + attribute(point.getAttributesList(), "outcome");
                long value = point.hasAsInt() ? point.getAsInt() : (long) point.getAsDouble();
                exportCounts.merge(key, value, Math::max);
              }
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("unreadable OTLP metrics request", e);
    }
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key)) {
        return attribute.getValue().getStringValue();
      }
    }
    return "";
  }

  /**
   * What the extension itself counted, as last exported: its {@value #EXPORT_ITEMS} for {@code signal}
   * ({@code traces}, {@code logs}) and {@code outcome} ({@code abandoned}, {@code dropped}, ...); 0 if none.
   */
  public long exportCount(String signal, String outcome) {
    return exportCounts.getOrDefault(signal + "/" + outcome, 0L);
  }

  private static InputStream open(byte[] body, boolean gzip) throws IOException {
    return gzip ? new GZIPInputStream(new ByteArrayInputStream(body)) : new ByteArrayInputStream(body);
  }

  private static boolean isFunctionLine(LogRecord record) {
    for (KeyValue attribute : record.getAttributesList()) {
      if (attribute.getKey().equals(LOG_SOURCE)) {
        return attribute.getValue().getStringValue().equals("function");
      }
    }
    return false;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
