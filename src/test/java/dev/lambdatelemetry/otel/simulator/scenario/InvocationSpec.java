package dev.lambdatelemetry.otel.simulator.scenario;

import java.time.Duration;

/**
 * One scripted invocation.
 *
 * @param outcome         how the function ends
 * @param sampled         whether the request carries a sampled X-Ray header (then start/runtimeDone/report
 *                        have {@code tracing}; otherwise none, like the platform)
 * @param logFormat       text (Node pattern) or JSON function log records
 * @param logLines        how many function log lines the handler writes
 * @param logLineBytes    approximate size of each message (for log-heavy runs)
 * @param runtimeDuration how long the simulated handler runs (real time)
 * @param upstreamTrace   whether the request carries a W3C {@code traceparent} from an upstream caller (an API
 *                        Gateway or SQS producer that propagates it): an instrumented function continues that
 *                        trace
 * @param functionSpans   how many child spans an instrumented function creates under its entry span
 */
public record InvocationSpec(Outcome outcome, boolean sampled, LogFormat logFormat, int logLines,
    int logLineBytes, Duration runtimeDuration, boolean upstreamTrace, int functionSpans) {

  /** Child spans of an instrumented function's entry span, by default. */
  public static final int DEFAULT_FUNCTION_SPANS = 3;

  /** How the invocation ends. */
  public enum Outcome {
    SUCCESS,
    /** A handled error: status {@code error}, errorType {@code Runtime.Unknown} (RAPID normalises e.g. TypeError). */
    ERROR,
    /** The function runs past its deadline: status {@code timeout}, then a reset (SHUTDOWN {@code timeout}). */
    TIMEOUT
  }

  /** The function's log format ({@code AWS_LAMBDA_LOG_FORMAT}). */
  public enum LogFormat {
    TEXT,
    JSON
  }

  /** A successful, sampled invocation with two text log lines and a 12 ms handler. */
  public static InvocationSpec success() {
    return new InvocationSpec(Outcome.SUCCESS, true, LogFormat.TEXT, 2, 40, Duration.ofMillis(12), false,
        DEFAULT_FUNCTION_SPANS);
  }

  public InvocationSpec withOutcome(Outcome value) {
    return new InvocationSpec(value, sampled, logFormat, logLines, logLineBytes, runtimeDuration, upstreamTrace,
        functionSpans);
  }

  public InvocationSpec withSampled(boolean value) {
    return new InvocationSpec(outcome, value, logFormat, logLines, logLineBytes, runtimeDuration, upstreamTrace,
        functionSpans);
  }

  public InvocationSpec withLogFormat(LogFormat value) {
    return new InvocationSpec(outcome, sampled, value, logLines, logLineBytes, runtimeDuration, upstreamTrace,
        functionSpans);
  }

  public InvocationSpec withLogs(int lines, int bytesPerLine) {
    return new InvocationSpec(outcome, sampled, logFormat, lines, bytesPerLine, runtimeDuration, upstreamTrace,
        functionSpans);
  }

  public InvocationSpec withRuntimeDuration(Duration value) {
    return new InvocationSpec(outcome, sampled, logFormat, logLines, logLineBytes, value, upstreamTrace,
        functionSpans);
  }

  /** With a W3C {@code traceparent} from an upstream caller (see {@link #upstreamTrace()}). */
  public InvocationSpec withUpstreamTrace(boolean value) {
    return new InvocationSpec(outcome, sampled, logFormat, logLines, logLineBytes, runtimeDuration, value,
        functionSpans);
  }

  /** An instrumented function creates {@code value} child spans under its entry span. */
  public InvocationSpec withFunctionSpans(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("functionSpans must not be negative: " + value);
    }
    return new InvocationSpec(outcome, sampled, logFormat, logLines, logLineBytes, runtimeDuration,
        upstreamTrace, value);
  }
}
