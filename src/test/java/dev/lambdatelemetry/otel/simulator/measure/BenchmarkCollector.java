package dev.lambdatelemetry.otel.simulator.measure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lambdatelemetry.otel.simulator.platform.PlatformServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.jboss.logging.Logger;

/**
 * A healthy OTLP/HTTP collector on loopback for benchmark runs: answers every export at once with 200 and an
 * empty protobuf response, keeps nothing, and counts requests, bytes and the function log records it received
 * (so a run can prove that no function log line was lost between the platform and the collector). Unlike the
 * tests' {@code OtlpReceiver} it holds no data, so 20 000 invocations cost it no memory.
 */
public final class BenchmarkCollector implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(BenchmarkCollector.class);
  private static final String LOGS_PATH = "/v1/logs";
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

  private BenchmarkCollector() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "benchmark-collector");
      thread.setDaemon(true);
      return thread;
    });
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts a collector on 127.0.0.1 with an ephemeral port. */
  public static BenchmarkCollector start() throws IOException {
    return new BenchmarkCollector();
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
      byte[] body = exchange.getRequestBody().readAllBytes();
      requests.incrementAndGet();
      bytes.addAndGet(body.length);
      if (exchange.getRequestURI().getPath().endsWith(LOGS_PATH)) {
        countLogs(body, "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding")));
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private void countLogs(byte[] body, boolean gzip) {
    try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(body))
        : new ByteArrayInputStream(body)) {
      ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(in);
      long function = 0;
      for (ResourceLogs resource : request.getResourceLogsList()) {
        for (ScopeLogs scope : resource.getScopeLogsList()) {
          for (LogRecord record : scope.getLogRecordsList()) {
            if (isFunctionLine(record)) {
              function++;
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
