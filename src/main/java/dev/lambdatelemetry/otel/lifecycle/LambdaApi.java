package dev.lambdatelemetry.otel.lifecycle;

/**
 * The names of the Lambda Runtime API the extension speaks: the paths of the Extensions and
 * Telemetry APIs, their headers, and the environment variables Lambda sets that the lifecycle reads.
 * One holder, so that the clients and the test simulator cannot drift apart on a spelling. See
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html and
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api.html
 */
public final class LambdaApi {

  /** The Extensions API's base path; its version is part of the path. */
  public static final String EXTENSION_PATH = "/2020-01-01/extension";
  public static final String REGISTER_PATH = EXTENSION_PATH + "/register";
  public static final String NEXT_PATH = EXTENSION_PATH + "/event/next";
  public static final String INIT_ERROR_PATH = EXTENSION_PATH + "/init/error";
  public static final String EXIT_ERROR_PATH = EXTENSION_PATH + "/exit/error";
  /** The Telemetry API's path: it stays {@code 2022-07-01} whatever schema version is asked for. */
  public static final String TELEMETRY_PATH = "/2022-07-01/telemetry";

  /** Our name, on {@code register}: it must equal the launcher's file name in /opt/extensions. */
  public static final String HEADER_NAME = "Lambda-Extension-Name";
  /** The id {@code register} answers with, sent on every later call. */
  public static final String HEADER_IDENTIFIER = "Lambda-Extension-Identifier";
  /** Optional features asked for on {@code register}. */
  public static final String HEADER_ACCEPT_FEATURE = "Lambda-Extension-Accept-Feature";
  /** The error type of {@code init/error} and {@code exit/error}. */
  public static final String HEADER_ERROR_TYPE = "Lambda-Extension-Function-Error-Type";
  /** The feature that adds {@code accountId} to the register answer. */
  public static final String FEATURE_ACCOUNT_ID = "accountId";

  public static final String EVENT_INVOKE = "INVOKE";
  public static final String EVENT_SHUTDOWN = "SHUTDOWN";
  /** The register answer's error type when INVOKE may not be registered for (Managed Instances). */
  public static final String ERROR_INVALID_EVENT_TYPE = "Extension.InvalidEventType";

  /** {@code host:port} of the Runtime API. */
  public static final String ENV_RUNTIME_API = "AWS_LAMBDA_RUNTIME_API";
  /** How the environment was initialised: on-demand, provisioned-concurrency, snap-start, ... */
  public static final String ENV_INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE";
  /** {@link #ENV_INITIALIZATION_TYPE} on Lambda Managed Instances: no INVOKE, no freeze. */
  public static final String INIT_TYPE_MANAGED_INSTANCES = "lambda-managed-instances";

  /** The host Lambda resolves inside the sandbox; the only one it accepts in a destination. */
  public static final String SANDBOX_HOST = "sandbox.localdomain";

  private LambdaApi() {}
}
