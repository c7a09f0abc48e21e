package dev.lambdatelemetry.otel.simulator.platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The platform's telemetry stream: every generated event goes to each subscriber whose types match, in
 * generation order. While subscriptions are open (Init), events are also kept and replayed to each new
 * subscriber, which is why the first batch usually starts with {@code platform.initStart}.
 */
public final class TelemetryBus implements AutoCloseable {

  private final SimulatorOptions options;
  private final ConformanceRecorder recorder;
  private final TelemetryDispatcher.DeliveryListener deliveries;
  private final List<PlatformEvents.Event> initBuffer = new ArrayList<>();
  private final List<TelemetryDispatcher> dispatchers = new CopyOnWriteArrayList<>();
  // Guarded by this (publish is synchronized): a copy-on-write list would copy the whole history per event.
  private final List<PlatformEvents.Event> generated = new ArrayList<>();
  private long functionEvents;
  private boolean subscriptionsOpen = true;
  private boolean frozen;

  TelemetryBus(SimulatorOptions options, ConformanceRecorder recorder,
      TelemetryDispatcher.DeliveryListener deliveries) {
    this.options = options;
    this.recorder = recorder;
    this.deliveries = deliveries;
  }

  public synchronized void publish(PlatformEvents.Event event) {
    generated.add(event);
    if (event.type().equals("function")) {
      functionEvents++;
    }
    if (subscriptionsOpen) {
      initBuffer.add(event);
    }
    for (TelemetryDispatcher dispatcher : dispatchers) {
      dispatcher.offer(event);
    }
  }

  /** Adds a subscriber, replays what Init produced so far, then announces the subscription to everyone. */
  synchronized void subscribe(Subscription subscription, PlatformEvents.Event announcement) {
    TelemetryDispatcher dispatcher =
        new TelemetryDispatcher(subscription, options, recorder, deliveries, this::publish);
    if (frozen) {
      dispatcher.freeze();
    }
    dispatchers.add(dispatcher);
    initBuffer.forEach(dispatcher::offer);
    dispatcher.start();
    publish(announcement);
  }

  synchronized boolean subscriptionsOpen() {
    return subscriptionsOpen;
  }

  /** End of Init: later subscriptions are refused and the replay buffer is dropped. */
  public synchronized void closeSubscriptions() {
    subscriptionsOpen = false;
    initBuffer.clear();
  }

  /** Every extension called next: the sandbox freezes and nothing is delivered until {@link #thaw()}. */
  public synchronized void freeze() {
    frozen = true;
    dispatchers.forEach(TelemetryDispatcher::freeze);
  }

  public synchronized void thaw() {
    frozen = false;
    dispatchers.forEach(TelemetryDispatcher::thaw);
  }

  /** Delivers everything pending to every subscriber, bounded by {@code cap}; true when all of it left. */
  public boolean flush(Duration cap) throws InterruptedException {
    boolean all = true;
    for (TelemetryDispatcher dispatcher : dispatchers) {
      all &= dispatcher.flush(cap);
    }
    return all;
  }

  /**
   * After {@link #freeze()}: waits, at most {@code cap} per subscriber, for the batch each may still be posting,
   * so that a SIGSTOP of the extension cannot land in the middle of a delivery. True when all are idle.
   */
  public boolean awaitIdle(Duration cap) throws InterruptedException {
    boolean all = true;
    for (TelemetryDispatcher dispatcher : dispatchers) {
      all &= dispatcher.awaitIdle(cap);
    }
    return all;
  }

  /** Every event the platform generated, delivered or not. */
  public synchronized List<PlatformEvents.Event> generated() {
    return List.copyOf(generated);
  }

  /** How many {@code function} (log line) events the platform generated so far. */
  public synchronized long functionEvents() {
    return functionEvents;
  }

  /**
   * Sends what is queued now without waiting for the subscribers' {@code timeoutMs} (does not block). The
   * benchmark uses it at runtimeDone: the buffering timer is the platform's time, not the extension's.
   */
  public synchronized void expedite() {
    dispatchers.forEach(TelemetryDispatcher::expedite);
  }

  @Override
  public void close() {
    dispatchers.forEach(TelemetryDispatcher::close);
  }
}
