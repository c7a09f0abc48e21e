package dev.lambdatelemetry.otel.translate;

import java.util.Locale;
import java.util.Optional;

/**
 * The parts of an X-Ray trace header ({@code Root=1-664b7a79-5c1f…;Parent=3b2a1f0e9d8c7b6a;Sampled=1})
 * that map onto W3C trace context.
 *
 * @param traceId the Root without its {@code 1-} version and dashes: 32 lower-case hex, not all zero
 * @param parentSpanId the {@code Parent}: 16 lower-case hex, not all zero; null when absent or invalid
 * @param sampled {@code Sampled=1} with a valid parent (a missing parent means not sampled)
 */
record XRayHeader(String traceId, String parentSpanId, boolean sampled) {

  private static final String ROOT_VERSION = "1";
  private static final int EPOCH_HEX_LENGTH = 8;
  private static final int UNIQUE_HEX_LENGTH = 24;
  private static final int SPAN_ID_HEX_LENGTH = 16;

  /**
   * Parses a header. Keys are matched case-insensitively and values lower-cased; {@code Lineage},
   * {@code Self} and unknown keys are ignored.
   *
   * @return empty when the header is null or has no valid {@code Root}
   */
  static Optional<XRayHeader> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String root = null;
    String parent = null;
    String sampled = null;
    for (String field : header.split(";")) {
      int eq = field.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = field.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = field.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
      switch (key) {
        case "root" -> root = value;
        case "parent" -> parent = value;
        case "sampled" -> sampled = value;
        default -> {
          // Lineage, Self and future keys do not map onto trace context.
        }
      }
    }
    String traceId = traceIdFromRoot(root);
    if (traceId == null) {
      return Optional.empty();
    }
    String parentId = isValidSpanId(parent) ? parent : null;
    return Optional.of(new XRayHeader(traceId, parentId, parentId != null && "1".equals(sampled)));
  }

  /** True for 16 hex characters (any case) that are not all zero. */
  static boolean isValidSpanId(String id) {
    return id != null && id.length() == SPAN_ID_HEX_LENGTH && isHex(id) && !isAllZero(id);
  }

  private static String traceIdFromRoot(String root) {
    if (root == null) {
      return null;
    }
    String[] parts = root.split("-", -1);
    if (parts.length != 3
        || !ROOT_VERSION.equals(parts[0])
        || parts[1].length() != EPOCH_HEX_LENGTH
        || parts[2].length() != UNIQUE_HEX_LENGTH) {
      return null;
    }
    String traceId = parts[1] + parts[2];
    return isHex(traceId) && !isAllZero(traceId) ? traceId : null;
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAllZero(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
