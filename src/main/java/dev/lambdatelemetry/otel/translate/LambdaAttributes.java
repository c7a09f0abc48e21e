package dev.lambdatelemetry.otel.translate;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Every attribute key of the converted telemetry and its resource, spelled once: OpenTelemetry semantic-convention keys
 * ({@code faas.*}, {@code cloud.*}, {@code service.*}, {@code error.type}, {@code exception.*}),
 * and our {@code aws.lambda.*} pass-through keys. Public so that the resource factory and tests use
 * the same constants as the converter. Also the few attribute and record values that change
 * conversion.
 */
public final class LambdaAttributes {

  // Resource (set from configuration and the environment, completed by the converter).
  public static final AttributeKey<String> SERVICE_NAME = stringKey("service.name");
  public static final AttributeKey<String> SERVICE_INSTANCE_ID = stringKey("service.instance.id");
  public static final AttributeKey<String> CLOUD_PROVIDER = stringKey("cloud.provider");
  public static final AttributeKey<String> CLOUD_PLATFORM = stringKey("cloud.platform");
  public static final AttributeKey<String> CLOUD_REGION = stringKey("cloud.region");
  public static final AttributeKey<String> CLOUD_ACCOUNT_ID = stringKey("cloud.account.id");
  public static final AttributeKey<String> FAAS_NAME = stringKey("faas.name");
  public static final AttributeKey<String> FAAS_VERSION = stringKey("faas.version");
  public static final AttributeKey<String> FAAS_INSTANCE = stringKey("faas.instance");
  public static final AttributeKey<Long> FAAS_MAX_MEMORY = longKey("faas.max_memory");

  // Spans and log records.
  public static final AttributeKey<String> FAAS_INVOCATION_ID = stringKey("faas.invocation_id");
  public static final AttributeKey<Boolean> FAAS_COLDSTART = booleanKey("faas.coldstart");
  public static final AttributeKey<String> FAAS_TRIGGER = stringKey("faas.trigger");
  public static final AttributeKey<String> CLOUD_RESOURCE_ID = stringKey("cloud.resource_id");
  public static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");
  public static final AttributeKey<String> EXCEPTION_TYPE = stringKey("exception.type");
  public static final AttributeKey<String> EXCEPTION_MESSAGE = stringKey("exception.message");
  public static final AttributeKey<String> EXCEPTION_STACKTRACE = stringKey("exception.stacktrace");

  public static final AttributeKey<String> INVOKED_ARN = stringKey("aws.lambda.invoked_arn");
  public static final AttributeKey<String> STATUS = stringKey("aws.lambda.status");
  public static final AttributeKey<Long> BILLED_DURATION_MS = longKey("aws.lambda.billed_duration_ms");
  public static final AttributeKey<Long> MEMORY_SIZE_MB = longKey("aws.lambda.memory_size_mb");
  public static final AttributeKey<Long> MAX_MEMORY_USED_MB = longKey("aws.lambda.max_memory_used_mb");
  public static final AttributeKey<Double> INIT_DURATION_MS = doubleKey("aws.lambda.init_duration_ms");
  public static final AttributeKey<Double> RESTORE_DURATION_MS = doubleKey("aws.lambda.restore_duration_ms");
  public static final AttributeKey<Long> BILLED_RESTORE_DURATION_MS =
      longKey("aws.lambda.billed_restore_duration_ms");
  public static final AttributeKey<Long> PRODUCED_BYTES = longKey("aws.lambda.produced_bytes");
  public static final AttributeKey<String> TENANT_ID = stringKey("aws.lambda.tenant_id");
  public static final AttributeKey<String> INIT_TYPE = stringKey("aws.lambda.init.type");
  public static final AttributeKey<String> INIT_PHASE = stringKey("aws.lambda.init.phase");
  public static final AttributeKey<String> LOG_SOURCE = stringKey("aws.lambda.log.source");
  public static final AttributeKey<Long> DROPPED_RECORDS = longKey("aws.lambda.telemetry.dropped_records");
  public static final AttributeKey<Long> DROPPED_BYTES = longKey("aws.lambda.telemetry.dropped_bytes");

  // Values that change conversion (package-private: only the converter reads them).

  /** {@code faas.trigger} when the trigger is not known: the extension never sees the event source. */
  static final String TRIGGER_OTHER = "other";

  /** The status value that means success; every other value, unknown ones included, is an error. */
  static final String STATUS_SUCCESS = "success";

  static final String STATUS_TIMEOUT = "timeout";

  /** {@code initializationType} values. */
  static final String INIT_TYPE_ON_DEMAND = "on-demand";

  static final String INIT_TYPE_MANAGED_INSTANCES = "lambda-managed-instances";

  /** {@code phase} of a suppressed init, retried during the first invoke after a reset. */
  static final String PHASE_INVOKE = "invoke";

  private LambdaAttributes() {}
}
