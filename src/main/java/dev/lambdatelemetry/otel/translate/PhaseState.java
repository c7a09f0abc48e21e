package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.STATUS_SUCCESS;

import dev.lambdatelemetry.otel.telemetry.model.SpanRecord;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.trace.data.LinkData;
import java.time.Instant;
import java.util.List;

/**
 * One init sequence ({@code initStart … initRuntimeDone … initReport}) or one SnapStart restore
 * ({@code restoreStart … restoreRuntimeDone … restoreReport}): the same shape, a root span of its own
 * trace, unless the join puts it into the trace of the first invocation after it. Mutable; used only
 * from the converter's processing thread.
 */
final class PhaseState {

  /** Which phase this is; also the span name. */
  enum Kind {
    INIT("init"),
    RESTORE("restore");

    final String spanName;

    Kind(String spanName) {
      this.spanName = spanName;
    }
  }

  final Kind kind;

  /** The invocation sequence number when this phase began: later invocations follow it. */
  final long invocationSequenceAtStart;

  /** Its own random trace, or the first invocation's after a join. */
  String traceId;
  final String spanId;
  /** The first invocation's span after a join; null: a root span. */
  String parentSpanId;
  /** Span links ({@code lambda-telemetry.join=link}); usually empty. */
  List<LinkData> links = List.of();
  /** The join of the first invocation after this phase was decided: the span may be emitted. */
  boolean joinSettled;

  Instant startTime;
  String initializationType;
  String phase;
  Instant runtimeDoneTime;
  String runtimeDoneStatus;
  String runtimeDoneErrorType;
  List<SpanRecord> runtimeDoneSpans = List.of();
  Instant reportTime;
  String reportStatus;
  String reportErrorType;
  Double reportDurationMs;
  List<SpanRecord> reportSpans = List.of();
  boolean emitted;

  PhaseState(Kind kind, long invocationSequenceAtStart, IdSource ids) {
    this.kind = kind;
    this.invocationSequenceAtStart = invocationSequenceAtStart;
    this.traceId = ids.traceId();
    this.spanId = ids.spanId();
  }

  SpanContext spanContext() {
    return SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
  }

  /** The parent: the first invocation's span after a join, else none. */
  SpanContext parentSpanContext() {
    if (parentSpanId == null) {
      return SpanContext.getInvalid();
    }
    return SpanContext.create(traceId, parentSpanId, TraceFlags.getSampled(), TraceState.getDefault());
  }

  /** initStart.time, else report.time − durationMs, else the runtimeDone or report time. */
  Instant startTime() {
    if (startTime != null) {
      return startTime;
    }
    if (reportTime != null && reportDurationMs != null) {
      return reportTime.minus(InvocationState.toDuration(reportDurationMs));
    }
    return runtimeDoneTime != null ? runtimeDoneTime : reportTime;
  }

  /** The end: start + the report's duration, else the runtimeDone time; null when neither is known. */
  Instant endTime() {
    if (reportDurationMs != null) {
      return startTime().plus(InvocationState.toDuration(reportDurationMs));
    }
    return runtimeDoneTime;
  }

  /** True when the runtimeDone or report status is present and not {@code success}. */
  boolean failed() {
    return isFailure(runtimeDoneStatus) || isFailure(reportStatus);
  }

  /** The first non-success status, for the span status description. */
  String failedStatus() {
    return isFailure(reportStatus) ? reportStatus : runtimeDoneStatus;
  }

  String errorType() {
    return reportErrorType != null ? reportErrorType : runtimeDoneErrorType;
  }

  void noteTypeAndPhase(String type, String phaseValue) {
    if (initializationType == null) {
      initializationType = type;
    }
    if (phase == null) {
      phase = phaseValue;
    }
  }

  private static boolean isFailure(String status) {
    return status != null && !STATUS_SUCCESS.equals(status);
  }
}
