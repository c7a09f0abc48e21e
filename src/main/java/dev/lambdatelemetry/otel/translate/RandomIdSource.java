package dev.lambdatelemetry.otel.translate;

import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceId;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * {@link IdSource} backed by a fast {@link SplittableRandom} whose seed comes from {@link
 * SecureRandom}. Not thread-safe: the converter uses it from its single processing thread.
 */
final class RandomIdSource implements IdSource {

  private SplittableRandom random;

  RandomIdSource() {
    reseed();
  }

  @Override
  public String traceId() {
    long high;
    long low;
    do {
      high = random.nextLong();
      low = random.nextLong();
    } while (high == 0 && low == 0);
    return TraceId.fromLongs(high, low);
  }

  @Override
  public String spanId() {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    return SpanId.fromLong(id);
  }

  @Override
  public void reseed() {
    random = new SplittableRandom(new SecureRandom().nextLong());
  }
}
