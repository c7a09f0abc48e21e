package dev.lambdatelemetry.otel.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class XRayHeaderTest {

  private static final String TRACE = "664b7a795c1f4e2a9d3b8c7e6f0a1b2c";

  static Stream<Arguments> validHeaders() {
    return Stream.of(
        argumentSet("sampled with parent",
            "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c;Parent=3b2a1f0e9d8c7b6a;Sampled=1",
            new XRayHeader(TRACE, "3b2a1f0e9d8c7b6a", true)),
        argumentSet("not sampled",
            "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c;Parent=3b2a1f0e9d8c7b6a;Sampled=0",
            new XRayHeader(TRACE, "3b2a1f0e9d8c7b6a", false)),
        argumentSet("keys in any case, values upper case, lower-cased",
            "root=1-664B7A79-5C1F4E2A9D3B8C7E6F0A1B2C;PARENT=3B2A1F0E9D8C7B6A;sampled=1",
            new XRayHeader(TRACE, "3b2a1f0e9d8c7b6a", true)),
        argumentSet("Lineage, Self and unknown keys ignored, any order",
            "Self=1-abc;Lineage=1:41d6e23e:0;Sampled=1;Foo=bar;Parent=3b2a1f0e9d8c7b6a;Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c",
            new XRayHeader(TRACE, "3b2a1f0e9d8c7b6a", true)),
        argumentSet("missing parent: root span, not sampled",
            "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c;Sampled=1",
            new XRayHeader(TRACE, null, false)),
        argumentSet("invalid parent dropped",
            "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c;Parent=0000000000000000;Sampled=1",
            new XRayHeader(TRACE, null, false)),
        argumentSet("sampled unknown (?)",
            "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c;Parent=3b2a1f0e9d8c7b6a;Sampled=?",
            new XRayHeader(TRACE, "3b2a1f0e9d8c7b6a", false)),
        argumentSet("spaces around fields",
            " Root = 1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c ; Parent=3b2a1f0e9d8c7b6a ; Sampled=1 ",
            new XRayHeader(TRACE, "3b2a1f0e9d8c7b6a", true)));
  }

  @ParameterizedTest
  @MethodSource("validHeaders")
  void parse_validHeader_givesW3cParts(String header, XRayHeader expected) {
    assertThat(XRayHeader.parse(header)).contains(expected);
  }

  static Stream<Arguments> invalidHeaders() {
    return Stream.of(
        argumentSet("null", (Object) null),
        argumentSet("empty", ""),
        argumentSet("no root", "Parent=3b2a1f0e9d8c7b6a;Sampled=1"),
        argumentSet("wrong version", "Root=2-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c"),
        argumentSet("no version", "Root=664b7a79-5c1f4e2a9d3b8c7e6f0a1b2c"),
        argumentSet("short epoch", "Root=1-664b7a7-5c1f4e2a9d3b8c7e6f0a1b2c"),
        argumentSet("short unique part", "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1b2"),
        argumentSet("non-hex", "Root=1-664b7a79-5c1f4e2a9d3b8c7e6f0a1bzz"),
        argumentSet("all zero", "Root=1-00000000-000000000000000000000000"),
        argumentSet("W3C traceparent instead", "00-664b7a795c1f4e2a9d3b8c7e6f0a1b2c-3b2a1f0e9d8c7b6a-01"),
        argumentSet("garbage", ";;==;"));
  }

  @ParameterizedTest
  @MethodSource("invalidHeaders")
  void parse_invalidHeader_isEmpty(String header) {
    assertThat(XRayHeader.parse(header)).isEmpty();
  }

  static Stream<Arguments> spanIds() {
    return Stream.of(
        argumentSet("16 hex", "73f19b2c4d5e6a70", true),
        argumentSet("upper case", "73F19B2C4D5E6A70", true),
        argumentSet("all zero", "0000000000000000", false),
        argumentSet("15 chars", "73f19b2c4d5e6a7", false),
        argumentSet("non-hex", "73f19b2c4d5e6a7g", false),
        argumentSet("null", null, false));
  }

  @ParameterizedTest
  @MethodSource("spanIds")
  void isValidSpanId_acceptsOnlySixteenHexNotAllZero(String id, boolean valid) {
    assertThat(XRayHeader.isValidSpanId(id)).isEqualTo(valid);
  }
}
