package dev.lambdatelemetry.otel.telemetry.model;

/**
 * {@code platform.report.metrics}. All nullable: on Lambda Managed Instances only {@code durationMs}
 * is sent. "MB" is MiB.
 */
public record ReportMetrics(
    Double durationMs,
    Long billedDurationMs,
    Long memorySizeMB,
    Long maxMemoryUsedMB,
    Double initDurationMs,
    Double restoreDurationMs,
    Long billedRestoreDurationMs) {

  /** Metrics with every field absent. */
  public static final ReportMetrics EMPTY =
      new ReportMetrics(null, null, null, null, null, null, null);
}
