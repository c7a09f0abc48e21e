package dev.lambdatelemetry.otel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hand-over from Main to the application, and its promise: init/error at most once, never late. */
class BootstrapTest {

  private final ScriptedApi server = ScriptedApi.start();
  private final Bootstrap bootstrap = new Bootstrap();

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void aFailureDuringInit_isReportedOnce_whateverFailsAfterIt() {
    register();
    server.answer(202, "", "");

    bootstrap.initFailed("ConfigInvalid", "lambda-telemetry.listener.port must be 1..65535");
    bootstrap.initFailed("start-up failed (exit code 1)");

    assertThat(server.requests).hasSize(1);
    assertThat(server.requests.get(0))
        .startsWith("POST " + LambdaApi.INIT_ERROR_PATH + " ")
        .contains("lambda-extension-function-error-type: extension.configinvalid")
        .contains("lambda-extension-identifier: id-1");
    assertThat(bootstrap.isInitCompleted()).isFalse();
  }

  @Test
  void nothingIsReported_afterInitCompleted() {
    register();

    bootstrap.markInitCompleted();
    bootstrap.initFailed("too late");

    assertThat(server.requests).isEmpty();
    assertThat(bootstrap.isInitCompleted()).isTrue();
  }

  @Test
  void withoutARegistration_thereIsNoOneToTell() {
    bootstrap.initFailed("InitError", "no registration");

    assertThat(bootstrap.registration()).isNull();
    assertThat(server.requests).isEmpty();
  }

  @Test
  void theRegistrationIsSetOnce() {
    register();

    assertThatThrownBy(this::register).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theReason_isTheConfigurationWhenTheMessageNamesAProperty() {
    register();
    server.answer(202, "", "");

    bootstrap.initFailed("otel.exporter.otlp.endpoint is not a URL");

    assertThat(server.requests.get(0))
        .contains("lambda-extension-function-error-type: extension.configinvalid");
  }

  @Test
  void theReason_isAnInitErrorOtherwise() {
    register();
    server.answer(202, "", "");

    bootstrap.initFailed("cannot listen on TCP port 4243");

    assertThat(server.requests.get(0))
        .contains("lambda-extension-function-error-type: extension.initerror");
  }

  private void register() {
    ExtensionsApiClient api = new ExtensionsApiClient(server.hostPort());
    bootstrap.registered(new Bootstrap.Registered(
        api, api.adopt("id-1", null, "INVOKE,SHUTDOWN"), System.nanoTime()));
  }
}
