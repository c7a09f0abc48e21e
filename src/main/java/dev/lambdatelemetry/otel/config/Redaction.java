package dev.lambdatelemetry.otel.config;

/**
 * Hides what a URL may carry that is secret before it is printed: the userinfo ({@code
 * https://user:password@host}) and the query (an API key as a parameter). Works on text that does not
 * parse as a URL too, since an invalid URL is exactly what an error message quotes.
 */
public final class Redaction {

  static final String HIDDEN = "***";

  private Redaction() {}

  /**
   * {@code raw} with any userinfo replaced by {@code ***} and any query or fragment by {@code ?***}
   * ({@code https://u:p@host/x?key=k} becomes {@code https://***@host/x?***}).
   */
  public static String url(String raw) {
    if (raw == null) {
      return null;
    }
    int scheme = raw.indexOf("://");
    int authorityStart = scheme >= 0 && indexOfAny(raw, "/?#@", 0) > scheme ? scheme + 3 : 0;
    // The last '@' ends the userinfo: a password may hold '@', '/', '?' or '#' unencoded, so the
    // authority is not cut at those first (a path or query with an '@' is hidden too: no harm).
    String s = raw;
    int at = s.lastIndexOf('@');
    if (at >= authorityStart) {
      s = s.substring(0, authorityStart) + HIDDEN + s.substring(at);
    }
    int query = indexOfAny(s, "?#", authorityStart);
    return query == Integer.MAX_VALUE ? s : s.substring(0, query) + s.charAt(query) + HIDDEN;
  }

  private static int indexOfAny(String s, String chars, int from) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }
}
