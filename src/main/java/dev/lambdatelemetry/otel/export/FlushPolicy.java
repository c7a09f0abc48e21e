package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.ExportConfig;
import dev.lambdatelemetry.otel.config.OtelSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Optional;

/**
 * When to flush, as a value computed from the invocation history (Datadog bottlecap's flush decision),
 * so every strategy is testable without time passing. The event loop asks at each invocation's start and
 * end (and, for long invocations, {@link #duringInvoke}) and reports every flush with {@link #flushed}.
 * Not thread-safe: owned by the event loop thread. SHUTDOWN always flushes, whatever the strategy.
 */
public final class FlushPolicy {

  /** The property the strategy comes from, named in parse errors. */
  public static final String PROPERTY = "lambda-telemetry.export.flush-strategy";

  static final Duration DEFAULT_CONTINUOUS_INTERVAL = Duration.ofSeconds(1);
  /**
   * While frequent, a pending queue this full (items or bytes) is flushed at the next invocation's
   * start whatever the interval: a busy, log-heavy function must not fill it (the oldest items would
   * be dropped) while its data waits.
   */
  static final double QUEUE_SHARE_THAT_FLUSHES = 0.25;

  private final Strategy strategy;
  private final ArrayDeque<Instant> recentStarts = new ArrayDeque<>();
  private Instant lastFlush;
  /** Whether the invocation under way started while invocations were frequent (adaptive). */
  private boolean currentFrequent;

  /** A policy for {@code strategy}. */
  public FlushPolicy(Strategy strategy) {
    this.strategy = strategy;
  }

  /** Parses {@code export.flushStrategy()} with the adaptive thresholds of {@code export.adaptive()}. */
  public static FlushPolicy from(ExportConfig export) {
    ExportConfig.Adaptive a = export.adaptive();
    return new FlushPolicy(
        parse(
            export.flushStrategy(),
            new Adaptive(a.frequentInvocations(), a.window(), a.interval(), a.backstop())));
  }

  /**
   * Parses {@code end}, {@code periodic,<duration>}, {@code adaptive} or {@code continuous[,<duration>]}.
   *
   * @throws IllegalArgumentException naming {@link #PROPERTY} when the value is not one of these
   */
  public static Strategy parse(String raw, Adaptive adaptiveThresholds) {
    String value = raw == null ? "" : raw.trim();
    int comma = value.indexOf(',');
    String name = (comma < 0 ? value : value.substring(0, comma)).trim().toLowerCase(Locale.ROOT);
    Optional<String> arg = comma < 0 ? Optional.empty() : Optional.of(value.substring(comma + 1).trim());
    switch (name) {
      case "end":
      case "adaptive":
        if (arg.isPresent()) {
          throw new IllegalArgumentException(PROPERTY + ": '" + name + "' takes no argument, got '" + raw + "'");
        }
        return name.equals("end") ? new End() : adaptiveThresholds;
      case "periodic":
        return new Periodic(
            OtelSettings.duration(
                PROPERTY,
                arg.orElseThrow(
                    () -> new IllegalArgumentException(
                        PROPERTY + ": expected periodic,<duration> such as periodic,30s, got '" + raw + "'"))));
      case "continuous":
        return new Continuous(
            arg.map(a -> OtelSettings.duration(PROPERTY, a)).orElse(DEFAULT_CONTINUOUS_INTERVAL));
      default:
        throw new IllegalArgumentException(
            PROPERTY + ": expected end, periodic,<duration>, adaptive or continuous[,<duration>], got '"
                + raw + "'");
    }
  }

  /** The strategy in force. */
  public Strategy strategy() {
    return strategy;
  }

  /** The background export interval when the strategy is continuous. */
  public Optional<Duration> backgroundInterval() {
    return strategy instanceof Continuous c ? Optional.of(c.interval()) : Optional.empty();
  }

  /**
   * Called when an INVOKE arrives; records it in the history. {@link Decision#BACKGROUND} under the
   * {@code adaptive} strategy when invocations are frequent and waiting for the next one would keep
   * data longer than the interval: the flush then runs while the function does, and the event loop
   * settles it before {@code next}.
   */
  public Decision atInvokeStart(Instant now) {
    return atInvokeStart(now, 0);
  }

