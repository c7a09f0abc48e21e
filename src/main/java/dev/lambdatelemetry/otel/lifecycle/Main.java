package dev.lambdatelemetry.otel.lifecycle;

import dev.lambdatelemetry.otel.config.ExtensionConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.List;

/**
 * The process entry point. It registers with the Extensions API before anything else, Quarkus
 * included, because Lambda holds the function's runtime back until every extension has registered:
 * the time from process start to {@code register} is added to the user's cold start. The rest of
 * init (Quarkus, the listener, the subscription) then overlaps with the runtime's own init.
 */
@QuarkusMain
public final class Main {

  /** Our name unless configured; it must equal the launcher's file name in /opt/extensions. */
  // A compile-time constant: inlined, so naming it loads no config class before Quarkus boots.
  static final String DEFAULT_EXTENSION_NAME = ExtensionConfig.DEFAULT_EXTENSION_NAME;
  static final String NAME_PROPERTY = "lambda-telemetry.extension-name";
  static final String NAME_ENV = "LAMBDA_TELEMETRY_EXTENSION_NAME";
  /** Set by the layer's launcher when it registered before starting the JVM (see register.bash). */
  static final String REGISTERED_ID_ENV = "LAMBDA_TELEMETRY_REGISTERED_ID";
  static final String REGISTERED_BODY_ENV = "LAMBDA_TELEMETRY_REGISTERED_BODY";
  static final String REGISTERED_EVENTS_ENV = "LAMBDA_TELEMETRY_REGISTERED_EVENTS";

  private Main() {}

  /** Registers, then boots Quarkus, whose {@link ExtensionApplication} does the rest. */
  public static void main(String... args) {
    long startNanos = System.nanoTime();
    String runtimeApi = System.getenv(LambdaApi.ENV_RUNTIME_API);
    ExtensionsApiClient api;
    Registration registration;
    try {
      api = new ExtensionsApiClient(runtimeApi);
      boolean managed = LambdaApi.INIT_TYPE_MANAGED_INSTANCES.equals(
          System.getenv(LambdaApi.ENV_INITIALIZATION_TYPE));
      String adopted = System.getenv(REGISTERED_ID_ENV);
      registration = adopted != null && !adopted.isBlank()
          ? api.adopt(adopted, System.getenv(REGISTERED_BODY_ENV), System.getenv(REGISTERED_EVENTS_ENV))
          : api.register(extensionName(), managed
              ? List.of(LambdaApi.EVENT_SHUTDOWN)
              : List.of(LambdaApi.EVENT_INVOKE, LambdaApi.EVENT_SHUTDOWN));
    } catch (RuntimeException e) {
      // Not registered: there is no one to tell but stderr. Lambda reports Extension.LaunchError.
      System.err.println("lambda-telemetry-otel: could not register: " + e.getMessage());
      System.exit(1);
      return;
    }
    Bootstrap.process().registered(new Bootstrap.Registered(api, registration, startNanos));
    if (System.getProperty("quarkus.http.host") == null && System.getenv("QUARKUS_HTTP_HOST") == null) {
      System.setProperty("quarkus.http.host", ListenerAddress.resolve(Path.of("/etc/hosts")));
    }
    Quarkus.run(ExtensionApplication.class, Main::exited, args);
  }

  /** Quarkus calls this when the application ends, or when it failed to start. */
  private static void exited(int code, Throwable failure) {
    if (failure != null || (code != 0 && !Bootstrap.process().isInitCompleted())) {
      Bootstrap.process().initFailed(
          failure == null ? "start-up failed (exit code " + code + ")" : describe(failure));
    }
    System.exit(code == 0 && failure != null ? 1 : code);
  }

  static String extensionName() {
    String n = System.getProperty(NAME_PROPERTY);
    if (n == null || n.isBlank()) {
      n = System.getenv(NAME_ENV);
    }
    return n == null || n.isBlank() ? DEFAULT_EXTENSION_NAME : n;
  }

  /** The innermost message of a start-up failure: usually the one naming a property or a port. */
  static String describe(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null && b.length() < 2_000; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && !m.isBlank() && b.indexOf(m) < 0) {
        if (b.length() > 0) {
          b.append(" <- ");
        }
        b.append(m.strip());
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return b.length() == 0 ? t.getClass().getName() : b.toString();
  }
}
