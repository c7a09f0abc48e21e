package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.FAAS_INVOCATION_ID;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.LOG_SOURCE;

import dev.lambdatelemetry.otel.telemetry.BatchParser;
import dev.lambdatelemetry.otel.telemetry.BatchParser.ParseResult;
import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one fixture produced when run through the production wiring: its batches, each one HTTP POST
 * body, parsed by {@link BatchParser} and fed to a {@link TelemetryConverter} with the real {@link
 * LogTranslator} and {@link IdSource#secureRandom()}, then drained as at SHUTDOWN.
 */
final class FixtureOutcome implements SignalSink {

  /** The receive time the parser substitutes for a missing or unparseable envelope time. */
  static final Instant RECEIVED = Instant.parse("2030-01-01T00:00:00Z");

  static final Resource BASE = Resource.create(Attributes.of(
      AttributeKey.stringKey("service.name"), "fixture-fn",
      AttributeKey.stringKey("faas.name"), "fixture-fn",
      AttributeKey.stringKey("service.instance.id"), "initial-instance"));


  final List<SpanData> spans = new ArrayList<>();
  final List<LogRecordData> logs = new ArrayList<>();
  final List<ParseResult> parses = new ArrayList<>();
  /** How many spans had been emitted after each batch (before the final drain). */
  final List<Integer> spansAfterBatch = new ArrayList<>();
  /** How many function/extension events the batches held. */
  int logLineEvents;
  final TelemetryConverter converter;

  private FixtureOutcome(ConverterOptions options) {
    converter = new TelemetryConverter(
        BASE, this, options, new LogTranslator()::translate, IdSource.secureRandom());
  }

  static FixtureOutcome run(ConverterOptions options, List<String> files) {
    FixtureOutcome outcome = new FixtureOutcome(options);
    BatchParser parser = new BatchParser();
    for (String file : files) {
      ParseResult result = parser.parse(read(file), RECEIVED);
      outcome.parses.add(result);
      result.events().forEach(event -> {
        if (event.record() instanceof LogLine) {
          outcome.logLineEvents++;
        }
        outcome.converter.accept(event);
      });
      outcome.spansAfterBatch.add(outcome.spans.size());
    }
    outcome.converter.drain();
    return outcome;
  }

  static byte[] read(String file) {
    try (InputStream in = FixtureOutcome.class.getResourceAsStream("/telemetry/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + file);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void span(SpanData span) {
    spans.add(span);
  }

  @Override
  public void log(LogRecordData log) {
    logs.add(log);
  }

  List<SpanData> invocationSpans() {
    return spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();
  }

  SpanData invocation(String requestId) {
    List<SpanData> matching = invocationSpans().stream()
        .filter(s -> requestId.equals(s.getAttributes().get(FAAS_INVOCATION_ID)))
        .toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected one invocation span for " + requestId + " but got " + matching);
    }
    return matching.get(0);
  }

  List<SpanData> named(String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }

  SpanData only(String name) {
    List<SpanData> named = named(name);
    if (named.size() != 1) {
      throw new AssertionError("expected one " + name + " span but got " + named);
    }
    return named.get(0);
  }

  List<SpanData> childrenOf(SpanData parent) {
    return spans.stream()
        .filter(s -> s.getParentSpanContext().isValid()
            && s.getParentSpanId().equals(parent.getSpanId())
            && s.getTraceId().equals(parent.getTraceId()))
        .toList();
  }

  /** Function and extension records, in order (platform records left out). */
  List<LogRecordData> lineLogs() {
    return logs.stream().filter(l -> !"platform".equals(l.getAttributes().get(LOG_SOURCE))).toList();
  }

  List<LogRecordData> platformLogs() {
    return logs.stream().filter(l -> "platform".equals(l.getAttributes().get(LOG_SOURCE))).toList();
  }

  Optional<Long> counter(String name) {
    return metric(name).map(m -> m.getLongSumData().getPoints().iterator().next().getValue());
  }

  Optional<HistogramPointData> histogram(String name) {
    return metric(name).map(m -> m.getHistogramData().getPoints().iterator().next());
  }

  Optional<MetricData> metric(String name) {
    return converter.collectMetrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }
}