  /**
   * {@link #atInvokeStart(Instant)}, knowing how full the fuller pending queue is (0 to 1): from
   * {@value #QUEUE_SHARE_THAT_FLUSHES}, frequent invocations flush in the background at once.
   */
  public Decision atInvokeStart(Instant now, double pendingShare) {
    Instant previous = recentStarts.peekLast();
    recentStarts.addLast(now);
    if (strategy instanceof Adaptive a) {
      trim(a, now);
      Duration gap = previous == null ? null : Duration.between(previous, now);
      currentFrequent = recentStarts.size() >= a.frequentInvocations()
          && gap != null && gap.compareTo(a.interval()) < 0;
      // One gap from now is when the next chance comes, as far as the history tells: flush now if
      // waiting for it would keep what is queued past the interval.
      if (currentFrequent && (lastFlush == null || !lastFlush.plus(a.interval()).isAfter(now.plus(gap))
          || pendingShare >= QUEUE_SHARE_THAT_FLUSHES)) {
        return Decision.BACKGROUND;
      }
    }
    return Decision.SKIP;
  }

  /** Called when the invocation's runtimeDone arrived (or its wait ended), before {@code next}. */
  public Decision atInvokeEnd(Instant now) {
    if (strategy instanceof End) {
      return Decision.FLUSH;
    }
    if (strategy instanceof Periodic p) {
      return sinceLastFlushAtLeast(now, p.interval()) ? Decision.FLUSH : Decision.SKIP;
    }
    if (strategy instanceof Adaptive) {
      // An invocation whose start the policy did not see (the telemetry side was not ready) flushes.
      boolean frequent = currentFrequent;
      currentFrequent = false;
      return frequent ? Decision.SKIP : Decision.FLUSH;
    }
    return Decision.SKIP;
  }

  /**
   * The adaptive backstop: while waiting for a long invocation, whether to flush now. At most once per
   * invocation, because a flush after {@code invokeStart} answers SKIP from then on.
   */
  public Decision duringInvoke(Instant invokeStart, Instant now) {
    if (strategy instanceof Adaptive a
        && currentFrequent
        && !Duration.between(invokeStart, now).minus(a.backstop()).isNegative()
        && (lastFlush == null || lastFlush.isBefore(invokeStart))) {
      return Decision.FLUSH;
    }
    return Decision.SKIP;
  }

  /** Records that a flush happened at {@code now}, whoever asked for it. */
  public void flushed(Instant now) {
    lastFlush = now;
  }

  private boolean sinceLastFlushAtLeast(Instant now, Duration interval) {
    return lastFlush == null || !Duration.between(lastFlush, now).minus(interval).isNegative();
  }

  private void trim(Adaptive a, Instant now) {
    Instant horizon = now.minus(a.window());
    while (!recentStarts.isEmpty() && recentStarts.peekFirst().isBefore(horizon)) {
      recentStarts.removeFirst();
    }
  }

  /** The answer to "flush now?". */
  public enum Decision {
    /** Flush now, on the caller's thread, before going on. */
    FLUSH,
    /**
     * Start a flush on the background thread and go on; it must be settled (finished, or cut at the
     * end-of-invocation flush's deadline) before {@code next}.
     */
    BACKGROUND,
    SKIP
  }

  /** A parsed flush strategy. */
  public sealed interface Strategy permits End, Periodic, Adaptive, Continuous {}

  /** Flush after each invocation's runtimeDone, before {@code next}. */
  public record End() implements Strategy {}

  /** Flush at an invocation's end when at least {@code interval} passed since the last flush. */
  public record Periodic(Duration interval) implements Strategy {}

  /**
   * An invocation flushes at its end unless invocations are frequent: at least {@code
   * frequentInvocations} started within {@code window}, the previous one less than {@code interval}
   * ago (so the first invocations, rare ones and the first after an idle gap flush at their end).
   * While frequent, a flush runs in the background during an invocation, started at the invocation
   * whose next one would come more than {@code interval} after the last flush (or once a pending
   * queue is a quarter full), and is settled before {@code next}; an invocation running longer than
   * {@code backstop} gets one flush meanwhile.
   */
  public record Adaptive(int frequentInvocations, Duration window, Duration interval, Duration backstop)
      implements Strategy {}

  /** Background export every {@code interval} (Lambda Managed Instances never freeze). */
  public record Continuous(Duration interval) implements Strategy {}
}
