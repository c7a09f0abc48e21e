package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Extensions API client against a loopback server that answers as the test scripts it. */
class ExtensionsApiClientTest {

  private final ScriptedApi server = ScriptedApi.start();

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void register_readsTheFunctionFromTheAnswer_andSendsItsIdOnEveryLaterCall() {
    server.answer(200, "Lambda-Extension-Identifier: id-1\r\n",
        "{\"functionName\":\"fn\",\"functionVersion\":\"$LATEST\","
            + "\"handler\":\"index.handler\",\"accountId\":\"12345\\u0036789012\"}");
    server.answer(200, "", "{\"eventType\":\"SHUTDOWN\",\"shutdownReason\":\"spindown\","
        + "\"deadlineMs\":1700000002000}");
    ExtensionsApiClient api = new ExtensionsApiClient(server.hostPort());

    Registration r = api.register("ext", List.of("INVOKE", "SHUTDOWN"));
    NextEvent next = api.next();

    assertThat(r.extensionId()).isEqualTo("id-1");
    assertThat(r.accountId()).as("escapes decoded").isEqualTo("123456789012");
    assertThat(r.events()).containsExactly("INVOKE", "SHUTDOWN");
    assertThat(next).isEqualTo(new NextEvent.Shutdown("spindown", 1_700_000_002_000L));
    assertThat(server.requests.get(0))
        .startsWith("POST " + LambdaApi.REGISTER_PATH + " ")
        .contains("lambda-extension-name: ext", "lambda-extension-accept-feature: accountid")
        .endsWith("{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}");
    assertThat(server.requests.get(1))
        .startsWith("GET " + LambdaApi.NEXT_PATH + " ")
        .contains("lambda-extension-identifier: id-1");
  }

  @Test
  void register_anAnswerThatIsNotJson_leavesTheAccountUnknown_butRegisters() {
    server.answer(200, "Lambda-Extension-Identifier: id-1\r\n", "not json");

    Registration r = new ExtensionsApiClient(server.hostPort()).register("ext", List.of("INVOKE"));

    assertThat(r.extensionId()).isEqualTo("id-1");
    assertThat(r.accountId()).isNull();
  }

  @Test
  void register_refusedForInvoke_registersAgainForShutdownAlone() {
    server.answer(403, "", "{\"errorType\":\"Extension.InvalidEventType\","
        + "\"errorMessage\":\"INVOKE is not supported\"}");
    server.answer(200, "Lambda-Extension-Identifier: id-2\r\n", "{}");

    Registration r =
        new ExtensionsApiClient(server.hostPort()).register("ext", List.of("INVOKE", "SHUTDOWN"));

    assertThat(r.events()).containsExactly("SHUTDOWN");
    assertThat(r.receivesInvokes()).isFalse();
  }

  @Test
  void anErrorAnswer_isAnExceptionWithItsStatusTypeAndMessage() {
    server.answer(500, "", "{\"errorType\":\"Extension.Boom\",\"errorMessage\":\"it broke\"}");

    assertThatThrownBy(() -> new ExtensionsApiClient(server.hostPort()).register("ext", List.of()))
        .isInstanceOfSatisfying(ExtensionsApiException.class, e -> {
          assertThat(e.status()).isEqualTo(500);
          assertThat(e.errorType()).isEqualTo("Extension.Boom");
          assertThat(e.getMessage()).isEqualTo("register answered 500 Extension.Boom: it broke");
        });
  }

  @Test
  void next_readsAnInvoke() {
    server.answer(200, "", "{\"eventType\":\"INVOKE\",\"deadlineMs\":1700000003000,"
        + "\"requestId\":\"r-1\",\"invokedFunctionArn\":\"arn:aws:lambda:us-east-1:1:function:fn\","
        + "\"tracing\":{\"type\":\"X-Amzn-Trace-Id\",\"value\":\"Root=1-2-3\"}}");

    NextEvent next = new ExtensionsApiClient(server.hostPort()).next();

    assertThat(next).isEqualTo(new NextEvent.Invoke("r-1", 1_700_000_003_000L,
        "arn:aws:lambda:us-east-1:1:function:fn", "Root=1-2-3"));
  }

  @Test
  void next_aMalformedAnswer_isAnExtensionsApiExceptionThatShowsIt() {
    server.answer(200, "", "{\"eventType\":\"INVOKE\",");

    assertThatThrownBy(() -> new ExtensionsApiClient(server.hostPort()).next())
        .isInstanceOf(ExtensionsApiException.class)
        .hasMessage("event/next answered an unreadable event: {\"eventType\":\"INVOKE\",");
  }

  @Test
  void next_anEmptyAnswer_isAnExtensionsApiException() {
    server.answer(200, "", "");

    assertThatThrownBy(() -> new ExtensionsApiClient(server.hostPort()).next())
        .isInstanceOf(ExtensionsApiException.class)
        .hasMessage("event/next answered an unreadable event: (empty)");
  }

  @Test
  void adopt_readsTheLaunchersRegistration_andToleratesNoBody() {
    ExtensionsApiClient api = new ExtensionsApiClient(server.hostPort());

    Registration r = api.adopt(" id-3 ", "{\"functionName\":\"fn\",\"accountId\":\"1\"}", "SHUTDOWN");
    Registration bare = api.adopt("id-4", null, null);

    assertThat(r.extensionId()).isEqualTo("id-3");
    assertThat(r.accountId()).isEqualTo("1");
    assertThat(r.events()).containsExactly("SHUTDOWN");
    assertThat(bare.accountId()).isNull();
    assertThat(bare.events()).containsExactly("INVOKE", "SHUTDOWN");
  }
}
