package dev.lambdatelemetry.otel.simulator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds Telemetry API events shaped like the platform's: envelope {@code time,type,record},
 * initStart with instanceId = log stream and instanceMaxMemory in bytes, Node text and JSON function logs,
 * runtimeDone with three spans, report with extensionOverhead, LMI reports with response spans.
 */
public final class PlatformEvents {

  private static final String RUNTIME_VERSION = "nodejs:20.v41";
  private static final String RUNTIME_VERSION_ARN =
      "arn:aws:lambda:%s::runtime:b475b23763329123d9e6f79f51886d0e1054f727f5b90ec945fcb2a3ec09afdd";
  private static final long BYTES_PER_MIB = 1_048_576L;

  private final SimulatorOptions options;

  public PlatformEvents(SimulatorOptions options) {
    this.options = options;
  }

  /** One event ready to deliver: its type, serialized JSON and the request it belongs to (or null). */
  public record Event(String type, String json, String requestId) {

    public Event {
      json = json == null ? "{}" : json;
    }

    /** The Telemetry API category a subscription's {@code types} filters on. */
    String category() {
      return type.startsWith("platform.") ? "platform" : type;
    }

    int bytes() {
      return json.getBytes(StandardCharsets.UTF_8).length;
    }
  }

  /** An X-Ray trace context; sampled requests only, like the platform. */
  public record Tracing(String root, String parent, String spanId) {

    public static Tracing random(Instant now) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      HexFormat hex = HexFormat.of();
      byte[] rest = new byte[12];
      random.nextBytes(rest);
      byte[] parent = new byte[8];
      random.nextBytes(parent);
      byte[] span = new byte[8];
      random.nextBytes(span);
      return new Tracing("1-" + String.format("%08x", now.getEpochSecond()) + "-" + hex.formatHex(rest),
          hex.formatHex(parent), hex.formatHex(span));
    }

    /** The header as the function sees it ({@code _X_AMZN_TRACE_ID}). */
    public String header() {
      return "Root=" + root + ";Parent=" + parent + ";Sampled=1";
    }

