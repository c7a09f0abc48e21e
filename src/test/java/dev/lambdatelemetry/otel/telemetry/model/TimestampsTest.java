package dev.lambdatelemetry.otel.telemetry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

  static Stream<Arguments> validInstants() {
    return Stream.of(
        argumentSet("envelope time, ms and Z", "2024-05-20T16:29:44.833Z", "2024-05-20T16:29:44.833Z"),
        argumentSet("Python seconds only", "2024-06-11T09:15:02Z", "2024-06-11T09:15:02Z"),
        argumentSet("microseconds", "2024-11-02T16:51:31.587199Z", "2024-11-02T16:51:31.587199Z"),
        argumentSet("nanoseconds", "2024-11-02T16:51:31.587199123Z", "2024-11-02T16:51:31.587199123Z"),
        argumentSet("one fraction digit", "2024-11-02T16:51:31.5Z", "2024-11-02T16:51:31.500Z"),
        argumentSet("digits past nanos truncated", "2024-11-02T16:51:31.1234567899Z", "2024-11-02T16:51:31.123456789Z"),
        argumentSet("positive offset with colon", "2024-05-20T18:29:44.833+02:00", "2024-05-20T16:29:44.833Z"),
        argumentSet("negative offset crossing midnight", "2024-05-19T20:00:00-05:30", "2024-05-20T01:30:00Z"),
        argumentSet("offset without colon", "2024-05-20T16:29:44.833+0000", "2024-05-20T16:29:44.833Z"),
        argumentSet("hour-only offset", "2024-05-20T17:29:44+01", "2024-05-20T16:29:44Z"),
        argumentSet("+00:00", "2025-01-15T03:12:46.000+00:00", "2025-01-15T03:12:46Z"),
        argumentSet("lower-case t and z", "2024-05-20t16:29:44.833z", "2024-05-20T16:29:44.833Z"),
        argumentSet("space separator (RFC 3339 note)", "2024-05-20 16:29:44.833Z", "2024-05-20T16:29:44.833Z"),
        argumentSet("leap day", "2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
        argumentSet("leap second clamps into second 59", "2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999999999Z"),
        argumentSet("epoch", "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        argumentSet("before epoch", "1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z"),
        argumentSet("year 9999", "9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"));
  }

  @ParameterizedTest
  @MethodSource("validInstants")
  void parse_rfc3339Instant_returnsThatInstant(String text, String expected) {
    assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "2024-05-20",
        "2024-05-20T16:29:44.833", // no offset: a local time is not an instant
        "2024-05-20 17:02:11,214+0000", // Powertools: the envelope time is the documented fallback
        "2022-08-02T12:01:23:521Z", // the docs typo: colon before the millis
        "2024-05-20T16:29:44.Z",
        "2024-05-20T16:29:44.833ZZ",
        "2024-05-20T16:29:44.833Z ",
        " 2024-05-20T16:29:44.833Z",
        "2024-13-20T16:29:44Z",
        "2024-00-20T16:29:44Z",
        "2023-02-29T16:29:44Z",
        "2024-04-31T16:29:44Z",
        "2024-05-20T24:00:00Z",
        "2024-05-20T16:60:44Z",
        "2024-05-20T16:29:61Z",
        "2024-05-20T16:29:44+19:00",
        "2024-05-20T16:29:44+02:60",
        "2024-05-20T16:29:44+2:00",
        "2024-05-20T16:29:44+02:0",
        "2024-05-20X16:29:44Z",
        "2024/05/20T16:29:44Z",
        "+2024-05-20T16:29:44Z",
        "１２３４-05-20T16:29:44Z", // non-ASCII digits
        "1716222588008",
        "undefined"
      })
  void parse_notAnRfc3339Instant_returnsNull(String text) {
    assertThat(Timestamps.parse(text)).isNull();
  }

  @Test
  void parse_null_returnsNull() {
    assertThat(Timestamps.parse(null)).isNull();
  }

  @Test
  void parse_everyDayOfFourYearsAtEveryOffsetHour_agreesWithJavaTime() {
    LocalDate day = LocalDate.of(1999, 12, 1);
    for (int i = 0; i < 4 * 366; i++, day = day.plusDays(1)) {
      for (int offsetHours = -12; offsetHours <= 14; offsetHours += 13) {
        OffsetDateTime time =
            day.atTime(13, 7, 9, 120_000_000).atOffset(ZoneOffset.ofHours(offsetHours));
        assertThat(Timestamps.parse(time.toString())).as(time.toString()).isEqualTo(time.toInstant());
      }
    }
  }
}
