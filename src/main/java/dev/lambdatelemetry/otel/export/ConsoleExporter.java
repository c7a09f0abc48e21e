package dev.lambdatelemetry.otel.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.util.Collection;

/**
 * {@code otel.*.exporter=console}: one readable line per item on a stream (stdout). On Lambda these lines
 * come back as extension logs, which is what a user asking for console output wants to see. One nested
 * class per signal, because the three exporter interfaces share an erased {@code export} signature.
 */
final class ConsoleExporter {

  private ConsoleExporter() {}

  /** What the three exporters share: the stream, and flush/shutdown that only flush it. */
  private abstract static class Printer {
    final PrintStream out;

    Printer(PrintStream out) {
      this.out = out;
    }

    public CompletableResultCode flush() {
      out.flush();
      return CompletableResultCode.ofSuccess();
    }

    public CompletableResultCode shutdown() {
      return flush();
    }
  }

  /** Spans, one line each. */
  static final class Spans extends Printer implements SpanExporter {
    Spans(PrintStream out) {
      super(out);
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      for (SpanData s : spans) {
        out.println(
            "span " + s.getName() + " trace=" + s.getTraceId() + " span=" + s.getSpanId()
                + " parent=" + s.getParentSpanId() + " kind=" + s.getKind() + " status="
                + s.getStatus().getStatusCode() + " durationNs="
                + (s.getEndEpochNanos() - s.getStartEpochNanos()) + " attributes=" + s.getAttributes());
      }
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Log records, one line each (newlines in bodies escaped). */
  static final class Logs extends Printer implements LogRecordExporter {
    Logs(PrintStream out) {
      super(out);
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
      for (LogRecordData l : logs) {
        String body = l.getBodyValue() == null ? "" : l.getBodyValue().asString();
        out.println(
            "log " + l.getTimestampEpochNanos() + " " + l.getSeverity() + " "
                + body.replace("\n", "\\n") + " attributes=" + l.getAttributes());
      }
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Metrics, one line each with their points. */
  static final class Metrics extends Printer implements MetricExporter {
    Metrics(PrintStream out) {
      super(out);
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      for (MetricData m : metrics) {
        out.println("metric " + m.getName() + " " + m.getType() + " " + m.getData().getPoints());
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }
  }
}