    public ObjectNode node(boolean withSpanId) {
      ObjectNode node = Json.object();
      if (withSpanId) {
        node.put("spanId", spanId);
      }
      node.put("type", "X-Amzn-Trace-Id");
      node.put("value", header());
      return node;
    }
  }

  /** A span of runtimeDone/report: name, start, duration with µs resolution. */
  public record Span(String name, Instant start, double durationMs) {
  }

  public Event initStart(Instant time, String phase) {
    ObjectNode record = Json.object();
    record.put("initializationType", options.initializationType());
    record.put("phase", phase);
    record.put("runtimeVersion", RUNTIME_VERSION);
    record.put("runtimeVersionArn", String.format(RUNTIME_VERSION_ARN, options.region()));
    record.put("functionName", options.functionName());
    record.put("functionVersion", options.functionVersion());
    record.put("instanceId", options.instanceId());
    record.put("instanceMaxMemory", options.memoryMb() * BYTES_PER_MIB);
    return event(time, "platform.initStart", record, null);
  }

  Event telemetrySubscription(Instant time, String name, List<String> types) {
    ObjectNode record = Json.object();
    record.put("name", name);
    record.put("state", "Subscribed");
    ArrayNode array = record.putArray("types");
    types.forEach(array::add);
    return event(time, "platform.telemetrySubscription", record, null);
  }

  /** A line the extension (or another one) printed; the platform splits extension output per line. */
  public Event extensionLog(Instant time, String line) {
    return event(time, "extension", Json.text(line), null);
  }

  /** Node's text format: {@code <ts>\t<requestId|undefined>\t<LEVEL>\t<message>\n}. */
  public Event functionText(Instant time, String requestId, String level, String message) {
    String line = Json.time(time) + "\t" + (requestId == null ? "undefined" : requestId) + "\t" + level + "\t"
        + message + "\n";
    return event(time, "function", Json.text(line), requestId);
  }

  /** Node's JSON format: {@code {timestamp, level, requestId?, message}}; message may be any JSON value. */
  public Event functionJson(Instant time, String requestId, String level, JsonNode message) {
    ObjectNode record = Json.object();
    record.put("timestamp", Json.time(time));
    record.put("level", level);
    if (requestId != null) {
      record.put("requestId", requestId);
    }
    record.set("message", message);
    return event(time, "function", record, requestId);
  }

  public Event initRuntimeDone(Instant time, String phase, String status, String errorType) {
    ObjectNode record = Json.object();
    record.put("initializationType", options.initializationType());
    record.put("phase", phase);
    record.put("status", status);
    if (errorType != null) {
      record.put("errorType", errorType);
    }
    return event(time, "platform.initRuntimeDone", record, null);
  }

  public Event extension(Instant time, String name, String state, List<String> events) {
    ObjectNode record = Json.object();
    record.put("name", name);
    record.put("state", state);
    ArrayNode array = record.putArray("events");
    events.forEach(array::add);
    return event(time, "platform.extension", record, null);
  }

  public Event initReport(Instant time, String phase, String status, double durationMs) {
    ObjectNode record = Json.object();
    record.put("initializationType", options.initializationType());
    record.put("phase", phase);
    record.put("status", status);
    record.putObject("metrics").put("durationMs", Json.millis3(durationMs));
    return event(time, "platform.initReport", record, null);
  }

  public Event start(Instant time, String requestId, Tracing tracing) {
    ObjectNode record = Json.object();
    record.put("requestId", requestId);
    record.put("version", options.functionVersion());
    if (options.mode() == SimulatorMode.MANAGED_INSTANCES) {
      record.put("functionArn", options.functionArn());
    }
    if (tracing != null) {
      record.set("tracing", tracing.node(true));
    }
    return event(time, "platform.start", record, requestId);
  }

  public Event runtimeDone(Instant time, String requestId, String status, String errorType, Tracing tracing,
      List<Span> spans, double durationMs, long producedBytes) {
    ObjectNode record = Json.object();
    record.put("requestId", requestId);
    record.put("status", status);
    if (errorType != null) {
      record.put("errorType", errorType);
    }
    if (tracing != null) {
      record.set("tracing", tracing.node(true));
    }
    if (!spans.isEmpty()) {
      record.set("spans", spans(spans));
    }
    ObjectNode metrics = record.putObject("metrics");
    metrics.put("durationMs", Json.millis3(durationMs));
    metrics.put("producedBytes", producedBytes);
    return event(time, "platform.runtimeDone", record, requestId);
  }

  /** The on-demand report; {@code initDurationMs} only on the cold start (null otherwise). */
  public Event report(Instant time, String requestId, String status, String errorType, Tracing tracing,
      double durationMs, Double initDurationMs, int maxMemoryUsedMb, Span extensionOverhead) {
    ObjectNode record = Json.object();
    record.put("requestId", requestId);
    record.put("status", status);
    if (errorType != null) {
      record.put("errorType", errorType);
    }
    if (tracing != null) {
      record.set("tracing", tracing.node(true));
    }
    ObjectNode metrics = record.putObject("metrics");
    metrics.put("durationMs", Json.millis3(durationMs));
    // Since Aug 2025 on-demand init is billed with the first invocation.
    double billable = durationMs + (initDurationMs == null ? 0.0 : initDurationMs);
    metrics.put("billedDurationMs", (long) Math.ceil(billable));
    metrics.put("memorySizeMB", options.memoryMb());
    metrics.put("maxMemoryUsedMB", maxMemoryUsedMb);
    if (initDurationMs != null) {
      metrics.put("initDurationMs", Json.millis3(initDurationMs));
    }
    if (extensionOverhead != null) {
      record.set("spans", spans(List.of(extensionOverhead)));
    }
    return event(time, "platform.report", record, requestId);
  }

  /** The Managed Instances report: durationMs only, response spans, no runtimeDone before it. */
  public Event managedReport(Instant time, String requestId, String status, String errorType, Tracing tracing,
      double durationMs, List<Span> spans) {
    ObjectNode record = Json.object();
    record.put("requestId", requestId);
    record.put("status", status);
    if (errorType != null) {
      record.put("errorType", errorType);
    }
    if (tracing != null) {
      record.set("tracing", tracing.node(true));
    }
    record.putObject("metrics").put("durationMs", Json.millis3(durationMs));
    record.set("spans", spans(spans));
    return event(time, "platform.report", record, requestId);
  }

  Event logsDropped(Instant time, long droppedBytes, long droppedRecords, String reason) {
    ObjectNode record = Json.object();
    record.put("droppedBytes", droppedBytes);
    record.put("droppedRecords", droppedRecords);
    record.put("reason", reason);
    return event(time, "platform.logsDropped", record, null);
  }

  private static ArrayNode spans(List<Span> spans) {
    ArrayNode array = Json.array();
    for (Span span : spans) {
      ObjectNode node = array.addObject();
      node.put("name", span.name());
      node.put("start", Json.time(span.start()));
      node.put("durationMs", Json.millis3(span.durationMs()));
    }
    return array;
  }

  private static Event event(Instant time, String type, JsonNode record, String requestId) {
    ObjectNode envelope = Json.object();
    envelope.put("time", Json.time(time));
    envelope.put("type", type);
    envelope.set("record", record);
    return new Event(type, Json.write(envelope), requestId);
  }
}
