package dev.lambdatelemetry.otel.export;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that moves only when told, and the {@link Pause} that moves it: a backoff then takes no
 * real time, and every wait the code under test asked for is recorded.
 */
final class ManualClock extends Clock {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private volatile Instant now = T0;
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();

  void advance(Duration d) {
    now = now.plus(d);
  }

  /** A pause that advances this clock by the wait asked for, unless the stop is already set. */
  Pause pause() {
    return (wait, stop) -> {
      pauses.add(wait);
      if (stop.getAsBoolean()) {
        return false;
      }
      advance(wait);
      return true;
    };
  }

  /** The waits asked of {@link #pause()}, in order. */
  List<Duration> pauses() {
    return pauses;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
