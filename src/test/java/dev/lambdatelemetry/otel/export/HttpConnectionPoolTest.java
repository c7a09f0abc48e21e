package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The OTLP/HTTP sender's kept-alive connections (never checked here: the check threshold is an hour). */
class HttpConnectionPoolTest {

  private final HttpConnectionPool pool = new HttpConnectionPool(Duration.ofHours(1));

  private static HttpConnection connection() {
    Socket s = new Socket();
    return new HttpConnection(s, s);
  }

  @Test
  void theMostRecentlyReturnedConnectionIsTakenFirstAndMarkedReused() {
    HttpConnection older = connection();
    HttpConnection newer = connection();
    pool.giveBack(older);
    pool.giveBack(newer);

    HttpConnection taken = pool.take();

    assertThat(taken).isSameAs(newer);
    assertThat(taken.reused).isTrue();
    assertThat(pool.take()).isSameAs(older);
    assertThat(pool.take()).isNull();
  }

  @Test
  void beyondTheLimitTheOldestIdleConnectionIsClosed() {
    HttpConnection first = connection();
    pool.giveBack(first);
    for (int i = 0; i < HttpConnectionPool.MAX_IDLE_CONNECTIONS; i++) {
      pool.giveBack(connection());
    }

    assertThat(first.socket.isClosed()).isTrue();
  }

  @Test
  void shutdownClosesIdleConnectionsAndThoseGivenBackLater() {
    HttpConnection idle = connection();
    HttpConnection late = connection();
    pool.giveBack(idle);

    pool.shutdown();
    pool.giveBack(late);

    assertThat(idle.socket.isClosed()).isTrue();
    assertThat(late.socket.isClosed()).isTrue();
    assertThat(pool.take()).isNull();
  }
}
