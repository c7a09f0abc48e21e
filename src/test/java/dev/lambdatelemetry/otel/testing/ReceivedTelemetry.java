package dev.lambdatelemetry.otel.testing;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a test OTLP receiver recorded, whatever its protocol: the requests read (their path or gRPC
 * method, their headers, whether any was gzip), and the telemetry it stored, decoded. {@link
 * OtlpReceiver} and {@link OtlpGrpcReceiver} keep one each and only say what is protocol-specific (how a
 * request is read, how a mode answers it). Thread-safe.
 */
final class ReceivedTelemetry {

  private final List<ResourceSpans> resourceSpans = new CopyOnWriteArrayList<>();
  private final List<ResourceLogs> resourceLogs = new CopyOnWriteArrayList<>();
  private final List<ResourceMetrics> resourceMetrics = new CopyOnWriteArrayList<>();
  private final List<String> targets = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
  private final AtomicInteger requestCount = new AtomicInteger();
  private volatile boolean sawGzip;

  /** A request read completely: its path (HTTP) or full method name (gRPC), and its headers. */
  void request(String target, Map<String, String> requestHeaders) {
    requestCount.incrementAndGet();
    targets.add(target);
    headers.add(requestHeaders);
  }

  void sawGzip() {
    sawGzip = true;
  }

  void storeSpans(List<ResourceSpans> spans) {
    resourceSpans.addAll(spans);
  }

  void storeLogs(List<ResourceLogs> logs) {
    resourceLogs.addAll(logs);
  }

  void storeMetrics(List<ResourceMetrics> metrics) {
    resourceMetrics.addAll(metrics);
  }

  int requestCount() {
    return requestCount.get();
  }

  boolean gzip() {
    return sawGzip;
  }

  List<String> targets() {
    return List.copyOf(targets);
  }

  List<Map<String, String>> requestHeaders() {
    return List.copyOf(headers);
  }

  List<ResourceSpans> resourceSpans() {
    return List.copyOf(resourceSpans);
  }

  List<ResourceLogs> resourceLogs() {
    return List.copyOf(resourceLogs);
  }

  List<ResourceMetrics> resourceMetrics() {
    return List.copyOf(resourceMetrics);
  }

  /** Every span stored, in arrival order. */
  List<Span> spans() {
    List<Span> out = new ArrayList<>();
    resourceSpans.forEach(rs -> rs.getScopeSpansList().forEach(ss -> out.addAll(ss.getSpansList())));
    return out;
  }

  /** Every log record stored, in arrival order. */
  List<LogRecord> logRecords() {
    List<LogRecord> out = new ArrayList<>();
    resourceLogs.forEach(rl -> rl.getScopeLogsList().forEach(sl -> out.addAll(sl.getLogRecordsList())));
    return out;
  }

  void awaitSpans(int n, Duration timeout) {
    PollingWait.await(
        timeout, () -> spans().size() >= n, () -> "expected " + n + " spans, received " + spans().size());
  }

  void awaitLogs(int n, Duration timeout) {
    PollingWait.await(
        timeout,
        () -> logRecords().size() >= n,
        () -> "expected " + n + " log records, received " + logRecords().size());
  }

  void awaitMetrics(int n, Duration timeout) {
    PollingWait.await(
        timeout,
        () -> resourceMetrics.size() >= n,
        () -> "expected " + n + " ResourceMetrics, received " + resourceMetrics.size());
  }
}
