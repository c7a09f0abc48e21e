package dev.lambdatelemetry.otel.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Export pipeline settings ({@code lambda-telemetry.export.*}). */
public interface ExportConfig {

  /** Per-invocation flush budget; never past the invocation's deadline. */
  @WithDefault("PT0.1S")
  Duration flushBudget();
}
