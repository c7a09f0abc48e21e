package dev.lambdatelemetry.otel.otlp;

import dev.lambdatelemetry.otel.otlp.OtlpSchema.Field;
import dev.lambdatelemetry.otel.otlp.OtlpSchema.Kind;
import dev.lambdatelemetry.otel.otlp.OtlpSchema.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks an {@code Export*ServiceRequest} in protobuf against {@link OtlpSchema} and splits it into
 * the bytes of its top-level {@code resource_*} elements (field 1), counting the items (spans, log
 * records, data points) on the way.
 *
 * <p>Why check everything rather than just find field 1: what is kept is later sent to the collector
 * inside one request with the platform's telemetry, and a collector refuses a whole request for one
 * malformed span; a body that fails here is answered 400 instead. Every known field must have its
 * wire type, every length must fit, every string must be UTF-8 (as protobuf requires of proto3
 * strings). Unknown fields inside an element are kept as they came; unknown top-level fields are dropped.
 */
final class ExportRequestDecoder {

  /** Nesting deeper than this (AnyValue in AnyValue ...) is refused, bounding the recursion. */
  static final int MAX_DEPTH = 64;

  /** The elements of one request and how many items they hold. */
  record Decoded(List<byte[]> resources, int items, long bytes) {}

  private ExportRequestDecoder() {}

  static Decoded decode(Signal signal, byte[] buf, int offset, int length)
      throws MalformedMessageException {
    Message element = OtlpSchema.resourceElement(signal);
    WireReader in = new WireReader(buf, offset, length);
    List<byte[]> resources = new ArrayList<>(2);
    int[] items = new int[1];
    long bytes = 0;
    while (in.next()) {
      if (in.fieldNumber() != 1) {
        in.skip();
        continue;
      }
      if (in.wireType() != WireReader.LEN) {
        throw new MalformedMessageException("field 1 of the request is not a message");
      }
      int outer = in.enter();
      int start = in.fieldStart();
      int end = in.fieldEnd();
      check(in, element, 1, items);
      in.leave(outer);
      resources.add(Arrays.copyOfRange(buf, start, end));
      bytes += end - start;
    }
    return new Decoded(List.copyOf(resources), items[0], bytes);
  }

  private static void check(WireReader in, Message type, int depth, int[] items)
      throws MalformedMessageException {
    if (depth > MAX_DEPTH) {
      throw new MalformedMessageException("messages nested deeper than " + MAX_DEPTH);
    }
    if (isItem(type)) {
      items[0]++;
    }
    while (in.next()) {
      Field f = type.field(in.fieldNumber());
      if (f == null) {
        in.skip();
        continue;
      }
      int wt = in.wireType();
      if (wt == f.kind().wireType) {
        if (f.kind() == Kind.MESSAGE) {
          int outer = in.enter();
          check(in, f.type(), depth + 1, items);
          in.leave(outer);
        } else if (f.kind() == Kind.STRING) {
          in.readLengthDelimited();
          if (!Utf8.isValid(in.buffer(), in.fieldStart(), in.fieldEnd())) {
            throw new MalformedMessageException("field " + f.name() + " is not valid UTF-8");
          }
        } else {
          in.skip();
        }
      } else if (wt == WireReader.LEN && f.repeated() && f.kind().packable()) {
        int outer = in.enter();
        checkPacked(in, f);
        in.leave(outer);
      } else {
        throw new MalformedMessageException(
            "field " + type + "." + f.name() + " has wire type " + wt);
      }
    }
  }

  private static void checkPacked(WireReader in, Field f) throws MalformedMessageException {
    int len = in.limit() - in.position();
    switch (f.kind().wireType) {
      case WireReader.FIXED64 -> {
        if (len % 8 != 0) {
          throw new MalformedMessageException("packed field " + f.name() + " is not a multiple of 8");
        }
      }
      case WireReader.FIXED32 -> {
        if (len % 4 != 0) {
          throw new MalformedMessageException("packed field " + f.name() + " is not a multiple of 4");
        }
      }
      default -> {
        while (in.position() < in.limit()) {
          in.readVarint();
        }
      }
    }
  }

  private static boolean isItem(Message type) {
    return type == OtlpSchema.SPAN || type == OtlpSchema.LOG_RECORD
        || type == OtlpSchema.NUMBER_POINT || type == OtlpSchema.HISTOGRAM_POINT
        || type == OtlpSchema.EXP_HISTOGRAM_POINT || type == OtlpSchema.SUMMARY_POINT;
  }
}
