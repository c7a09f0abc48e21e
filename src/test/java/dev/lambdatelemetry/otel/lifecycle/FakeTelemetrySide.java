package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.export.ExportPipeline.ShutdownRound;
import dev.lambdatelemetry.otel.export.FlushPolicy;
import dev.lambdatelemetry.otel.export.FlushResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A telemetry side that records what it is asked, with the clock's time and the deadline it got;
 * each call may be made to take time on the {@link FakeClock}, or to run an action (a delivery
 * that lands while it exports).
 */
final class FakeTelemetrySide implements TelemetrySide {

  /** One call: its name, when it came, the deadline (or wait end) it got (null for none). */
  record Call(String name, Instant at, Instant deadline) {}

  final List<Call> calls = new ArrayList<>();
  private final FakeClock clock;
  private final FlushPolicy policy;
  private final Map<String, Duration> takes = new HashMap<>();
  private final Map<String, List<Runnable>> during = new HashMap<>();
  private boolean drainsInTime = true;

  FakeTelemetrySide(FakeClock clock, FlushPolicy.Strategy strategy) {
    this.clock = clock;
    this.policy = new FlushPolicy(strategy);
  }

  /** Each call named {@code name} takes {@code d} of the clock's time. */
  FakeTelemetrySide taking(String name, Duration d) {
    takes.put(name, d);
    return this;
  }

  /** The next calls named {@code name} run {@code actions}, one each, before returning. */
  FakeTelemetrySide during(String name, Runnable... actions) {
    during.computeIfAbsent(name, k -> new ArrayList<>()).addAll(List.of(actions));
    return this;
  }

  /** Conversion never catches up in time: the processing thread is stuck. */
  FakeTelemetrySide conversionStuck() {
    drainsInTime = false;
    return this;
  }

  List<String> names() {
    return calls.stream().map(Call::name).toList();
  }

  Call first(String name) {
    return calls.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private void record(String name, Instant deadline) {
    calls.add(new Call(name, clock.now(), deadline));
    Duration d = takes.get(name);
    if (d != null) {
      clock.advance(d);
    }
    List<Runnable> actions = during.get(name);
    if (actions != null && !actions.isEmpty()) {
      actions.remove(0).run();
    }
  }

  @Override
  public FlushPolicy policy() {
    return policy;
  }

  @Override
  public void onInvoke(NextEvent.Invoke invoke) {
    record("onInvoke " + invoke.requestId(), null);
  }

  @Override
  public FlushResult flush(Instant deadline) {
    record("flush", deadline);
    return null;
  }

  /** What {@link #flushInBackground} answers: whether a flush started. */
  boolean backgroundStarts = true;

  /** What {@link #pendingShare} answers. */
  double pendingShare;

  @Override
  public double pendingShare() {
    return pendingShare;
  }

  @Override
  public boolean flushInBackground(Instant deadline) {
    record("flushInBackground", deadline);
    return backgroundStarts;
  }

  @Override
  public void settleBackground(Instant until) {
    record("settleBackground", until);
  }

  @Override
  public void stopBackground(Instant until) {
    record("stopBackground", until);
  }

  @Override
  public boolean catchUp(Instant until) {
    record("catchUp", until);
    return drainsInTime;
  }

  @Override
  public boolean drain(Instant until) {
    record("drain", until);
    return drainsInTime;
  }

  @Override
  public void flushAtShutdown(Instant deadline, ShutdownRound round) {
    record(round == ShutdownRound.FINAL ? "final round" : "round while delivering", deadline);
  }

  @Override
  public void shutdown(Instant deadline) {
    record("shutdown", deadline);
  }

  @Override
  public String statsLine() {
    return "fake";
  }
}
