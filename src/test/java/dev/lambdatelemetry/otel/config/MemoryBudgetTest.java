package dev.lambdatelemetry.otel.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.TestConfigs;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  private static final long MIB = 1024L * 1024L;

  @Test
  void theInboxTakesAnEighthOfTheHeapButAlwaysHoldsTwoBatches() {
    ExtensionConfig defaults = TestConfigs.extension(Map.of());
    assertThat(MemoryBudget.inboxBytes(defaults, 24 * MIB)).isEqualTo(3 * MIB);
    assertThat(MemoryBudget.inboxBytes(defaults, 64 * MIB)).isEqualTo(8 * MIB);
    assertThat(MemoryBudget.inboxBytes(defaults, 1024 * MIB)).isEqualTo(16 * MIB);

    ExtensionConfig bigBatches = TestConfigs.extension(
        Map.of("lambda-telemetry.subscription.buffering.max-bytes", "1048576"));
    assertThat(MemoryBudget.inboxBytes(bigBatches, 8 * MIB)).isEqualTo(2 * MIB);
  }

  @Test
  void aConfiguredInboxBoundIsUsedAsItIs() {
    ExtensionConfig configured =
        TestConfigs.extension(Map.of("lambda-telemetry.inbox.max-bytes", "33554432"));
    assertThat(MemoryBudget.inboxBytes(configured, 24 * MIB)).isEqualTo(32 * MIB);
  }

  @Test
  void eachPendingQueueTakesAQuarterOfTheHeapWithinBounds() {
    ExportConfig defaults = TestConfigs.export(Map.of());
    assertThat(MemoryBudget.queueBytes(defaults, 24 * MIB)).isEqualTo(6 * MIB);
    assertThat(MemoryBudget.queueBytes(defaults, 2 * MIB)).isEqualTo(MIB);
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
