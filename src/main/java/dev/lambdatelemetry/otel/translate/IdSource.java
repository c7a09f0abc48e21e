package dev.lambdatelemetry.otel.translate;

/**
 * Generates trace and span ids for spans that X-Ray does not identify (unsampled invocations, init
 * and restore spans).
 *
 * <p>A SnapStart restore resumes every copy of an environment from the same memory snapshot, so a
 * pseudo-random generator seeded at init would hand out the same "random" ids in every copy. The
 * converter therefore calls {@link #reseed()} at each {@code platform.restoreStart}.
 */
public interface IdSource {

  /** A valid trace id: 32 lower-case hex characters, not all zero. */
  String traceId();

  /** A valid span id: 16 lower-case hex characters, not all zero. */
  String spanId();

  /** Draws fresh entropy; called after a SnapStart restore. */
  void reseed();

  /** The production source: a {@code SplittableRandom} seeded from {@code SecureRandom}. */
  static IdSource secureRandom() {
    return new RandomIdSource();
  }
}
