package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.STATUS_SUCCESS;

import dev.lambdatelemetry.otel.telemetry.model.Report;
import dev.lambdatelemetry.otel.telemetry.model.ReportMetrics;
import dev.lambdatelemetry.otel.telemetry.model.RuntimeDone;
import dev.lambdatelemetry.otel.telemetry.model.Start;
import dev.lambdatelemetry.otel.telemetry.model.Tracing;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.trace.data.LinkData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What is known so far about one invocation ({@code requestId}): its {@code platform.start},
 * {@code runtimeDone} and {@code report} with their envelope times, its ids, and which of its
 * outputs were already produced, so that nothing is emitted or counted twice. Mutable; used only
 * from the converter's processing thread.
 */
final class InvocationState {

  final String requestId;

  /** Creation order, to tell invocations that began after an init sequence. */
  final long sequence;

  Start start;
  Instant startTime;
  /** The latest event time seen while this invocation was open: its end when nothing else says. */
  Instant lastSeen;
  RuntimeDone runtimeDone;
  Instant runtimeDoneTime;
  Report report;
  Instant reportTime;
  String invokedArn;

  /** An on-demand init or a restore happened since the previous invocation. */
  boolean coldStartByEnvironment;

  String traceId;
  String spanId;
  String parentSpanId;
  boolean sampled;
  private boolean idsFromXRay;
  /** The ids were moved into the function's trace by the join: no later header may change them. */
  private boolean idsFromJoin;

  /** Where the join with the function's entry span stands; null before the first attempt. */
  TraceJoiner.Outcome join;
  /** Span links of the invocation span ({@code lambda-telemetry.join=link}). */
  List<LinkData> links = List.of();
  /** The context log records carry while a join may still change the trace id; null when no join. */
  private LiveSpanContext logContext;

  boolean emitted;
  boolean runtimeDoneChildrenEmitted;
  boolean reportChildrenEmitted;
  boolean outcomeCounted;
  boolean durationRecorded;
  boolean coldStartCounted;

  InvocationState(String requestId, long sequence, IdSource ids) {
    this.requestId = requestId;
    this.sequence = sequence;
    this.traceId = ids.traceId();
    this.spanId = ids.spanId();
    // We export every span we make, so an invocation without an X-Ray decision is recorded as sampled.
    this.sampled = true;
  }

  /**
   * Takes the ids from the first valid X-Ray header seen (platform.start's, or else runtimeDone's or
   * report's). A valid header without a usable {@code spanId} keeps the random span id.
   */
  void applyTracing(Tracing tracing) {
    if (idsFromXRay || idsFromJoin || tracing == null) {
      return;
    }
    Optional<XRayHeader> header = XRayHeader.parse(tracing.value());
    if (header.isEmpty()) {
      return;
    }
    idsFromXRay = true;
    traceId = header.get().traceId();
    parentSpanId = header.get().parentSpanId();
    sampled = header.get().sampled();
    if (XRayHeader.isValidSpanId(tracing.spanId())) {
      spanId = tracing.spanId().toLowerCase(Locale.ROOT);
    }
    refreshLogContext();
  }

  /** True when the ids come from the platform's X-Ray header (active tracing). */
  boolean hasXRayIds() {
    return idsFromXRay;
  }

  /**
   * Log records of this invocation will follow a later change of its trace id (see {@link
   * LiveSpanContext}); called at creation when a join may happen.
   */
  void followJoin() {
    logContext = new LiveSpanContext(spanContext());
  }

  /**
   * The join moves this invocation into the function's trace: the span keeps its span id, takes
   * {@code joinedTraceId} and the parent {@code joinedParentSpanId} (null: a root span).
   */
  void adoptTrace(String joinedTraceId, String joinedParentSpanId) {
    idsFromJoin = true;
    traceId = joinedTraceId;
    parentSpanId = joinedParentSpanId;
    refreshLogContext();
  }

  /** The span context log records of this invocation carry. */
  SpanContext logSpanContext() {
    return logContext != null ? logContext : spanContext();
  }

  private void refreshLogContext() {
    if (logContext != null) {
      logContext.set(spanContext());
    }
  }

  SpanContext spanContext() {
    return SpanContext.create(
        traceId, spanId, sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
  }

  SpanContext parentSpanContext() {
    if (parentSpanId == null) {
      return SpanContext.getInvalid();
    }
    return SpanContext.createFromRemoteParent(
        traceId, parentSpanId, sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
  }

  InvocationContext context() {
    return new InvocationContext(requestId, logSpanContext());
  }

  /** platform.start.time, else runtimeDone.time − its duration, else report.time − its duration. */
  Instant startTime() {
    if (startTime != null) {
      return startTime;
    }
    if (runtimeDoneTime != null && runtimeDone.durationMs() != null) {
      return runtimeDoneTime.minus(toDuration(runtimeDone.durationMs()));
    }
    Double reportDuration = reportDurationMs();
    if (reportTime != null && reportDuration != null) {
      return reportTime.minus(toDuration(reportDuration));
    }
    return runtimeDoneTime != null ? runtimeDoneTime : reportTime;
  }

  /** The report's duration when known (preferred), else runtimeDone's; null when neither is. */
  Double spanDurationMs() {
    Double reportDuration = reportDurationMs();
    if (reportDuration != null) {
      return reportDuration;
    }
    return runtimeDone != null ? runtimeDone.durationMs() : null;
  }

  /** The faas.invoke_duration sample: runtimeDone's duration, else the report's. */
  Double invokeDurationMs() {
    if (runtimeDone != null && runtimeDone.durationMs() != null) {
      return runtimeDone.durationMs();
    }
    return reportDurationMs();
  }

  /** report.status (absent = success), else runtimeDone.status; null with neither event. */
  String finalStatus() {
    if (report != null) {
      return report.status() == null ? STATUS_SUCCESS : report.status();
    }
    if (runtimeDone != null) {
      return runtimeDone.status() == null ? STATUS_SUCCESS : runtimeDone.status();
    }
    return null;
  }

  String errorType() {
    if (report != null && report.errorType() != null) {
      return report.errorType();
    }
    return runtimeDone != null ? runtimeDone.errorType() : null;
  }

  boolean coldStart() {
    ReportMetrics metrics = reportMetrics();
    boolean reportSaysCold = metrics.initDurationMs() != null || metrics.restoreDurationMs() != null;
    return reportSaysCold || coldStartByEnvironment;
  }

  ReportMetrics reportMetrics() {
    return report == null || report.metrics() == null ? ReportMetrics.EMPTY : report.metrics();
  }

  String tenantId() {
    if (start != null && start.tenantId() != null) {
      return start.tenantId();
    }
    if (runtimeDone != null && runtimeDone.tenantId() != null) {
      return runtimeDone.tenantId();
    }
    return report != null ? report.tenantId() : null;
  }

  /** The INVOKE event's ARN, else platform.start.functionArn (Managed Instances have no INVOKE). */
  String resourceArn() {
    if (invokedArn != null) {
      return invokedArn;
    }
    return start != null ? start.functionArn() : null;
  }

  private Double reportDurationMs() {
    return reportMetrics().durationMs();
  }

  static Duration toDuration(double millis) {
    return Duration.ofNanos(Math.round(millis * 1_000_000d));
  }
}
