package dev.lambdatelemetry.otel.simulator;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** One registered extension as the platform tracks it: identity, events, pending deliveries, progress. */
final class RegisteredExtension {

  /** An event to hand out on the extension's pending {@code next}. */
  record Delivery(String body, boolean invoke, String eventId) {
  }

  final String id;
  final String name;
  final List<String> events;
  final long registeredNanos;
  final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
  private int nextCalls;
  private long lastNextNanos;
  private boolean subscribed;
  private boolean shutdownDelivered;
  private String errorCall;

  RegisteredExtension(String id, String name, List<String> events, long registeredNanos) {
    this.id = id;
    this.name = name;
    this.events = List.copyOf(events);
    this.registeredNanos = registeredNanos;
  }

  boolean wantsInvoke() {
    return events.contains("INVOKE");
  }

  boolean wantsShutdown() {
    return events.contains("SHUTDOWN");
  }

  synchronized void nextCalled(long nanos) {
    nextCalls++;
    lastNextNanos = nanos;
    notifyAll();
  }

  synchronized int nextCalls() {
    return nextCalls;
  }

  synchronized long lastNextNanos() {
    return lastNextNanos;
  }

  /** Waits until the extension has called next at least {@code count} times; false at the deadline. */
  synchronized boolean awaitNextCalls(int count, long deadlineNanos) throws InterruptedException {
    while (nextCalls < count && errorCall == null) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, (left + 999_999) / 1_000_000));
    }
    return nextCalls >= count;
  }

  synchronized boolean subscribed() {
    return subscribed;
  }

  synchronized void markSubscribed() {
    subscribed = true;
  }

  synchronized boolean shutdownDelivered() {
    return shutdownDelivered;
  }

  synchronized void markShutdownDelivered() {
    shutdownDelivered = true;
  }

  /** The init/error or exit/error path this extension reported, or null. */
  synchronized String errorCall() {
    return errorCall;
  }

  synchronized void markErrored(String path) {
    errorCall = path;
    notifyAll();
  }
}
