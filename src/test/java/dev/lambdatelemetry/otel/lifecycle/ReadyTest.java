package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-over of a value built on another thread, waited for within a deadline. */
class ReadyTest {

  private final FakeClock clock = new FakeClock();
  private final Ready<String> ready = new Ready<>(clock);

  @Test
  void aValueNotThereByTheDeadline_isNotWaitedForLonger() {
    clock.schedule(Duration.ofMillis(300), () -> ready.complete("side"));

    assertThat(ready.await(clock.now().plusMillis(200))).isEmpty();
    assertThat(clock.now()).isEqualTo(FakeClock.START.plusMillis(200));
  }

  @Test
  void aValueThatComesBeforeTheDeadline_endsTheWaitThen() {
    clock.schedule(Duration.ofMillis(300), () -> ready.complete("side"));

    assertThat(ready.await(clock.now().plusSeconds(1))).contains("side");
    assertThat(clock.now()).isEqualTo(FakeClock.START.plusMillis(300));
  }

  @Test
  void now_neverWaits() {
    assertThat(ready.now()).isEmpty();
    ready.complete("side");
    assertThat(ready.now()).contains("side");
  }

  @Test
  void aValueThatFailedToBuild_isNeverThere_andNeverWaitedFor() {
    List<String> ran = new ArrayList<>();
    ready.whenReady(ran::add);

    ready.fail(new IllegalStateException("no telemetry"));

    assertThat(ready.await(clock.now().plusSeconds(1))).isEmpty();
    assertThat(clock.now()).isEqualTo(FakeClock.START);
    assertThat(ran).isEmpty();
  }

  @Test
  void whenReady_runsAtOnceIfThere_elseOnceItComes() {
    List<String> ran = new ArrayList<>();
    ready.whenReady(v -> ran.add("later " + v));
    assertThat(ran).isEmpty();

    ready.complete("side");
    ready.whenReady(v -> ran.add("at once " + v));

    assertThat(ran).containsExactly("later side", "at once side");
  }
}
