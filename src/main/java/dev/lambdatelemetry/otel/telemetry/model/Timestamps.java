package dev.lambdatelemetry.otel.telemetry.model;

import java.time.Instant;

/**
 * Parses the RFC 3339 instants found in Telemetry API events and JSON log records.
 *
 * <p>Every envelope {@code time}, every span {@code start} and most log {@code timestamp} values go
 * through here, so this is a hand parser that allocates only the resulting {@link Instant} and never
 * throws: {@code java.time} formatters would cost an exception per non-ISO log timestamp (Powertools
 * writes {@code 2024-05-20 17:02:11,214+0000} on every line). The grammar accepted is RFC 3339's
 * {@code date-time}, which covers every form the platform and the runtimes' JSON loggers write:
 *
 * <pre>
 *   YYYY-MM-DD ('T' | 't' | ' ') hh:mm:ss [ '.' 1*9DIGIT ] ( 'Z' | 'z' | ('+' | '-') hh [ [':'] mm ] )
 * </pre>
 *
 * <p>That is: no fraction, milliseconds, microseconds or nanoseconds (digits past the ninth are
 * truncated), {@code Z} or an offset with or without a colon. A leap second ({@code :60}) is read as
 * the last nanosecond of second 59. Rejected, and so left to the caller's fallback (the envelope time):
 * a missing offset (a local date-time is not an instant), a comma before the fraction (the Powertools
 * form above), a colon before the milliseconds (the {@code 12:01:23:521Z} docs typo), out-of-range
 * fields and trailing characters.
 */
public final class Timestamps {

  private static final int SECONDS_PER_DAY = 86_400;
  private static final int MAX_FRACTION_DIGITS = 9;
  private static final int MAX_OFFSET_HOURS = 18;
  /** Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar. */
  private static final long DAYS_0000_TO_1970 = 719_468L;

  private Timestamps() {}

  /**
   * Parses an RFC 3339 instant.
   *
   * @param s the text, may be null
   * @return the instant, or null when {@code s} is null or not an RFC 3339 date-time with an offset
   */
  public static Instant parse(String s) {
    if (s == null) {
      return null;
    }
    int len = s.length();
    // Shortest valid form: 2024-05-20T16:29:44Z (20 characters).
    if (len < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    char sep = s.charAt(10);
    if (sep != 'T' && sep != 't' && sep != ' ') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return null;
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
      return null;
    }
    int pos = 19;
    int nanos = 0;
    if (s.charAt(pos) == '.') {
      pos++;
      int start = pos;
      int scale = 100_000_000;
      while (pos < len && isDigit(s.charAt(pos))) {
        if (pos - start < MAX_FRACTION_DIGITS) {
          nanos += (s.charAt(pos) - '0') * scale;
          scale /= 10;
        }
        pos++;
      }
      if (pos == start) {
        return null;
      }
    }
    if (pos >= len) {
      return null; // no offset: a local date-time, not an instant
    }
    int offsetSeconds = offsetSeconds(s, pos);
    if (offsetSeconds == Integer.MIN_VALUE) {
      return null;
    }
    if (second == 60) {
      second = 59;
      nanos = 999_999_999;
    }
    long epochSecond =
        epochDay(year, month, day) * SECONDS_PER_DAY
            + hour * 3600L
            + minute * 60L
            + second
            - offsetSeconds;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  /** The offset in seconds of {@code s[pos..]}, or {@code Integer.MIN_VALUE} when invalid. */
  private static int offsetSeconds(String s, int pos) {
    int len = s.length();
    char c = s.charAt(pos);
    if (c == 'Z' || c == 'z') {
      return pos + 1 == len ? 0 : Integer.MIN_VALUE;
    }
    if (c != '+' && c != '-') {
      return Integer.MIN_VALUE;
    }
    int rest = len - pos - 1;
    int hours;
    int minutes;
    if (rest == 2) { // +hh
      hours = digits(s, pos + 1, 2);
      minutes = 0;
    } else if (rest == 4) { // +hhmm
      hours = digits(s, pos + 1, 2);
      minutes = digits(s, pos + 3, 2);
    } else if (rest == 5 && s.charAt(pos + 3) == ':') { // +hh:mm
      hours = digits(s, pos + 1, 2);
      minutes = digits(s, pos + 4, 2);
    } else {
      return Integer.MIN_VALUE;
    }
    if (hours < 0 || hours > MAX_OFFSET_HOURS || minutes < 0 || minutes > 59) {
      return Integer.MIN_VALUE;
    }
    int seconds = hours * 3600 + minutes * 60;
    return c == '-' ? -seconds : seconds;
  }

  /** The value of {@code count} ASCII digits at {@code from}, or -1 if any is not a digit. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  private static boolean isLeap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }

  /** Days since 1970-01-01 (H. Hinnant's days_from_civil, valid for the years 0000 to 9999). */
  private static long epochDay(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yearOfEra = y - era * 400;
    int monthIndex = month > 2 ? month - 3 : month + 9;
    int dayOfYear = (153 * monthIndex + 2) / 5 + day - 1;
    int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097L + dayOfEra - DAYS_0000_TO_1970;
  }
}
