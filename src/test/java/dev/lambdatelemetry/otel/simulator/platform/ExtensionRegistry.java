package dev.lambdatelemetry.otel.simulator.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Registered extensions by identifier, and the platform's Init-phase gates (registration open/closed). */
public final class ExtensionRegistry {

  static final int MAX_EXTENSIONS = 10;

  private final Map<String, RegisteredExtension> byId = new ConcurrentHashMap<>();
  private final List<RegisteredExtension> inOrder = new ArrayList<>();
  private boolean registrationOpen = true;

  /** The outcome of checking {@code Lambda-Extension-Identifier}. */
  sealed interface Lookup permits Found, Rejected {
  }

  record Found(RegisteredExtension extension) implements Lookup {
  }

  record Rejected(String errorType, String message) implements Lookup {
  }

  synchronized RegisteredExtension register(String name, List<String> events) {
    RegisteredExtension extension =
        new RegisteredExtension(UUID.randomUUID().toString(), name, events);
    byId.put(extension.id, extension);
    inOrder.add(extension);
    notifyAll();
    return extension;
  }

  synchronized boolean nameTaken(String name) {
    return inOrder.stream().anyMatch(e -> e.name().equals(name));
  }

  synchronized int count() {
    return inOrder.size();
  }

  public synchronized List<RegisteredExtension> all() {
    return List.copyOf(inOrder);
  }

  synchronized boolean registrationOpen() {
    return registrationOpen;
  }

  public synchronized void closeRegistration() {
    registrationOpen = false;
  }

  /** Waits until {@code count} extensions registered; false at the deadline. */
  public synchronized boolean awaitRegistered(int count, long deadlineNanos) throws InterruptedException {
    while (inOrder.size() < count) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, (left + 999_999) / 1_000_000));
    }
    return true;
  }

  /** RAPID's identifier checks: missing, not a UUID, unknown. */
  Lookup lookup(Optional<String> identifier) {
    if (identifier.isEmpty() || identifier.get().isBlank()) {
      return new Rejected("Extension.MissingExtensionIdentifier", "Missing Lambda-Extension-Identifier header");
    }
    try {
      UUID.fromString(identifier.get().trim());
    } catch (IllegalArgumentException e) {
      return new Rejected("Extension.InvalidExtensionIdentifier", "Invalid Lambda-Extension-Identifier");
    }
    RegisteredExtension extension = byId.get(identifier.get().trim());
    return extension == null
        ? new Rejected("Extension.UnknownExtensionIdentifier", "Unknown extension " + identifier.get())
        : new Found(extension);
  }
}
