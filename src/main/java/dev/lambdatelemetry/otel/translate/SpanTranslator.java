package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.*;

import dev.lambdatelemetry.otel.telemetry.model.ReportMetrics;
import dev.lambdatelemetry.otel.telemetry.model.SpanRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds spans from invocation and init/restore state: pure, times from the events, all arithmetic
 * in nanoseconds ({@code durationMs × 10⁶} rounded) so microsecond values survive exactly.
 */
final class SpanTranslator {

  /** The span name when the resource has no {@code faas.name}. */
  static final String DEFAULT_INVOCATION_NAME = "invocation";

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final InstrumentationScopeInfo scope;
  private final IdSource ids;

  SpanTranslator(InstrumentationScopeInfo scope, IdSource ids) {
    this.scope = scope;
    this.ids = ids;
  }

  /**
   * The invocation span.
   *
   * @param fallbackEnd the end when no duration is known (no runtimeDone, no report): the latest
   *     event time seen, never before the start
   */
  SpanData invocation(InvocationState state, Resource resource, Instant fallbackEnd) {
    long start = nanos(state.startTime());
    Double durationMs = state.spanDurationMs();
    long end = durationMs != null ? start + durationNanos(durationMs) : Math.max(start, nanos(fallbackEnd));
    String name = resource.getAttribute(FAAS_NAME);
    return new LambdaSpanData(
        name == null || name.isEmpty() ? DEFAULT_INVOCATION_NAME : name,
        SpanKind.SERVER,
        state.spanContext(),
        state.parentSpanContext(),
        status(state.finalStatus(), state.errorType()),
        start,
        end,
        invocationAttributes(state),
        resource,
        scope,
        state.links);
  }

  /**
   * The init or restore span: a root span of its own trace, or a child of the first invocation's span
   * after a join.
   */
  SpanData phase(PhaseState state, Resource resource, Instant fallbackEnd) {
    long start = nanos(state.startTime());
    Instant endTime = state.endTime();
    long end = Math.max(start, nanos(endTime != null ? endTime : fallbackEnd));
    AttributesBuilder attributes = Attributes.builder();
    putIfPresent(attributes, INIT_TYPE, state.initializationType);
    putIfPresent(attributes, INIT_PHASE, state.phase);
    putIfPresent(attributes, ERROR_TYPE, state.errorType());
    StatusData status =
        state.failed()
            ? status(state.failedStatus(), state.errorType())
            : StatusData.ok();
    return new LambdaSpanData(
        state.kind.spanName,
        SpanKind.INTERNAL,
        state.spanContext(),
        state.parentSpanContext(),
        status,
        start,
        end,
        attributes.build(),
        resource,
        scope,
        state.links);
  }

  /**
   * One INTERNAL child per {@code spans[]} element, in the parent's trace. Elements without a name or
   * start, or with a negative or non-finite duration, are skipped.
   */
  List<SpanData> children(List<SpanRecord> records, SpanContext parent, Resource resource) {
    if (records == null || records.isEmpty()) {
      return List.of();
    }
    List<SpanData> children = new ArrayList<>(records.size());
    for (SpanRecord record : records) {
      if (!isUsable(record)) {
        continue;
      }
      long start = nanos(record.start());
      SpanContext context =
          SpanContext.create(parent.getTraceId(), ids.spanId(), parent.getTraceFlags(), parent.getTraceState());
      children.add(
          new LambdaSpanData(
              record.name(),
              SpanKind.INTERNAL,
              context,
              parent,
              StatusData.unset(),
              start,
              start + durationNanos(record.durationMs()),
              Attributes.empty(),
              resource,
              scope));
    }
    return children;
  }

  static long nanos(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
  }

  static long durationNanos(double millis) {
    return Math.round(millis * 1_000_000d);
  }

  private static boolean isUsable(SpanRecord record) {
    return record != null
        && record.name() != null
        && !record.name().isEmpty()
        && record.start() != null
        && Double.isFinite(record.durationMs())
        && record.durationMs() >= 0;
  }

  private static StatusData status(String finalStatus, String errorType) {
    if (finalStatus == null) {
      return StatusData.unset();
    }
    if (STATUS_SUCCESS.equals(finalStatus)) {
      return StatusData.ok();
    }
    return StatusData.create(StatusCode.ERROR, errorType != null ? errorType : finalStatus);
  }

  private static Attributes invocationAttributes(InvocationState state) {
    AttributesBuilder attributes = Attributes.builder();
    attributes.put(FAAS_INVOCATION_ID, state.requestId);
    attributes.put(FAAS_COLDSTART, state.coldStart());
    attributes.put(FAAS_TRIGGER, TRIGGER_OTHER);
    putIfPresent(attributes, FAAS_VERSION, state.start != null ? state.start.version() : null);
    putIfPresent(attributes, STATUS, rawStatus(state));
    putIfPresent(attributes, ERROR_TYPE, state.errorType());
    ReportMetrics metrics = state.reportMetrics();
    putIfPresent(attributes, BILLED_DURATION_MS, metrics.billedDurationMs());
    putIfPresent(attributes, MEMORY_SIZE_MB, metrics.memorySizeMB());
    putIfPresent(attributes, MAX_MEMORY_USED_MB, metrics.maxMemoryUsedMB());
    putIfPresent(attributes, INIT_DURATION_MS, metrics.initDurationMs());
    putIfPresent(attributes, RESTORE_DURATION_MS, metrics.restoreDurationMs());
    putIfPresent(attributes, BILLED_RESTORE_DURATION_MS, metrics.billedRestoreDurationMs());
    putIfPresent(
        attributes, PRODUCED_BYTES, state.runtimeDone != null ? state.runtimeDone.producedBytes() : null);
    putIfPresent(attributes, TENANT_ID, state.tenantId());
    putIfPresent(attributes, INVOKED_ARN, state.invokedArn);
    putIfPresent(attributes, CLOUD_RESOURCE_ID, state.resourceArn());
    return attributes.build();
  }

  /** The status exactly as the platform wrote it (the report's, else runtimeDone's). */
  private static String rawStatus(InvocationState state) {
    if (state.report != null && state.report.status() != null) {
      return state.report.status();
    }
    return state.runtimeDone != null ? state.runtimeDone.status() : null;
  }

  private static <T> void putIfPresent(AttributesBuilder builder, AttributeKey<T> key, T value) {
    if (value != null) {
      builder.put(key, value);
    }
  }
}
