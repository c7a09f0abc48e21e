package dev.lambdatelemetry.otel.translate;

import dev.lambdatelemetry.otel.json.JsonReader;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.telemetry.model.Timestamps;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import java.util.List;

/**
 * Reads a text log line (a string {@code record}) into a {@link LogDraft}: the body is the line
 * minus trailing {@code \r} and {@code \n}, nothing else touched. The Node.js pattern {@code
 * <ts>\t<requestId>\t<LEVEL>\t...} and the Python pattern {@code [LEVEL]\t<ts>\t<requestId>\t...}
 * (and Python's unhandled-error form {@code [ERROR] Type: message...}) give the severity and the
 * request id the runtime names; Node's {@code Invoke Error}/{@code Uncaught Exception} lines also
 * give the exception from their JSON tail. Any other line is a body only. Pure.
 */
final class TextLogParser {

  /** Node.js text prefixes of a message followed by a tab and the error as JSON. */
  private static final List<String> NODE_ERROR_PREFIXES =
      List.of("Invoke Error \t", "Uncaught Exception \t", "Unhandled Promise Rejection \t");

  private TextLogParser() {}

  /** Fills {@code draft} from the line {@code text}. */
  static void read(String text, LogDraft draft) {
    int end = text.length();
    while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    String body = end == text.length() ? text : text.substring(0, end);
    draft.body = Value.of(body);
    if (body.startsWith("[")) {
      readPythonPrefix(body, draft);
    } else {
      readNodePrefix(body, draft);
    }
  }

  /** {@code [LEVEL]\t<ts>\t<requestId>\t...} or the unhandled-error form {@code [ERROR] ...}. */
  private static void readPythonPrefix(String body, LogDraft draft) {
    int close = body.indexOf(']');
    if (close < 2 || close + 1 >= body.length()) {
      return;
    }
    String level = body.substring(1, close);
    Severity severity = LogTranslator.severity(level);
    if (severity == Severity.UNDEFINED_SEVERITY_NUMBER) {
      return;
    }
    char after = body.charAt(close + 1);
    if (after != '\t' && after != ' ') {
      return;
    }
    draft.severity = severity;
    draft.severityText = level;
    if (after == '\t') {
      int tsEnd = body.indexOf('\t', close + 2);
      int idEnd = tsEnd < 0 ? -1 : body.indexOf('\t', tsEnd + 1);
      if (idEnd > tsEnd + 1 && Timestamps.parse(body.substring(close + 2, tsEnd)) != null) {
        draft.setTextRequestId(body.substring(tsEnd + 1, idEnd));
      }
    }
  }

  /** {@code <ts>\t<requestId>\t<LEVEL>\t<message>}. */
  private static void readNodePrefix(String body, LogDraft draft) {
    int tsEnd = body.indexOf('\t');
    if (tsEnd < 20) { // shorter than the shortest RFC 3339 instant
      return;
    }
    int idEnd = body.indexOf('\t', tsEnd + 1);
    if (idEnd <= tsEnd + 1) {
      return;
    }
    int levelEnd = body.indexOf('\t', idEnd + 1);
    String level = body.substring(idEnd + 1, levelEnd < 0 ? body.length() : levelEnd);
    Severity severity = LogTranslator.severity(level);
    if (severity == Severity.UNDEFINED_SEVERITY_NUMBER
        || Timestamps.parse(body.substring(0, tsEnd)) == null) {
      return;
    }
    draft.severity = severity;
    draft.severityText = level;
    draft.setTextRequestId(body.substring(tsEnd + 1, idEnd));
    if (levelEnd > 0) {
      readNodeError(body, levelEnd + 1, draft);
    }
  }

  /** Node's {@code Invoke Error \t{"errorType":...,"errorMessage":...,"stack":[...]}}. */
  private static void readNodeError(String body, int messageStart, LogDraft draft) {
    for (String prefix : NODE_ERROR_PREFIXES) {
      if (body.startsWith(prefix, messageStart)) {
        // Not JSON after all (null): the body alone carries it.
        if (JsonReader.parseOrNull(body.substring(messageStart + prefix.length()))
            instanceof JsonObject error) {
          draft.takeException(error, "stack");
        }
        return;
      }
    }
  }
}
