package dev.lambdatelemetry.otel.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.lambdatelemetry.otel.otlp.OtlpSchema.Field;
import dev.lambdatelemetry.otel.otlp.OtlpSchema.Kind;
import dev.lambdatelemetry.otel.otlp.OtlpSchema.Message;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Base64;

/**
 * OTLP/JSON to the protobuf bytes of the same message, streaming (jackson-core, no tree), driven by
 * {@link OtlpSchema}. Follows the OTLP/JSON mapping: trace and span ids in hex, other bytes in base64,
 * 64-bit integers as strings or numbers, enums as names or numbers, lowerCamelCase and snake_case field
 * names, {@code null} as absent, unknown fields ignored. The result is then checked and split by
 * {@link ExportRequestDecoder} like any protobuf body, so both encodings keep the same bytes.
 */
final class JsonTranscoder {

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(ExportRequestDecoder.MAX_DEPTH * 2).build())
      .build();

  private JsonTranscoder() {}

  /** The protobuf bytes of the {@code Export*ServiceRequest} written in {@code json}. */
  static byte[] toProtobuf(Signal signal, byte[] json, int offset, int length, int maxBytes)
      throws MalformedMessageException, WireWriter.TooLargeException {
    // Protobuf is smaller than its JSON (hex ids halve, names become tags): the JSON size is a good first guess.
    WireWriter out = new WireWriter(length, maxBytes);
    try (JsonParser p = JSON.createParser(json, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedMessageException("the body is not a JSON object");
      }
      message(p, OtlpSchema.request(signal), out);
      if (p.nextToken() != null) {
        throw new MalformedMessageException("content after the JSON object");
      }
    } catch (IOException | IllegalArgumentException e) {
      // Jackson's JsonParseException is an IOException; hex/base64/number errors are IllegalArgument.
      throw new MalformedMessageException("invalid OTLP/JSON: " + firstLine(e.getMessage()));
    }
    return out.toByteArray();
  }

  /** Reads the fields of an object whose START_OBJECT was just read, up to its END_OBJECT. */
  private static void message(JsonParser p, Message type, WireWriter out)
      throws IOException, MalformedMessageException, WireWriter.TooLargeException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      Field f = type.field(p.currentName());
      JsonToken value = p.nextToken();
      if (f == null) {
        p.skipChildren();
      } else if (value == JsonToken.VALUE_NULL) {
        continue;
      } else if (f.repeated()) {
        if (value != JsonToken.START_ARRAY) {
          throw new MalformedMessageException(type + "." + f.name() + " is not an array");
        }
        repeated(p, f, out);
      } else {
        single(p, f, out);
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new MalformedMessageException("unexpected " + t + " in " + type);
    }
  }

  private static void repeated(JsonParser p, Field f, WireWriter out)
      throws IOException, MalformedMessageException, WireWriter.TooLargeException {
    if (!f.kind().packable()) {
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (p.currentToken() != JsonToken.VALUE_NULL) {
          single(p, f, out);
        }
      }
      return;
    }
    int mark = -1;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (mark < 0) {
        mark = out.beginMessage(f.number());
      }
      scalar(p, f, out);
    }
    if (mark >= 0) {
      out.endMessage(mark);
    }
  }

  private static void single(JsonParser p, Field f, WireWriter out)
      throws IOException, MalformedMessageException, WireWriter.TooLargeException {
    switch (f.kind()) {
      case MESSAGE -> {
        if (p.currentToken() != JsonToken.START_OBJECT) {
          throw new MalformedMessageException(f.name() + " is not an object");
        }
        int mark = out.beginMessage(f.number());
        message(p, f.type(), out);
        out.endMessage(mark);
      }
      case STRING -> out.string(f.number(), text(p, f));
      case ID -> {
        byte[] id = hex(text(p, f));
        if (id.length > 0) {
          out.bytes(f.number(), id, 0, id.length);
        }
      }
      case BYTES -> {
        byte[] b = base64(text(p, f));
        out.bytes(f.number(), b, 0, b.length);
      }
      default -> {
        out.tag(f.number(), f.kind().wireType);
        scalar(p, f, out);
      }
    }
  }

  /** A number-like value, without its tag. */
  private static void scalar(JsonParser p, Field f, WireWriter out)
      throws IOException, MalformedMessageException, WireWriter.TooLargeException {
    switch (f.kind()) {
      case BOOL -> {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
          throw new MalformedMessageException(f.name() + " is not a boolean");
        }
        out.varint(t == JsonToken.VALUE_TRUE ? 1 : 0);
      }
      case DOUBLE -> out.fixed64(Double.doubleToRawLongBits(decimal(p, f)));
      case FIXED64, SFIXED64 -> out.fixed64(integer(p, f));
      case FIXED32 -> out.fixed32((int) integer(p, f));
      case SINT32 -> {
        int v = (int) integer(p, f);
        out.varint(((v << 1) ^ (v >> 31)) & 0xFFFFFFFFL);
      }
      case INT32 -> out.varint((int) integer(p, f));
      case UINT32 -> out.varint(integer(p, f) & 0xFFFFFFFFL);
      case ENUM -> out.varint(enumValue(p, f));
      case INT64, UINT64 -> out.varint(integer(p, f));
      default -> throw new MalformedMessageException(f.name() + " is not a number");
    }
  }

  private static long enumValue(JsonParser p, Field f) throws IOException, MalformedMessageException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      Integer v = f.enumValues().get(p.getText());
      if (v == null) {
        throw new MalformedMessageException("unknown " + f.name() + " " + p.getText());
      }
      return v;
    }
    return (int) integer(p, f);
  }

  /** An integer as a JSON number or a string; unsigned 64-bit values above Long.MAX_VALUE wrap. */
  private static long integer(JsonParser p, Field f) throws IOException, MalformedMessageException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          ? p.getBigIntegerValue().longValue() : p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      if (d != Math.rint(d)) {
        throw new MalformedMessageException(f.name() + " is not an integer");
      }
      return (long) d;
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText().trim();
      if (s.isEmpty()) {
        throw new MalformedMessageException(f.name() + " is empty");
      }
      return new BigInteger(s).longValue();
    }
    throw new MalformedMessageException(f.name() + " is not an integer");
  }

  private static double decimal(JsonParser p, Field f) throws IOException, MalformedMessageException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      return switch (p.getText()) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(p.getText());
      };
    }
    throw new MalformedMessageException(f.name() + " is not a number");
  }

  private static String text(JsonParser p, Field f) throws IOException, MalformedMessageException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new MalformedMessageException(f.name() + " is not a string");
    }
    return p.getText();
  }

  static byte[] hex(String s) throws MalformedMessageException {
    if (s.length() % 2 != 0) {
      throw new MalformedMessageException("odd-length hex id");
    }
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      int hi = Character.digit(s.charAt(2 * i), 16);
      int lo = Character.digit(s.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new MalformedMessageException("invalid hex id");
      }
      b[i] = (byte) (hi << 4 | lo);
    }
    return b;
  }

  private static byte[] base64(String s) {
    // Proto3 JSON accepts both alphabets, padded or not.
    return s.indexOf('-') >= 0 || s.indexOf('_') >= 0
        ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
