package dev.lambdatelemetry.otel.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lenient reading of {@code OTEL_*} values for {@link OtelSettings}: each reader returns the
 * value, or empty with a warning that names the property (its environment variable first) and
 * says what is used instead. Why lenient: these values are the function's as much as ours, and one
 * its SDK accepts must never fail the function's init. A warning never quotes a header's value
 * nor an endpoint's userinfo or query: they may hold secrets.
 */
final class LenientValues {

  /**
   * Longest duration accepted: far beyond any useful timeout or interval, and far below what
   * overflows the nanosecond arithmetic of the SDK's builders and of our waits (292 years).
   */
  static final Duration MAX_DURATION = Duration.ofDays(365L * 100);

  private static final Pattern DURATION_SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");


  private LenientValues() {}

  /**
   * Parses {@code k=v,k2=v2} (W3C baggage-like, values URL-decoded). An entry without {@code =} or
   * key, or whose value is not URL-encoded, is skipped with a warning: the others still apply.
   */
  static Map<String, String> keyValues(
      String property, String raw, Collection<String> warnings) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isBlank()) {
      return out;
    }
    int position = 0;
    for (String entry : raw.split(",")) {
      position++;
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String key = eq < 0 ? "" : entry.substring(0, eq).trim();
      if (eq < 0 || key.isEmpty()) {
        // The entry may hold a secret (a header's value): name its position, never its text.
        warnings.add(named(property) + ": entry " + position + " has no key or no '=', ignored;"
            + " expected comma-separated key=value pairs");
        continue;
      }
      try {
        out.put(key, URLDecoder.decode(entry.substring(eq + 1).trim(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        warnings.add(named(property) + ": the value of '" + key + "' is not URL-encoded, ignored");
      }
    }
    return out;
  }

  /** The URL, or empty with a warning naming what is used instead. */
  static Optional<URI> uri(
      String property, String raw, Collection<String> warnings, String instead) {
    String problem;
    try {
      URI uri = new URI(raw.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return Optional.of(uri);
      }
      problem = "expected an http:// or https:// URL with a host";
    } catch (URISyntaxException e) {
      problem = "not a valid URL";
    }
    warnings.add(named(property) + "='" + Redaction.url(raw) + "': " + problem + "; using " + instead);
    return Optional.empty();
  }

  /**
   * The spec's timeout is bare milliseconds; {@code 10s}, {@code 500ms} and ISO-8601 also work.
   *
   * @throws IllegalArgumentException naming {@code property} when {@code raw} is none of these or not
   *     positive
   */
  static Duration duration(String property, String raw) {
    String value = raw.trim();
    Duration d;
    try {
      if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
        d = Duration.ofMillis(Long.parseLong(value));
      } else {
        Matcher m = DURATION_SHORT.matcher(value);
        if (m.matches()) {
          long n = Long.parseLong(m.group(1));
          d =
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              };
        } else {
          d = Duration.parse(value);
        }
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          property + ": expected milliseconds or a duration such as 10s, got '" + raw + "'");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(property + ": must be positive, got '" + raw + "'");
    }
    if (d.compareTo(MAX_DURATION) > 0) {
      // The OTLP builders and our waits take it in nanoseconds (Duration.toNanos() throws past
      // 292 years): a value beyond it would fail later, at an exporter's construction or on a
      // background thread, instead of here.
      throw new IllegalArgumentException(
          property + ": must be at most " + MAX_DURATION.toDays() + " days, got '" + raw + "'");
    }
    return d;
  }

  /** {@link #duration(String, String)}, or empty with a warning. */
  static Optional<Duration> lenientDuration(
      String property, String raw, Collection<String> warnings) {
    try {
      return Optional.of(duration(property, raw));
    } catch (IllegalArgumentException e) {
      warnings.add(named(property) + "='" + raw + "': expected positive milliseconds or a duration"
          + " such as 10s, of at most 100 years; ignored, the default (or the general setting) is used");
      return Optional.empty();
    }
  }

  /** A readable file, or empty with a warning. */
  static Optional<Path> file(
      String property, Optional<String> raw, Collection<String> warnings) {
    if (raw.isEmpty() || raw.get().isBlank()) {
      return Optional.empty();
    }
    Path path;
    try {
      path = Path.of(raw.get().trim());
    } catch (InvalidPathException e) {
      path = null;
    }
    if (path == null || !Files.isReadable(path)) {
      warnings.add(named(property) + "='" + raw.get() + "': file not readable; ignored");
      return Optional.empty();
    }
    return Optional.of(path);
  }

  /**
   * How a property is named in a warning: the environment variable first, as the function's
   * configuration usually sets it there ({@code OTEL_EXPORTER_OTLP_PROTOCOL (otel.exporter.otlp.protocol)}).
   */
  static String named(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_') + " (" + property + ")";
  }
}
