package dev.lambdatelemetry.otel.simulator.platform;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** One registered extension as the platform tracks it: identity, events, pending deliveries, progress. */
public final class RegisteredExtension {

  /** An event to hand out on the extension's pending {@code next}: an INVOKE (with its event id) or SHUTDOWN. */
  public record Delivery(String body, boolean invoke, String eventId) {

    public static Delivery invoke(String body, String eventId) {
      return new Delivery(body, true, eventId);
    }

    public static Delivery shutdown(String body) {
      return new Delivery(body, false, null);
    }
  }

  final String id;
  private final String name;
  private final List<String> events;
  private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
  private int nextCalls;
  private long lastNextNanos;
  private boolean subscribed;
  private boolean shutdownDelivered;
  private String errorCall;

  RegisteredExtension(String id, String name, List<String> events) {
    this.id = id;
    this.name = name;
    this.events = List.copyOf(events);
  }

  /** The name it registered with. */
  public String name() {
    return name;
  }

  /** The events it registered for ({@code INVOKE}, {@code SHUTDOWN}). */
  public List<String> events() {
    return events;
  }

  /** Queues {@code delivery} for the extension's next (pending or future) {@code next}. */
  public void deliver(Delivery delivery) {
    deliveries.add(delivery);
  }

  /** Blocks until an event is queued for this extension, and takes it. */
  Delivery takeDelivery() throws InterruptedException {
    return deliveries.take();
  }

  public boolean wantsInvoke() {
    return events.contains("INVOKE");
  }

  public boolean wantsShutdown() {
    return events.contains("SHUTDOWN");
  }

  synchronized void nextCalled(long nanos) {
    nextCalls++;
    lastNextNanos = nanos;
    notifyAll();
  }

  public synchronized int nextCalls() {
    return nextCalls;
  }

  public synchronized long lastNextNanos() {
    return lastNextNanos;
  }

  /** Waits until the extension has called next at least {@code count} times; false at the deadline. */
  public synchronized boolean awaitNextCalls(int count, long deadlineNanos) throws InterruptedException {
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
  public synchronized String errorCall() {
    return errorCall;
  }

  synchronized void markErrored(String path) {
    errorCall = path;
    notifyAll();
  }
}
