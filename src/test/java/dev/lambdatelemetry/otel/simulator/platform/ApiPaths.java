package dev.lambdatelemetry.otel.simulator.platform;

/** The request paths of the Runtime API the simulated platform serves. */
public final class ApiPaths {

  static final String EXTENSION_BASE = "/2020-01-01/extension";
  public static final String REGISTER = EXTENSION_BASE + "/register";
  public static final String NEXT = EXTENSION_BASE + "/event/next";
  static final String INIT_ERROR = EXTENSION_BASE + "/init/error";
  static final String EXIT_ERROR = EXTENSION_BASE + "/exit/error";
  public static final String SUBSCRIBE = "/2022-07-01/telemetry";

  private ApiPaths() {
  }
}
