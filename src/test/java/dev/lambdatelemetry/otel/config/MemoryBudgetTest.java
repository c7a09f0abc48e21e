package dev.lambdatelemetry.otel.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.TestConfigs;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  private static final long MIB = 1024L * 1024L;

  /** What {@code Runtime.maxMemory()} reports under the launcher's -Xmx24m with SerialGC. */
  private static final long HEAP_24 = 24 * MIB - 768 * 1024;

  /**
   * The worst the subscription allows must fit: 1 MiB batches, the collector down (both queues
   * full), the inbox full, one batch being parsed and converted, one OTLP request being marshalled.
   * The fixed costs here are measured, not taken from MemoryBudget: the live set of the idle
   * extension after a full GC (4-5 MiB, GC log of the packaged jar), a 1 MiB batch of short JSON
   * log lines held with its parse result (5.4 times its bytes), a request of 512 log records of
   * 1 KiB and its encoding (~2.5 MiB), and a tenth of the heap for the collector to work in.
   */
  @Test
  void theWorstCaseTheSubscriptionAllows_fitsA24MiBHeap() {
    ExtensionConfig bigBatches = TestConfigs.extension(
        Map.of("lambda-telemetry.subscription.buffering.max-bytes", "1048576"));
    ExportConfig export = TestConfigs.export(Map.of());
    for (long heap : new long[] {HEAP_24, 24 * MIB, 32 * MIB, 64 * MIB}) {
      long fixed = 5 * MIB + (long) (5.4 * MIB) + (long) (2.5 * MIB) + heap / 10;
      long buffers = MemoryBudget.inboxBytes(bigBatches, heap)
          + 2 * MemoryBudget.queueBytes(export, heap);
      assertThat(fixed + buffers).as("heap %d MiB", heap / MIB).isLessThanOrEqualTo(heap);
    }
  }

  @Test
  void aQueueHoldsMoreThanOneInvocationOfALogHeavyFunction() {
    // 1 000 lines of 1 KiB: ~2 220 estimated bytes each with their attributes (measured). A queue
    // of 1.5 MiB lost 38 % of them in the log-heavy benchmark.
    assertThat(MemoryBudget.queueBytes(TestConfigs.export(Map.of()), HEAP_24))
        .isGreaterThan(1000 * 2220L);
  }

  @Test
  void theInboxHoldsTwoBatchesAtLeast_andAShareOfWhatIsFree() {
    ExtensionConfig defaults = TestConfigs.extension(Map.of());
    assertThat(MemoryBudget.inboxBytes(defaults, HEAP_24)).isBetween(MIB, 3 * MIB);
    assertThat(MemoryBudget.inboxBytes(defaults, 64 * MIB)).isBetween(8 * MIB, 16 * MIB);
    assertThat(MemoryBudget.inboxBytes(defaults, 1024 * MIB)).isEqualTo(16 * MIB);

    ExtensionConfig bigBatches = TestConfigs.extension(
        Map.of("lambda-telemetry.subscription.buffering.max-bytes", "1048576"));
    assertThat(MemoryBudget.inboxBytes(bigBatches, 8 * MIB)).isEqualTo(2 * MIB);
    assertThat(MemoryBudget.inboxBytes(bigBatches, HEAP_24)).isEqualTo(2 * MIB);
  }

  @Test
  void aConfiguredInboxBoundIsUsedAsItIs() {
    ExtensionConfig configured =
        TestConfigs.extension(Map.of("lambda-telemetry.inbox.max-bytes", "33554432"));
    assertThat(MemoryBudget.inboxBytes(configured, 24 * MIB)).isEqualTo(32 * MIB);
  }

  @Test
  void eachPendingQueueTakesAShareOfWhatIsFreeWithinBounds() {
    ExportConfig defaults = TestConfigs.export(Map.of());
    assertThat(MemoryBudget.queueBytes(defaults, 2 * MIB)).isEqualTo(MIB);
    assertThat(MemoryBudget.queueBytes(defaults, 64 * MIB)).isEqualTo(8 * MIB);
    assertThat(MemoryBudget.queueBytes(defaults, 1024 * MIB)).isEqualTo(8 * MIB);

    ExportConfig configured =
        TestConfigs.export(Map.of("lambda-telemetry.export.queue.max-mib", "20"));
    assertThat(MemoryBudget.queueBytes(configured, 24 * MIB)).isEqualTo(20 * MIB);
  }

  @Test
  void aConfiguredInboxSmallerThanTwoBatchesIsRefusedNamingTheProperty() {
    ExtensionConfig tooSmall =
        TestConfigs.extension(Map.of("lambda-telemetry.inbox.max-bytes", "1000"));
    assertThat(ConfigValidator.problems(tooSmall, false))
        .anySatisfy(p -> assertThat(p).contains("lambda-telemetry.inbox.max-bytes"));
  }
}
