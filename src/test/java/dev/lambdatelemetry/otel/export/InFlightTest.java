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
    inFlight.register(request);

    assertThat(inFlight.close()).isEqualTo(1);
    assertThat(request).isCancelled();
    assertThat(inFlight.size()).isZero();
  }

  @Test
  void aRequestRegisteredAfterTheWindowClosedIsCancelledAtOnce() {
    inFlight.open(Instant.now().plusSeconds(10));
    inFlight.close(); // the flush ended between a sender's time check and its register call
    CompletableFuture<Void> late = new CompletableFuture<>();

    inFlight.register(late);

    assertThat(late).isCancelled();
    assertThat(inFlight.size()).isZero();
  }

  @Test
  void aRequestRegisteredPastTheDeadlineIsCancelledAtOnce() {
    inFlight.open(Instant.now().minusMillis(1));
    CompletableFuture<Void> late = new CompletableFuture<>();

    inFlight.register(late);

    assertThat(late).isCancelled();
  }
}
