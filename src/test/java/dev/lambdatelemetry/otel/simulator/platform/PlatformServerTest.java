package dev.lambdatelemetry.otel.simulator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The platform fake as its driver (the scenario runner) uses it, over real HTTP on loopback: what an extension
 * registers shows in the registry, and what the driver delivers is the answer to the extension's pending next.
 */
class PlatformServerTest {

  private static final long WAIT_SECONDS = 20;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void register_isSeenByTheDriverWithItsNameAndEvents() throws Exception {
    try (PlatformServer platform = PlatformServer.start(SimulatorOptions.defaults())) {
      HttpResponse<String> answer = register(platform);

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(platform.registry().all()).singleElement().satisfies(extension -> {
        assertThat(extension.name()).isEqualTo(SimulatorOptions.DEFAULT_EXTENSION_NAME);
        assertThat(extension.events()).containsExactly("INVOKE", "SHUTDOWN");
        assertThat(extension.nextCalls()).isZero();
      });
      assertThat(platform.recorder().firstCall(ApiPaths.REGISTER)).isPresent();
    }
  }

  @Test
  void delivery_answersThePendingNext_invokeAsJsonWithItsEventIdThenShutdownWithout() throws Exception {
    try (PlatformServer platform = PlatformServer.start(SimulatorOptions.defaults())) {
      String id = register(platform).headers().firstValue("Lambda-Extension-Identifier").orElseThrow();
      RegisteredExtension extension = platform.registry().all().get(0);

      CompletableFuture<HttpResponse<String>> invoke = next(platform, id);
      assertThat(extension.awaitNextCalls(1, System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS))).isTrue();
      extension.deliver(RegisteredExtension.Delivery.invoke("{\"eventType\":\"INVOKE\"}", "event-1"));
      HttpResponse<String> invoked = invoke.get(WAIT_SECONDS, TimeUnit.SECONDS);
      extension.deliver(RegisteredExtension.Delivery.shutdown("{\"eventType\":\"SHUTDOWN\"}"));
      HttpResponse<String> shutdown = next(platform, id).get(WAIT_SECONDS, TimeUnit.SECONDS);

      assertThat(invoked.body()).isEqualTo("{\"eventType\":\"INVOKE\"}");
      assertThat(invoked.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(invoked.headers().firstValue("Lambda-Extension-Event-Identifier")).contains("event-1");
      assertThat(shutdown.body()).isEqualTo("{\"eventType\":\"SHUTDOWN\"}");
      assertThat(shutdown.headers().firstValue("Lambda-Extension-Event-Identifier")).isEmpty();
      assertThat(extension.nextCalls()).isEqualTo(2);
      assertThat(platform.recorder().violations()).isEmpty();
      assertThat(platform.deliveredBatches()).isEmpty();
    }
  }

  private HttpResponse<String> register(PlatformServer platform) throws Exception {
    return http.send(request(platform, ApiPaths.REGISTER)
        .header("Lambda-Extension-Name", SimulatorOptions.DEFAULT_EXTENSION_NAME)
        .header("Lambda-Extension-Accept-Feature", "accountId")
        .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> next(PlatformServer platform, String id) {
    return http.sendAsync(request(platform, ApiPaths.NEXT).header("Lambda-Extension-Identifier", id).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(PlatformServer platform, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.port() + path));
  }
}
