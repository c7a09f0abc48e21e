package dev.lambdatelemetry.otel.otlp;

import dev.lambdatelemetry.otel.otlp.RequestProcessor.Answer;
import java.nio.charset.StandardCharsets;

/**
 * The bodies of OTLP answers: {@code Export*ServiceResponse} (empty, or with {@code partial_success}) and
 * {@code google.rpc.Status} for errors, in protobuf or in OTLP/JSON.
 */
final class ExportResponses {

  static final byte[] EMPTY = new byte[0];
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);
  /** google.rpc.Code INVALID_ARGUMENT, the code of a 400 or 413 Status body. */
  static final int INVALID_ARGUMENT = 3;

  private ExportResponses() {}

  /** The {@code Export*ServiceResponse} for an accepted request. */
  static byte[] exportResponse(Answer.Accepted a, boolean json) {
    if (!a.partial()) {
      return json ? EMPTY_JSON : EMPTY;
    }
    return json ? partialJson(a) : partialProtobuf(a);
  }

  /** A {@code google.rpc.Status} with INVALID_ARGUMENT and {@code message}. */
  static byte[] status(String message, boolean json) {
    if (json) {
      return ("{\"code\":" + INVALID_ARGUMENT + ",\"message\":\"" + jsonEscape(message) + "\"}")
          .getBytes(StandardCharsets.UTF_8);
    }
    try {
      WireWriter w = new WireWriter(64 + message.length() * 3, Integer.MAX_VALUE);
      w.tag(1, WireReader.VARINT);
      w.varint(INVALID_ARGUMENT);
      w.string(2, message);
      return w.toByteArray();
    } catch (WireWriter.TooLargeException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] partialProtobuf(Answer.Accepted a) {
    try {
      WireWriter w = new WireWriter(64 + a.message().length() * 3, Integer.MAX_VALUE);
      int mark = w.beginMessage(1);
      if (a.rejected() != 0) {
        w.tag(1, WireReader.VARINT);
        w.varint(a.rejected());
      }
      w.string(2, a.message());
      w.endMessage(mark);
      return w.toByteArray();
    } catch (WireWriter.TooLargeException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] partialJson(Answer.Accepted a) {
    return ("{\"partialSuccess\":{\"" + signalField(a) + "\":\"" + a.rejected()
        + "\",\"errorMessage\":\"" + jsonEscape(a.message()) + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  private static String signalField(Answer.Accepted a) {
    return a.signal().rejectedJsonField();
  }

  static String jsonEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
