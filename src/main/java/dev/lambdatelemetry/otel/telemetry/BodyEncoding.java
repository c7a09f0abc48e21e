package dev.lambdatelemetry.otel.telemetry;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Brings a delivered body to UTF-8 before it is read. The platform sends UTF-8; UTF-16 and UTF-32,
 * which JSON once allowed and Jackson detects, are recognised by their BOM or zero bytes (RFC 4627
 * §3) and transcoded, so that the byte scan of {@link JsonBytes} can assume UTF-8.
 */
final class BodyEncoding {

  private BodyEncoding() {}

  /** The body as UTF-8: itself when it is already (no copy), else transcoded without its BOM. */
  static byte[] utf8(byte[] body) {
    Charset charset = wideCharset(body);
    if (charset == null) {
      return body;
    }
    String text = new String(body, charset);
    return (text.startsWith("\uFEFF") ? text.substring(1) : text).getBytes(StandardCharsets.UTF_8);
  }

  /** The index after a UTF-8 byte order mark, or 0 when there is none. */
  static int startAfterBom(byte[] b) {
    return b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF
        ? 3 : 0;
  }

  private static Charset wideCharset(byte[] b) {
    if (b.length < 2) {
      return null;
    }
    int b0 = b[0] & 0xFF;
    int b1 = b[1] & 0xFF;
    boolean zeros23 = b.length >= 4 && b[2] == 0 && b[3] == 0;
    if (b0 == 0xFE && b1 == 0xFF) {
      return StandardCharsets.UTF_16BE;
    }
    if (b0 == 0xFF && b1 == 0xFE) {
      return zeros23 ? Charset.forName("UTF-32LE") : StandardCharsets.UTF_16LE;
    }
    if (b0 == 0) {
      return b1 == 0 ? Charset.forName("UTF-32BE") : StandardCharsets.UTF_16BE;
    }
    if (b1 == 0) {
      return zeros23 ? Charset.forName("UTF-32LE") : StandardCharsets.UTF_16LE;
    }
    return null;
  }
}
