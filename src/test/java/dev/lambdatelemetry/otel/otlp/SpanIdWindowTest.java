package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpanIdWindowTest {

  @Test
  void aPairSeenBeforeIsADuplicateAndADifferentTraceOrSpanIsNot() {
    SpanIdWindow w = new SpanIdWindow(8);
    assertThat(w.add(1, 2, 3)).isTrue();
    assertThat(w.add(1, 2, 3)).as("same trace and span id").isFalse();
    assertThat(w.add(1, 9, 3)).as("same span id in another trace").isTrue();
    assertThat(w.add(1, 2, 4)).as("another span of the trace").isTrue();
    assertThat(w.size()).isEqualTo(3);
  }

  @Test
  void forgetsTheOldestPairOnceFull() {
    SpanIdWindow w = new SpanIdWindow(3);
    w.add(0, 1, 1);
    w.add(0, 1, 2);
    w.add(0, 1, 3);
    w.add(0, 1, 4);
    assertThat(w.size()).isEqualTo(3);
    assertThat(w.contains(0, 1, 1)).as("the oldest is forgotten").isFalse();
    assertThat(w.contains(0, 1, 2)).isTrue();
    assertThat(w.contains(0, 1, 4)).isTrue();
    assertThat(w.add(0, 1, 1)).as("sent again after it was forgotten: taken as new").isTrue();
    assertThat(w.contains(0, 1, 2)).as("which in turn pushed out the next oldest").isFalse();
  }

  @Test
  void remembersExactlyTheLastCapacityPairsThroughManyEvictions() {
    // Few distinct ids and a small table: many collisions, so evictions shift probe chains back.
    int capacity = 37;
    SpanIdWindow w = new SpanIdWindow(capacity);
    ArrayDeque<List<Long>> reference = new ArrayDeque<>();
    Set<List<Long>> remembered = new HashSet<>();
    Random random = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      long trace = random.nextInt(3);
      long span = random.nextInt(120);
      List<Long> key = List.of(trace, span);
      boolean isNew = !remembered.contains(key);
      assertThat(w.add(trace, 7, span)).as("step %d", i).isEqualTo(isNew);
      if (isNew) {
        reference.addLast(key);
        remembered.add(key);
        if (reference.size() > capacity) {
          remembered.remove(reference.removeFirst());
        }
      }
    }
    assertThat(w.size()).isEqualTo(capacity);
    for (long t = 0; t < 3; t++) {
      for (long s = 0; s < 120; s++) {
        assertThat(w.contains(t, 7, s)).isEqualTo(remembered.contains(List.of(t, s)));
      }
    }
  }
}
