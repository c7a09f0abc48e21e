package dev.lambdatelemetry.otel.translate;

import dev.lambdatelemetry.otel.telemetry.model.LogLine;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;
import java.util.function.Function;

/**
 * Builds the log record of one {@code function}/{@code extension} line; the production
 * implementation is {@code new LogTranslator()::translate}. An interface so the converter can be
 * tested without the log translator.
 */
@FunctionalInterface
public interface LogRecordFactory {

  /** See {@link LogTranslator#translate}. */
  LogRecordData translate(
      LogLine line,
      Instant envelopeTime,
      Function<String, InvocationContext> invocationById,
      InvocationContext openInvocation,
      Resource resource);
}
