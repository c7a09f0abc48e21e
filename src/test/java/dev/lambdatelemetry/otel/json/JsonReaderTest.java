package dev.lambdatelemetry.otel.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lambdatelemetry.otel.json.JsonValue;
import dev.lambdatelemetry.otel.json.JsonValue.JsonArray;
import dev.lambdatelemetry.otel.json.JsonValue.JsonBoolean;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNull;
import dev.lambdatelemetry.otel.json.JsonValue.JsonNumber;
import dev.lambdatelemetry.otel.json.JsonValue.JsonObject;
import dev.lambdatelemetry.otel.json.JsonValue.JsonString;
import dev.lambdatelemetry.otel.testing.SmallStack;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {

  @Test
  void readsEveryKindOfValueKeepingMemberOrder() {
    JsonValue v = JsonReader.parseOrNull(
        "{\"z\":\"s\",\"a\":1,\"big\":123456789012345678901234567890,\"d\":2.5,\"t\":true,"
            + "\"f\":false,\"n\":null,\"arr\":[1,\"x\",{}],\"o\":{\"k\":-7}}");

    assertThat(v).isInstanceOf(JsonObject.class);
    JsonObject o = (JsonObject) v;
    assertThat(o.members().keySet()).containsExactly("z", "a", "big", "d", "t", "f", "n", "arr", "o");
    assertThat(o.get("z")).isEqualTo(new JsonString("s"));
    assertThat(o.get("a")).isEqualTo(JsonNumber.of(1));
    assertThat(o.get("big"))
        .isEqualTo(new JsonNumber(new BigInteger("123456789012345678901234567890")));
    assertThat(((JsonNumber) o.get("big")).longValue()).isNull();
    assertThat(((JsonNumber) o.get("big")).isIntegral()).isTrue();
    assertThat(o.get("d")).isEqualTo(new JsonNumber(2.5));
    assertThat(((JsonNumber) o.get("d")).longValue()).isNull();
    assertThat(o.get("t")).isEqualTo(new JsonBoolean(true));
    assertThat(o.get("f")).isEqualTo(new JsonBoolean(false));
    assertThat(o.get("n")).isEqualTo(JsonNull.INSTANCE);
    assertThat(o.get("arr"))
        .isEqualTo(new JsonArray(List.of(JsonNumber.of(1), new JsonString("x"), JsonObject.of(Map.of()))));
    assertThat(o.get("o").get("k")).isEqualTo(JsonNumber.of(-7));
    assertThat(o.get("missing")).isNull();
    assertThat(o.get("z").get("anything")).isNull();
  }

  @Test
  void aLongRangeIntegerIsALong() {
    assertThat(((JsonNumber) JsonReader.parseOrNull("9223372036854775807")).longValue())
        .isEqualTo(Long.MAX_VALUE);
    assertThat(((JsonNumber) JsonReader.parseOrNull("-9223372036854775808")).longValue())
        .isEqualTo(Long.MIN_VALUE);
    assertThat(((JsonNumber) JsonReader.parseOrNull("9223372036854775808")).longValue()).isNull();
  }

  @Test
  void aLaterDuplicateMemberWins() {
    assertThat(JsonReader.parseOrNull("{\"a\":1,\"a\":2}").get("a")).isEqualTo(JsonNumber.of(2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "{\"a\":", "[1,2", "{} {}", "[] x", "not json", "{'a':1}"})
  void anythingButExactlyOneWellFormedValueIsNull(String text) {
    assertThat(JsonReader.parseOrNull(text)).isNull();
  }

  @Test
  void invalidUtf8IsNullNotAnException() {
    assertThat(JsonReader.parseOrNull(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'})).isNull();
    assertThat(JsonReader.parseOrNull((byte[]) null)).isNull();
  }

  @Test
  void toStringIsCompactJsonThatReadsBackToTheSameTree() {
    String text = "{\"msg\":\"quote \\\" backslash \\\\ tab \\t newline \\n bell \\u0007 é ✓\","
        + "\"n\":[1,2.5,null,true],\"o\":{}}";
    JsonValue v = JsonReader.parseOrNull(text);

    assertThat(v.toString()).isEqualTo(text);
    assertThat(JsonReader.parseOrNull(v.toString())).isEqualTo(v);
    assertThat(JsonReader.parseOrNull(v.toString().getBytes(StandardCharsets.UTF_8))).isEqualTo(v);
  }

  @Test
  void aNumberBeyondDoubleIsWrittenAsAStringSoTheJsonStaysValid() {
    JsonValue v = JsonReader.parseOrNull("{\"huge\":1e999,\"tiny\":-1e999}");

    assertThat(v.toString()).isEqualTo("{\"huge\":\"Infinity\",\"tiny\":\"-Infinity\"}");
    assertThat(JsonReader.parseOrNull(v.toString())).isNotNull();
  }

  @Test
  void nestingUpToTheBoundIsReadAndWrittenBack() {
    String deep = "[".repeat(64) + "1" + "]".repeat(64);

    JsonValue v = SmallStack.call(() -> JsonReader.parseOrNull(deep));

    assertThat(SmallStack.call(v::toString)).isEqualTo(deep);
  }

  @ParameterizedTest
  @ValueSource(ints = {65, 500, 5_000, 100_000})
  void nestingBeyondTheBoundIsNullNotAStackOverflow(int depth) {
    String arrays = "[".repeat(depth) + "]".repeat(depth);
    String objects = "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);

    assertThat(SmallStack.call(() -> JsonReader.parseOrNull(arrays))).isNull();
    assertThat(SmallStack.call(() -> JsonReader.parseOrNull(objects))).isNull();
  }

  @Test
  void numbersAndNamesUpToTheirBoundsAreRead() {
    String digits = "1".repeat(64);
    String name = "k".repeat(1024);

    assertThat(JsonReader.parseOrNull("[" + digits + "]")).isEqualTo(
        new JsonArray(List.of(new JsonNumber(new BigInteger(digits)))));
    assertThat(JsonReader.parseOrNull("[0." + "5".repeat(62) + "]")).isNotNull();
    assertThat(JsonReader.parseOrNull("{\"" + name + "\":1}").get(name)).isEqualTo(JsonNumber.of(1));
  }

  @Test
  void numbersAndNamesBeyondTheirBoundsAreNull() {
    assertThat(JsonReader.parseOrNull("[" + "1".repeat(65) + "]")).isNull();
    assertThat(JsonReader.parseOrNull("[" + "1".repeat(1_500) + "]")).isNull();
    assertThat(JsonReader.parseOrNull("[0." + "5".repeat(1_500) + "]")).isNull();
    assertThat(JsonReader.parseOrNull("{\"" + "k".repeat(1025) + "\":1}")).isNull();
    assertThat(JsonReader.parseOrNull("{\"" + "k".repeat(50_000) + "\":1}")).isNull();
  }

  @Test
  void aTreeOfTooManyValuesIsNull() {
    String within = "[" + "0,".repeat(9_998) + "0]"; // 9 999 elements + the array: the bound
    String beyond = "[" + "0,".repeat(9_999) + "0]";

    assertThat(JsonReader.parseOrNull(within)).isNotNull();
    assertThat(JsonReader.parseOrNull(beyond)).isNull();
  }

  @Test
  void namesOfPastDocumentsAreNotKeptBeyondTheBound() {
    for (int doc = 0; doc < 20; doc++) {
      StringBuilder json = new StringBuilder("{");
      for (int k = 0; k < 300; k++) {
        json.append(k == 0 ? "" : ",").append("\"").append(doc).append('-').append(k)
            .append("x".repeat(1000)).append("\":1");
      }
      assertThat(JsonReader.parseOrNull(json.append('}').toString())).isNotNull();

      assertThat(JsonReader.sharedNames()).isLessThanOrEqualTo(JsonReader.MAX_SHARED_NAMES);
    }
  }

  @Test
  void readLeavesTheParserOnTheValuesLastToken() throws Exception {
    try (JsonParser p = JsonReader.parser("[{\"a\":[1,{\"b\":2}]},\"next\"]".getBytes(StandardCharsets.UTF_8))) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);

      JsonValue first = JsonReader.read(p, p.nextToken());

      assertThat(first.toString()).isEqualTo("{\"a\":[1,{\"b\":2}]}");
      assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
      assertThat(JsonReader.read(p, p.nextToken())).isEqualTo(new JsonString("next"));
      assertThat(p.nextToken()).isEqualTo(JsonToken.END_ARRAY);
    }
  }

  @Test
  void scalarTextIsTheTextOfStringsNumbersAndBooleansOnly() {
    assertThat(new JsonString("x").scalarText()).isEqualTo("x");
    assertThat(JsonNumber.of(42).scalarText()).isEqualTo("42");
    assertThat(new JsonNumber(30.0).scalarText()).isEqualTo("30.0");
    assertThat(new JsonBoolean(true).scalarText()).isEqualTo("true");
    assertThat(JsonNull.INSTANCE.scalarText()).isNull();
    assertThat(JsonReader.parseOrNull("[1]").scalarText()).isNull();
    assertThat(JsonReader.parseOrNull("{}").scalarText()).isNull();
    assertThat(JsonNumber.of(42).text()).isNull();
  }
}
