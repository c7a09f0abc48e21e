package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.EXCEPTION_MESSAGE;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.EXCEPTION_STACKTRACE;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.EXCEPTION_TYPE;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.FAAS_INVOCATION_ID;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.LOG_SOURCE;

import dev.lambdatelemetry.otel.Instrumentation;
import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;

/**
 * Turns one {@code function}/{@code extension} event into exactly one OpenTelemetry log record. The
 * line is read by {@link TextLogParser} (a string {@code record}: body, severity and request id from
 * the Node.js and Python line patterns) or {@link JsonLogParser} (an object {@code record}, the JSON
 * log format: body, timestamp, severity, request id, exception and attributes from its keys); this
 * class then links the record to its invocation and builds it.
 *
 * <p><b>Which invocation.</b> A record that names a request id (a runtime's text prefix, or a JSON
 * {@code requestId}) gets that id as {@code faas.invocation_id}: it is the runtime's own statement,
 * and stays right for a line delivered after its invocation closed; its trace context is that
 * invocation's when it is known. Node's {@code undefined} (an init-phase line) means no invocation
 * at all. Any other record takes the open invocation's id and trace context. The timestamp is the
 * envelope time unless a JSON record has its own. Attributes we set win over user keys of the same
 * name.
 *
 * <p>Pure and thread-safe: no I/O, no state.
 */
public final class LogTranslator {

  private static final long MAX_EPOCH_SECOND_IN_NANOS = Long.MAX_VALUE / 1_000_000_000L - 1;

  /**
   * Translates one log line. Never throws for any content of {@code line}.
   *
   * @param line the log event's record
   * @param envelopeTime the event's envelope {@code time}: the observed time, and the timestamp when
   *     the record's own one does not parse
   * @param invocationById looks up an open or known invocation by request id (for records that name
   *     one); returns null when unknown
   * @param openInvocation the invocation open in this environment (between platform.start and its
   *     runtimeDone/report) for records that do not name one, or null (init phase, Managed
   *     Instances)
   * @param resource the environment's resource
   */
  public LogRecordData translate(
      LogLine line,
      Instant envelopeTime,
      Function<String, InvocationContext> invocationById,
      InvocationContext openInvocation,
      Resource resource) {
    long envelopeNanos = toEpochNanos(envelopeTime);
    LogDraft draft = new LogDraft(envelopeNanos);
    if (line.object() != null) {
      JsonLogParser.read(line.object(), draft);
    } else {
      TextLogParser.read(line.text() == null ? "" : line.text(), draft);
    }
    draft.attributes.put(LOG_SOURCE, line.source().wireName()); // after user keys: ours win
    InvocationContext invocation = resolve(draft, invocationById, openInvocation);
    SpanContext spanContext = SpanContext.getInvalid();
    if (invocation != null) {
      draft.attributes.put(FAAS_INVOCATION_ID, invocation.requestId());
      if (invocation.spanContext() != null) {
        spanContext = invocation.spanContext();
      }
    } else if (draft.requestId != null) {
      draft.attributes.put(FAAS_INVOCATION_ID, draft.requestId);
    }
    draft.putExceptionAttributes();
    return new LambdaLogRecord(
        resource == null ? Resource.empty() : resource,
        Instrumentation.SCOPE,
        draft.timestampNanos,
        envelopeNanos,
        spanContext,
        draft.severity,
        draft.severityText,
        draft.body,
        draft.attributes.build());
  }

  /**
   * The invocation whose trace context the record gets, or null. A record that names a request id
   * is linked only to that invocation; one that names none gets the open invocation.
   */
  private static InvocationContext resolve(
      LogDraft draft, Function<String, InvocationContext> byId, InvocationContext open) {
    if (draft.noInvocation) {
      return null;
    }
    if (draft.requestId == null) {
      return open;
    }
    InvocationContext found = byId == null ? null : byId.apply(draft.requestId);
    if (found == null && open != null && draft.requestId.equals(open.requestId())) {
      found = open;
    }
    return found == null ? null : new InvocationContext(draft.requestId, found.spanContext());
  }

  /**
   * The severity of a level name, case-insensitive; {@link Severity#UNDEFINED_SEVERITY_NUMBER} when
   * unknown. Covers Node, Python, Java and .NET names.
   */
  static Severity severity(String level) {
    if (level == null) {
      return Severity.UNDEFINED_SEVERITY_NUMBER;
    }
    return switch (level.trim().toUpperCase(Locale.ROOT)) {
      case "TRACE" -> Severity.TRACE;
      case "DEBUG" -> Severity.DEBUG;
      case "INFO", "INFORMATION" -> Severity.INFO;
      case "WARN", "WARNING" -> Severity.WARN;
      case "ERROR" -> Severity.ERROR;
      case "FATAL", "CRITICAL" -> Severity.FATAL;
      default -> Severity.UNDEFINED_SEVERITY_NUMBER;
    };
  }

  static boolean inNanosRange(Instant instant) {
    return instant.getEpochSecond() >= 0 && instant.getEpochSecond() <= MAX_EPOCH_SECOND_IN_NANOS;
  }

  static long toEpochNanos(Instant instant) {
    if (instant == null || !inNanosRange(instant)) {
      return 0L; // the parser guarantees an envelope time; 0 is OTel's "unknown"
    }
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }


}
