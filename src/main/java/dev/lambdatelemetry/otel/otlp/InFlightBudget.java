package dev.lambdatelemetry.otel.otlp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all requests being received and decoded may hold at once. Each body reserves its buffer
 * as it grows and gives it back when answered, so a burst of requests, or one slow client holding a
 * half-sent body, cannot take more of the heap than this.
 */
final class InFlightBudget {

  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  InFlightBudget(long capacity) {
    this.capacity = capacity;
  }

  boolean tryReserve(long bytes) {
    long u;
    do {
      u = used.get();
      if (bytes > capacity - u) {
        return false;
      }
    } while (!used.compareAndSet(u, u + bytes));
    return true;
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  long used() {
    return used.get();
  }
}
