package dev.lambdatelemetry.otel.bench;

import dev.lambdatelemetry.otel.telemetry.BatchParser;
import dev.lambdatelemetry.otel.telemetry.BatchParser.ParseResult;
import dev.lambdatelemetry.otel.telemetry.model.TelemetryEvent;
import dev.lambdatelemetry.otel.translate.ConverterOptions;
import dev.lambdatelemetry.otel.translate.IdSource;
import dev.lambdatelemetry.otel.translate.LogTranslator;
import dev.lambdatelemetry.otel.translate.SignalSink;
import dev.lambdatelemetry.otel.translate.TelemetryConverter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * End-to-end cost of one Telemetry API POST: {@link BatchParser} → a fresh {@link
 * TelemetryConverter} (production wiring) → drain → OTLP protobuf encoding of the spans, log records
 * and metrics with the exporter's own marshalers into a reused buffer.
 *
 * <p>Two bodies: {@code mix} is a realistic batch (a cold start, then invocations with a few Node
 * text and JSON log lines each, runtimeDone with three spans and a report); {@code logHeavy} is
 * about 1 MiB of Node text lines and JSON objects inside one invocation. The {@code bytes} and
 * {@code events} auxiliary counters are reported by JMH as rates: bytes/s (divide by 10⁶ for MB/s)
 * and events/s.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:exec -Pbench -Dbench.args="ConversionBenchmark -f 1 -wi 3 -i 5 -w 1s -r 2s"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConversionBenchmark {

  private static final Instant RECEIVED = Instant.parse("2024-05-20T17:00:00Z");
  private static final Resource RESOURCE = Resource.create(Attributes.of(
      AttributeKey.stringKey("service.name"), "orders-api",
      AttributeKey.stringKey("faas.name"), "orders-api",
      AttributeKey.stringKey("cloud.provider"), "aws",
      AttributeKey.stringKey("cloud.platform"), "aws_lambda",
      AttributeKey.stringKey("cloud.region"), "eu-west-3",
      AttributeKey.longKey("faas.max_memory"), 134_217_728L));

  @Param({"mix", "logHeavy"})
  public String body;

  private final BatchParser parser = new BatchParser();
  private final LogTranslator logTranslator = new LogTranslator();
  /** Long-lived as in production (one per environment): seeding from SecureRandom is not per batch. */
  private final IdSource ids = IdSource.secureRandom();
  private final ByteArrayOutputStream sink = new ByteArrayOutputStream(4 << 20);
  private byte[] payload;
  private int eventCount;

  /** Per-iteration rates JMH reports next to ops/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Throughput {
    /** Input bytes converted: bytes/s. */
    public long bytes;
    /** Telemetry events converted: events/s. */
    public long events;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
      events = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    payload = "mix".equals(body) ? BatchBodies.realisticMix() : BatchBodies.logHeavy(1 << 20);
    eventCount = parser.parse(payload, RECEIVED).events().size();
    System.out.printf("%n[bench] %s body: %d bytes, %d events%n", body, payload.length, eventCount);
  }

  @Benchmark
  public int parseConvertEncode(Throughput throughput) throws IOException {
    Collected collected = new Collected();
    TelemetryConverter converter = new TelemetryConverter(
        RESOURCE, collected, ConverterOptions.defaults(null), logTranslator::translate, ids);
    ParseResult parsed = parser.parse(payload, RECEIVED);
    for (TelemetryEvent event : parsed.events()) {
      converter.accept(event);
    }
    converter.drain();
    sink.reset();
    TraceRequestMarshaler.create(collected.spans).writeBinaryTo(sink);
    LogsRequestMarshaler.create(collected.logs).writeBinaryTo(sink);
    MetricsRequestMarshaler.create(converter.collectMetrics()).writeBinaryTo(sink);
    throughput.bytes += payload.length;
    throughput.events += parsed.events().size();
    return sink.size();
  }

  /** The recording sink of one operation. */
  private static final class Collected implements SignalSink {
    final List<SpanData> spans = new ArrayList<>();
    final List<LogRecordData> logs = new ArrayList<>();

    @Override
    public void span(SpanData span) {
      spans.add(span);
    }

    @Override
    public void log(LogRecordData log) {
      logs.add(log);
    }
  }

  /** Generated POST bodies shaped like the fixtures. */
  static final class BatchBodies {

    private BatchBodies() {}

    /** A cold start and 100 invocations with 4 log lines each (about 180 KiB). */
    static byte[] realisticMix() {
      StringBuilder b = new StringBuilder(256 * 1024).append('[');
      b.append("{\"time\":\"2024-05-20T16:29:44.833Z\",\"type\":\"platform.initStart\",\"record\":{\"initializationType\":"
          + "\"on-demand\",\"phase\":\"init\",\"runtimeVersion\":\"nodejs:20.v33\",\"functionName\":\"orders-api\","
          + "\"functionVersion\":\"$LATEST\",\"instanceId\":\"2024/05/20/orders-api[$LATEST]3f1c9a7e5b2d4c6e\","
          + "\"instanceMaxMemory\":134217728}},");
      b.append("{\"time\":\"2024-05-20T16:29:44.851Z\",\"type\":\"extension\",\"record\":\"2024-05-20 16:29:44,851 INFO  "
          + "[io.quarkus] (main) extension started in 0.011s. Listening on: http://0.0.0.0:4243\"},");
      b.append("{\"time\":\"2024-05-20T16:29:45.006Z\",\"type\":\"platform.initRuntimeDone\",\"record\":"
          + "{\"initializationType\":\"on-demand\",\"phase\":\"init\",\"status\":\"success\"}},");
      b.append("{\"time\":\"2024-05-20T16:29:45.007Z\",\"type\":\"platform.initReport\",\"record\":{\"initializationType\":"
          + "\"on-demand\",\"phase\":\"init\",\"status\":\"success\",\"metrics\":{\"durationMs\":173.778}}}");
      for (int i = 0; i < 100; i++) {
        String id = String.format("4b142fc3-17b8-4cdb-a46b-%012d", i);
        String ts = String.format("2024-05-20T16:%02d:%02d.%03d", 30 + i / 60, i % 60, 8);
        String header = String.format("Root=1-664b7a79-5c1f4e2a9d3b8c7e%08x;Parent=3b2a1f0e9d8c7b6a;Sampled=1", i);
        String tracing = "{\"spanId\":\"" + String.format("73f19b2c%08x", i) + "\",\"type\":\"X-Amzn-Trace-Id\","
            + "\"value\":\"" + header + "\"}";
        b.append(",{\"time\":\"").append(ts).append("Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"")
            .append(id).append("\",\"version\":\"$LATEST\",\"tracing\":").append(tracing).append("}}");
        b.append(",{\"time\":\"").append(ts).append("Z\",\"type\":\"function\",\"record\":\"").append(ts)
            .append("Z\\t").append(id).append("\\tINFO\\tProcessing order ").append(i).append(" for customer c-1001\\n\"}");
        b.append(",{\"time\":\"").append(ts).append("Z\",\"type\":\"function\",\"record\":\"").append(ts)
            .append("Z\\t").append(id).append("\\tWARN\\tInventory cache miss for sku=SKU-7\\n\"}");
        b.append(",{\"time\":\"").append(ts).append("Z\",\"type\":\"function\",\"record\":{\"timestamp\":\"").append(ts)
            .append("Z\",\"level\":\"INFO\",\"requestId\":\"").append(id)
            .append("\",\"message\":\"order stored\",\"orderId\":\"o-").append(i).append("\",\"amount\":19.99}}");
        b.append(",{\"time\":\"").append(ts).append("Z\",\"type\":\"function\",\"record\":{\"timestamp\":\"").append(ts)
            .append("Z\",\"level\":\"DEBUG\",\"requestId\":\"").append(id)
            .append("\",\"message\":{\"event\":\"slow_dependency\",\"dependency\":\"inventory\",\"latencyMs\":812}}}");
        b.append(",{\"time\":\"").append(ts).append("Z\",\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\"")
            .append(id).append("\",\"status\":\"success\",\"tracing\":").append(tracing)
            .append(",\"spans\":[{\"name\":\"responseLatency\",\"start\":\"").append(ts)
            .append("Z\",\"durationMs\":2.215},{\"name\":\"responseDuration\",\"start\":\"").append(ts)
            .append("Z\",\"durationMs\":0.056},{\"name\":\"runtimeOverhead\",\"start\":\"").append(ts)
            .append("Z\",\"durationMs\":8.686}],\"metrics\":{\"durationMs\":11.185,\"producedBytes\":40}}}");
        b.append(",{\"time\":\"").append(ts).append("Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"")
            .append(id).append("\",\"status\":\"success\",\"tracing\":").append(tracing)
            .append(",\"metrics\":{\"durationMs\":11.642,\"billedDurationMs\":12,\"memorySizeMB\":128,"
                + "\"maxMemoryUsedMB\":67},\"spans\":[{\"name\":\"extensionOverhead\",\"start\":\"").append(ts)
            .append("Z\",\"durationMs\":0.457}]}}");
      }
      return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One invocation whose log lines (Node text and JSON objects alternating) fill about {@code size} bytes. */
    static byte[] logHeavy(int size) {
      String id = "79b4f56e-95b1-4643-9700-2807f4e68189";
      StringBuilder b = new StringBuilder(size + 4096).append('[');
      b.append("{\"time\":\"2024-05-20T17:02:11.100Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"")
          .append(id).append("\",\"version\":\"$LATEST\"}}");
      int i = 0;
      while (b.length() < size - 1024) {
        String ts = String.format("2024-05-20T17:02:%02d.%03d", 11 + (i / 1000) % 48, i % 1000);
        if (i % 2 == 0) {
          b.append(",{\"time\":\"").append(ts).append("Z\",\"type\":\"function\",\"record\":\"").append(ts)
              .append("Z\\t").append(id).append("\\tINFO\\tProcessed line ").append(i)
              .append(" of export batch: sku=SKU-").append(i % 97).append(" qty=").append(i % 13)
              .append(" warehouse=eu-west-3a status=ok\\n\"}");
        } else {
          b.append(",{\"time\":\"").append(ts).append("Z\",\"type\":\"function\",\"record\":{\"timestamp\":\"")
              .append(ts).append("Z\",\"level\":\"INFO\",\"requestId\":\"").append(id)
              .append("\",\"message\":\"row exported\",\"row\":").append(i)
              .append(",\"table\":\"orders\",\"bytes\":").append(180 + i % 50).append(",\"ok\":true}}");
        }
        i++;
      }
      b.append(",{\"time\":\"2024-05-20T17:03:00.229Z\",\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\"")
          .append(id).append("\",\"status\":\"success\",\"metrics\":{\"durationMs\":49128.514,\"producedBytes\":97}}}");
      b.append(",{\"time\":\"2024-05-20T17:03:00.233Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"")
          .append(id).append("\",\"status\":\"success\",\"metrics\":{\"durationMs\":49129.066,\"billedDurationMs\":49130,"
              + "\"memorySizeMB\":256,\"maxMemoryUsedMB\":88}}}");
      return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
