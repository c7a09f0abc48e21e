package dev.lambdatelemetry.otel.telemetry;

import java.util.LinkedHashSet;

/**
 * Remembers recent {@code Sequence-Id} headers (base64 SHA-256 of the body, sent by RAPID-LMI) so a
 * batch delivered twice, after a retry, is acknowledged but not converted twice. Bounded.
 */
final class SequenceDeduplicator {

  private final int capacity;
  private final LinkedHashSet<String> seen = new LinkedHashSet<>();

  SequenceDeduplicator(int capacity) {
    this.capacity = capacity;
  }

  /** True the first time {@code sequenceId} is seen (or when it is null or blank). */
  synchronized boolean firstTime(String sequenceId) {
    if (sequenceId == null || sequenceId.isBlank()) {
      return true;
    }
    if (!seen.add(sequenceId)) {
      return false;
    }
    if (seen.size() > capacity) {
      var it = seen.iterator();
      it.next();
      it.remove();
    }
    return true;
  }
}
