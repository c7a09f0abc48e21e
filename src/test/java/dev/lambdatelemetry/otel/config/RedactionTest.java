package dev.lambdatelemetry.otel.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://collector:4318/v1/traces|https://collector:4318/v1/traces",
      "https://user:pass@host|https://***@host",
      "https://user:pass@host:4318/otlp|https://***@host:4318/otlp",
      "http://host/v1/logs?api_key=secret|http://host/v1/logs?***",
      "http://host#token|http://host#***",
      "https://u:p@ss/w?rd#x@host/p?k=v|https://***@host/p?***",
      "user:pass@collector:4318|***@collector:4318",
      "collector:4318|collector:4318",
      "collector?next=http://u:p@x|***@x",
      "''|''"})
  void url_hidesUserinfoAndQuery(String raw, String expected) {
    assertThat(Redaction.url(raw)).isEqualTo(expected);
  }
}
