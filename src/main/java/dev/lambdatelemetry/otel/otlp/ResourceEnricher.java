package dev.lambdatelemetry.otel.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Adds to the resource of a received element ({@code ResourceSpans}, {@code ResourceLogs},
 * {@code ResourceMetrics}: the resource is field 1 of all three) the attributes the extension knows
 * about the environment and the function's SDK did not set: {@code cloud.*}, {@code faas.*} and
 * whatever else the supplier holds. An attribute the function set is never replaced, whatever its
 * value; the sender's identity ({@code service.*}, {@code telemetry.*}) is never added, since it names
 * the function's SDK, not the extension's.
 *
 * <p>The supplier is read on every element (the extension's resource grows as the platform's events
 * arrive: the account id comes later); its encoding is kept until it returns different attributes.
 * Not thread-safe: the caller serialises.
 */
final class ResourceEnricher {

  /** Field 1, wire type 2: Resource in the element, KeyValue in Resource, key in KeyValue. */
  private static final int FIELD_1_LEN = 1 << 3 | WireReader.LEN;
  private static final byte[][] NONE = new byte[0][];

  private final Supplier<Attributes> known;
  private Attributes encodedFrom;
  private byte[][] keys = NONE;
  /** Each attribute as an encoded {@code Resource.attributes} field: tag, length, KeyValue. */
  private byte[][] fields = NONE;

  ResourceEnricher(Supplier<Attributes> known) {
    this.known = known;
  }

  /** {@code element} with the missing attributes added to its resource, or {@code element} itself. */
  byte[] enrich(byte[] element) throws MalformedMessageException {
    refresh();
    if (keys.length == 0) {
      return element;
    }
    boolean[] present = new boolean[keys.length];
    int resourceTag = -1;
    int resourceStart = 0;
    int resourceEnd = 0;
    WireReader in = new WireReader(element);
    int tagAt = 0;
    while (in.next()) {
      if (in.fieldNumber() != 1 || in.wireType() != WireReader.LEN) {
        in.skip();
        tagAt = in.position();
        continue;
      }
      int outer = in.enter();
      if (resourceTag < 0) {
        resourceTag = tagAt;
        resourceStart = in.fieldStart();
        resourceEnd = in.fieldEnd();
      }
      markPresent(in, present);
      in.leave(outer);
      tagAt = in.position();
    }
    int added = 0;
    for (int i = 0; i < keys.length; i++) {
      if (!present[i]) {
        added += fields[i].length;
      }
    }
    if (added == 0) {
      return element;
    }
    int oldLength = resourceEnd - resourceStart;
    int newLength = oldLength + added;
    int before = resourceTag < 0 ? 0 : resourceTag;
    int after = resourceTag < 0 ? 0 : resourceEnd;
    byte[] out = new byte[before + 1 + WireWriter.varintSize(newLength) + newLength
        + element.length - after];
    System.arraycopy(element, 0, out, 0, before);
    int pos = before;
    out[pos++] = (byte) FIELD_1_LEN;
    pos = putVarint(out, pos, newLength);
    System.arraycopy(element, resourceStart, out, pos, oldLength);
    pos += oldLength;
    for (int i = 0; i < keys.length; i++) {
      if (!present[i]) {
        System.arraycopy(fields[i], 0, out, pos, fields[i].length);
        pos += fields[i].length;
      }
    }
    System.arraycopy(element, after, out, pos, element.length - after);
    return out;
  }

  /** Reads a Resource's attributes (field 1) and marks the known keys among them. */
  private void markPresent(WireReader resource, boolean[] present) throws MalformedMessageException {
    while (resource.next()) {
      if (resource.fieldNumber() != 1 || resource.wireType() != WireReader.LEN) {
        resource.skip();
        continue;
      }
      int outer = resource.enter();
      while (resource.next()) {
        if (resource.fieldNumber() == 1 && resource.wireType() == WireReader.LEN) {
          resource.readLengthDelimited();
          byte[] b = resource.buffer();
          int from = resource.fieldStart();
          int to = resource.fieldEnd();
          for (int i = 0; i < keys.length; i++) {
            if (!present[i] && Arrays.equals(b, from, to, keys[i], 0, keys[i].length)) {
              present[i] = true;
            }
          }
        } else {
          resource.skip();
        }
      }
      resource.leave(outer);
    }
  }

  private void refresh() {
    Attributes supplied = known.get();
    Attributes now = supplied == null ? Attributes.empty() : supplied;
    if (now == encodedFrom || now.equals(encodedFrom)) {
      return;
    }
    List<byte[]> k = new ArrayList<>();
    List<byte[]> f = new ArrayList<>();
    now.forEach((key, value) -> {
      String name = key.getKey();
      if (name.startsWith("service.") || name.startsWith("telemetry.")) {
        return;
      }
      byte[] field = encode(key, value);
      if (field != null) {
        k.add(name.getBytes(StandardCharsets.UTF_8));
        f.add(field);
      }
    });
    keys = k.toArray(NONE);
    fields = f.toArray(NONE);
    encodedFrom = now;
  }

  /** One attribute as a {@code Resource.attributes} field, or null for a type OTLP resources lack. */
  static byte[] encode(AttributeKey<?> key, Object value) {
    try {
      WireWriter w = new WireWriter(64, 64 * 1024);
      int kv = w.beginMessage(1);
      w.string(1, key.getKey());
      int any = w.beginMessage(2);
      switch (key.getType()) {
        case STRING -> w.string(1, (String) value);
        case BOOLEAN -> scalar(w, 2, value);
        case LONG -> scalar(w, 3, value);
        case DOUBLE -> scalar(w, 4, value);
        case STRING_ARRAY, BOOLEAN_ARRAY, LONG_ARRAY, DOUBLE_ARRAY -> {
          int array = w.beginMessage(5);
          for (Object v : (List<?>) value) {
            int element = w.beginMessage(1);
            switch (key.getType()) {
              case STRING_ARRAY -> w.string(1, (String) v);
              case BOOLEAN_ARRAY -> scalar(w, 2, v);
              case LONG_ARRAY -> scalar(w, 3, v);
              default -> scalar(w, 4, v);
            }
            w.endMessage(element);
          }
          w.endMessage(array);
        }
        default -> {
          return null;
        }
      }
      w.endMessage(any);
      w.endMessage(kv);
      return w.toByteArray();
    } catch (WireWriter.TooLargeException e) {
      return null;
    }
  }

  private static void scalar(WireWriter w, int field, Object v) throws WireWriter.TooLargeException {
    switch (field) {
      case 2 -> {
        w.tag(2, WireReader.VARINT);
        w.varint((Boolean) v ? 1 : 0);
      }
      case 3 -> {
        w.tag(3, WireReader.VARINT);
        w.varint((Long) v);
      }
      default -> {
        w.tag(4, WireReader.FIXED64);
        w.fixed64(Double.doubleToRawLongBits((Double) v));
      }
    }
  }

  private static int putVarint(byte[] out, int pos, long v) {
    while ((v & ~0x7FL) != 0) {
      out[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[pos++] = (byte) v;
    return pos;
  }
}
