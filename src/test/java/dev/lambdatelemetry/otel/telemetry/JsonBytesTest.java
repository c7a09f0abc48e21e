package dev.lambdatelemetry.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a JSON value ends, found from its bytes alone: what confines a fault to its element. */
class JsonBytesTest {

  @ParameterizedTest(name = "{0} ends after {1} bytes")
  @CsvSource(delimiter = '|', value = {
      "{\"a\":1},{\"b\":2}                | 7",
      "[1,[2,[3]]] ,                     | 11",
      "\"a \\\" quote, ] and }\",1       | 21",
      "{\"s\":\"}]\"} x                  | 10",
      "12.5e3,                           | 6",
      "true]                             | 4",
  })
  void aValueEndsWhereItsBracketsBalanceOrAtTheNextSeparator(String json, int end) {
    byte[] b = json.strip().getBytes(StandardCharsets.UTF_8);

    assertThat(JsonBytes.valueEnd(b, 0, b.length)).isEqualTo(end);
  }

  @Test
  void anyDepthCostsNothing_andIsFoundAsOneValue() {
    byte[] b = ("[".repeat(100_000) + "]".repeat(100_000) + ",{}").getBytes(StandardCharsets.UTF_8);

    assertThat(JsonBytes.valueEnd(b, 0, b.length)).isEqualTo(200_000);
  }

  @Test
  void noValueStartsAtASeparatorOrACloser() {
    byte[] b = ",]".getBytes(StandardCharsets.UTF_8);

    assertThat(JsonBytes.valueEnd(b, 0, b.length)).isZero();
    assertThat(JsonBytes.valueEnd(b, 1, b.length)).isEqualTo(1);
  }

  @Test
  void aTruncatedStringOrContainerHasNoEnd() {
    byte[] string = "\"never closed".getBytes(StandardCharsets.UTF_8);
    byte[] object = "{\"a\":[1,2}".getBytes(StandardCharsets.UTF_8);

    assertThat(JsonBytes.valueEnd(string, 0, string.length)).isEqualTo(-1);
    assertThat(JsonBytes.valueEnd(object, 0, object.length)).isEqualTo(-1);
  }

  @Test
  void aKeptPrefixIsCutAtACharacterBoundary() {
    byte[] b = "aé€".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 bytes

    assertThat(JsonBytes.utf8Prefix(b, 0, b.length, 2)).isEqualTo("a");
    assertThat(JsonBytes.utf8Prefix(b, 0, b.length, 3)).isEqualTo("aé");
    assertThat(JsonBytes.utf8Prefix(b, 0, b.length, 5)).isEqualTo("aé");
    assertThat(JsonBytes.utf8Prefix(b, 0, b.length, 6)).isEqualTo("aé€");
  }
}
