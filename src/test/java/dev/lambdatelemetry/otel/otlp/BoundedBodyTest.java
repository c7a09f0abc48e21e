package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {

  @Test
  void collectsUpToTheLimitThenOnlyRecordsTooLargeAndFreesItsBuffer() {
    InFlightBudget budget = new InFlightBudget(1 << 20);
    BoundedBody body = new BoundedBody(10, budget);
    body.append(new byte[] {1, 2, 3, 4, 5, 6}, 0, 6);
    assertThat(body.state()).isEqualTo(BoundedBody.State.COLLECTING);
    assertThat(body.length()).isEqualTo(6);
    assertThat(budget.used()).isPositive();
    body.append(new byte[5], 0, 5);
    assertThat(body.state()).isEqualTo(BoundedBody.State.TOO_LARGE);
    assertThat(body.length()).isZero();
    assertThat(budget.used()).as("given back as soon as it is too large").isZero();
  }

  @Test
  void anAnnouncedLengthOverTheLimitIsTooLargeBeforeAnyByte() {
    BoundedBody body = new BoundedBody(10, new InFlightBudget(100));
    body.expect(11);
    assertThat(body.state()).isEqualTo(BoundedBody.State.TOO_LARGE);
  }

  @Test
  void theSharedBudgetBoundsAllBodiesTogether() {
    InFlightBudget budget = new InFlightBudget(100);
    BoundedBody a = new BoundedBody(80, budget);
    a.expect(80);
    BoundedBody b = new BoundedBody(80, budget);
    b.expect(30);
    assertThat(b.state()).isEqualTo(BoundedBody.State.OVER_BUDGET);
    a.release();
    assertThat(budget.used()).isZero();
    BoundedBody c = new BoundedBody(80, budget);
    c.expect(30);
    assertThat(c.state()).isEqualTo(BoundedBody.State.COLLECTING);
  }

  @Test
  void aGzipBombIsCutAtTheLimit() throws Exception {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 100; i++) {
        gz.write(zeros);
      }
    }
    assertThat(compressed.size()).as("100 MiB of zeros").isLessThan(200_000);
    InFlightBudget budget = new InFlightBudget(8 << 20);
    BoundedBody out = new BoundedBody(4 << 20, budget);
    Gzip.inflate(compressed.toByteArray(), 0, compressed.size(), out);
    assertThat(out.state()).isEqualTo(BoundedBody.State.TOO_LARGE);
    assertThat(budget.used()).isZero();
  }

  @Test
  void inflatesAnOrdinaryBodyAndRefusesABrokenOne() throws Exception {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
      gz.write("hello".getBytes());
    }
    BoundedBody out = new BoundedBody(100, new InFlightBudget(1 << 20));
    Gzip.inflate(compressed.toByteArray(), 0, compressed.size(), out);
    assertThat(new String(out.array(), 0, out.length())).isEqualTo("hello");
    assertThatThrownBy(() -> Gzip.inflate(new byte[] {1, 2, 3}, 0, 3, new BoundedBody(100, new InFlightBudget(1000))))
        .isInstanceOf(MalformedMessageException.class);
  }
}
