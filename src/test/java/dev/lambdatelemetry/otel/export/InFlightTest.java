package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The flush window: what it cancels when it closes, and what it refuses after. */
class InFlightTest {

  private final InFlight inFlight = new InFlight(Clock.systemUTC());

  @Test
  void closingTheWindowCancelsWhatIsStillRunning() {
    inFlight.open(Instant.now().plusSeconds(10));
    CompletableFuture<Void> request = new CompletableFuture<>();
    assertThat(inFlight.register(request)).isTrue();

    assertThat(inFlight.close()).isEqualTo(1);
    assertThat(request).isCancelled();
    assertThat(inFlight.size()).isZero();
  }

  @Test
  void aRequestAfterTheWindowClosedIsRefusedSoItIsNeverStarted() {
    inFlight.open(Instant.now().plusSeconds(10));
    inFlight.close(); // the flush ended while the sender was encoding
    CompletableFuture<Void> late = new CompletableFuture<>();

    assertThat(inFlight.register(late)).isFalse();
    assertThat(inFlight.size()).isZero();
  }

  @Test
  void aRequestPastTheDeadlineIsRefused() {
    inFlight.open(Instant.now().minusMillis(1));

    assertThat(inFlight.register(new CompletableFuture<Void>())).isFalse();
  }
}
