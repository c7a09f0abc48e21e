package dev.lambdatelemetry.otel.translate;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Attribute keys the converter writes: OpenTelemetry semantic-convention keys ({@code faas.*},
 * {@code cloud.*}, {@code service.*}, {@code error.type}) and our {@code aws.lambda.*} pass-through
 * keys. Kept here so tests and translators spell them once.
 */
final class LambdaAttributes {

  static final AttributeKey<String> FAAS_INVOCATION_ID = stringKey("faas.invocation_id");
  static final AttributeKey<Boolean> FAAS_COLDSTART = booleanKey("faas.coldstart");
  static final AttributeKey<String> FAAS_TRIGGER = stringKey("faas.trigger");
  static final AttributeKey<String> FAAS_VERSION = stringKey("faas.version");
  static final AttributeKey<String> FAAS_NAME = stringKey("faas.name");
  static final AttributeKey<String> FAAS_INSTANCE = stringKey("faas.instance");
  static final AttributeKey<String> CLOUD_RESOURCE_ID = stringKey("cloud.resource_id");
  static final AttributeKey<String> CLOUD_ACCOUNT_ID = stringKey("cloud.account.id");
  static final AttributeKey<String> SERVICE_INSTANCE_ID = stringKey("service.instance.id");
  static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");

  static final AttributeKey<String> INVOKED_ARN = stringKey("aws.lambda.invoked_arn");
  static final AttributeKey<String> STATUS = stringKey("aws.lambda.status");
  static final AttributeKey<Long> BILLED_DURATION_MS = longKey("aws.lambda.billed_duration_ms");
  static final AttributeKey<Long> MEMORY_SIZE_MB = longKey("aws.lambda.memory_size_mb");
  static final AttributeKey<Long> MAX_MEMORY_USED_MB = longKey("aws.lambda.max_memory_used_mb");
  static final AttributeKey<Double> INIT_DURATION_MS = doubleKey("aws.lambda.init_duration_ms");
  static final AttributeKey<Double> RESTORE_DURATION_MS = doubleKey("aws.lambda.restore_duration_ms");
  static final AttributeKey<Long> BILLED_RESTORE_DURATION_MS =
      longKey("aws.lambda.billed_restore_duration_ms");
  static final AttributeKey<Long> PRODUCED_BYTES = longKey("aws.lambda.produced_bytes");
  static final AttributeKey<String> TENANT_ID = stringKey("aws.lambda.tenant_id");
  static final AttributeKey<String> INIT_TYPE = stringKey("aws.lambda.init.type");
  static final AttributeKey<String> INIT_PHASE = stringKey("aws.lambda.init.phase");
  static final AttributeKey<String> LOG_SOURCE = stringKey("aws.lambda.log.source");
  static final AttributeKey<Long> DROPPED_RECORDS = longKey("aws.lambda.telemetry.dropped_records");
  static final AttributeKey<Long> DROPPED_BYTES = longKey("aws.lambda.telemetry.dropped_bytes");

  /** {@code faas.trigger} when the trigger is not known: the extension never sees the event source. */
  static final String TRIGGER_OTHER = "other";

  /** The status value that means success; every other value, unknown ones included, is an error. */
  static final String STATUS_SUCCESS = "success";

  static final String STATUS_TIMEOUT = "timeout";

  /** {@code initializationType} values that change conversion. */
  static final String INIT_TYPE_ON_DEMAND = "on-demand";

  static final String INIT_TYPE_SNAP_START = "snap-start";
  static final String INIT_TYPE_MANAGED_INSTANCES = "lambda-managed-instances";

  /** {@code phase} of a suppressed init, retried during the first invoke after a reset. */
  static final String PHASE_INVOKE = "invoke";

  private LambdaAttributes() {}
}
