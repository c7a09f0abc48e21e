package dev.lambdatelemetry.otel.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalInt;

/** Export pipeline settings ({@code lambda-telemetry.export.*}). */
public interface ExportConfig {

  /** Per-invocation flush budget; never past the invocation's deadline. */
  @WithDefault("PT0.1S")
  Duration flushBudget();

  /**
   * Budget of the environment's first flush only: it may pay for class loading, the connection and
   * TLS, and a request cut at a deadline may be lost. Never past the invocation's deadline either.
   */
  @WithDefault("PT0.25S")
  Duration firstFlushBudget();

  /**
   * When to flush: {@code adaptive} (the default: at each invocation's end until invocations are
   * frequent, then in the background while they run, see {@link Adaptive}), {@code end} (after each
   * invocation's runtimeDone), {@code periodic,<duration>}, or {@code continuous[,<duration>]}
   * (background export, Lambda Managed Instances).
   */
  @WithDefault("adaptive")
  String flushStrategy();

  /** Spans, logs or metrics sent in one OTLP request at most. */
  @WithDefault("512")
  int maxBatchItems();

  /** Bounds of the pending queues. */
  Queue queue();

  /** Retries inside one flush. */
  Retry retry();

  /** The circuit breaker that stops export attempts during a collector outage. */
  Breaker breaker();

  /** The {@code adaptive} strategy's thresholds. */
  Adaptive adaptive();

  /** Bounds of the pending queues; when one is full the oldest item is dropped and counted. */
  interface Queue {
    /**
     * Estimated MiB of pending spans, and separately of pending logs, held at most, 1..1024; when
     * absent, three eighths each of the heap left free by the extension's working set, within
     * [1, 8] MiB ({@link MemoryBudget}).
     */
    OptionalInt maxMib();

    /** Pending spans held at most. */
    @WithDefault("20000")
    int maxSpans();

    /** Pending log records held at most. */
    @WithDefault("20000")
    int maxLogs();
  }

  /** Retries of retryable answers (429, 502, 503, 504, connection errors) within the flush deadline. */
  interface Retry {
    /** Attempts per request at most, the first included. */
    @WithDefault("5")
    int maxAttempts();

    /** Backoff before the first retry (jittered). */
    @WithDefault("PT0.01S")
    Duration initialBackoff();

    /** Backoff cap; a longer Retry-After ends the flush instead of waiting. */
    @WithDefault("PT1S")
    Duration maxBackoff();
  }

  /** Circuit breaker over consecutive failed flushes. */
  interface Breaker {
    /** Consecutive failed flushes that open the breaker. */
    @WithDefault("3")
    int failureThreshold();

    /** Upper bound of the random first open period. */
    @WithDefault("PT5S")
    Duration initialWait();

    /** Cap of the growing open period. */
    @WithDefault("PT5M")
    Duration maxWait();
  }

  /**
   * The adaptive strategy: an invocation flushes at its end unless invocations are frequent (at least
   * {@link #frequentInvocations()} within {@link #window()}, the previous one less than {@link
   * #interval()} ago); while they are, a flush runs in the background during an invocation about
   * once per {@link #interval()} (sooner when a pending queue is a quarter full), and is finished or
   * cut before the extension calls {@code next}.
   */
  interface Adaptive {
    /** Invocations within {@link #window()} from which invocations count as frequent. */
    @WithDefault("10")
    int frequentInvocations();

    /** The window over which invocations are counted. */
    @WithDefault("PT60S")
    Duration window();

    /**
     * When frequent: the longest data waits for a flush (plus the gap to the next invocation), and
     * the idle gap after which an invocation flushes at its end again.
     */
    @WithDefault("PT10S")
    Duration interval();

    /** When frequent: an invocation running longer than this is flushed anyway (backstop). */
    @WithDefault("PT10S")
    Duration backstop();
  }
}
