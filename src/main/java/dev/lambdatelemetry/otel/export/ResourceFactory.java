package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelConfig;
import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.translate.LambdaAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the one {@link Resource} of this execution environment, shared by every signal:
 * the SDK's {@code telemetry.sdk.*}, then the Lambda attributes from
 * the environment, then {@code OTEL_RESOURCE_ATTRIBUTES} (user values win), then {@code OTEL_SERVICE_NAME}.
 */
public final class ResourceFactory {

  // The keys are spelled once, in LambdaAttributes; the names here keep the tests' reading short.

  static final AttributeKey<String> SERVICE_NAME = LambdaAttributes.SERVICE_NAME;
  static final AttributeKey<String> SERVICE_INSTANCE_ID = LambdaAttributes.SERVICE_INSTANCE_ID;
  static final AttributeKey<String> CLOUD_PROVIDER = LambdaAttributes.CLOUD_PROVIDER;
  static final AttributeKey<String> CLOUD_PLATFORM = LambdaAttributes.CLOUD_PLATFORM;
  static final AttributeKey<String> CLOUD_REGION = LambdaAttributes.CLOUD_REGION;
  static final AttributeKey<String> CLOUD_ACCOUNT_ID = LambdaAttributes.CLOUD_ACCOUNT_ID;
  static final AttributeKey<String> FAAS_NAME = LambdaAttributes.FAAS_NAME;
  static final AttributeKey<String> FAAS_VERSION = LambdaAttributes.FAAS_VERSION;
  static final AttributeKey<String> FAAS_INSTANCE = LambdaAttributes.FAAS_INSTANCE;
  static final AttributeKey<Long> FAAS_MAX_MEMORY = LambdaAttributes.FAAS_MAX_MEMORY;

  /** Lambda's "MB" is MiB. */
  private static final long BYTES_PER_MIB = 1_048_576L;

  private static final String RESOURCE_ATTRIBUTES_PROPERTY = "otel.resource.attributes";

  private ResourceFactory() {}

  /**
   * The resource for this environment.
   *
   * @param env the process environment ({@code AWS_REGION}, {@code AWS_LAMBDA_FUNCTION_*})
   * @param otel the standard settings (service name, resource attributes)
   * @param accountIdOrNull {@code accountId} of the register response, when Lambda gave it
   * @throws IllegalArgumentException when {@code otel.resource.attributes} is malformed (a start-up error)
   */
  public static Resource create(Map<String, String> env, OtelConfig otel, String accountIdOrNull) {
    AttributesBuilder lambda = Attributes.builder();
    String functionName = env.get("AWS_LAMBDA_FUNCTION_NAME");
    putIfPresent(lambda, SERVICE_NAME, functionName);
    lambda.put(SERVICE_INSTANCE_ID, UUID.randomUUID().toString());
    lambda.put(CLOUD_PROVIDER, "aws");
    lambda.put(CLOUD_PLATFORM, "aws_lambda");
    putIfPresent(lambda, CLOUD_REGION, env.get("AWS_REGION"));
    putIfPresent(lambda, CLOUD_ACCOUNT_ID, accountIdOrNull);
    putIfPresent(lambda, FAAS_NAME, functionName);
    putIfPresent(lambda, FAAS_VERSION, env.get("AWS_LAMBDA_FUNCTION_VERSION"));
    putIfPresent(lambda, FAAS_INSTANCE, env.get("AWS_LAMBDA_LOG_STREAM_NAME"));
    String memory = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    if (memory != null) {
      try {
        lambda.put(FAAS_MAX_MEMORY, Long.parseLong(memory.trim()) * BYTES_PER_MIB);
      } catch (NumberFormatException e) {
        // Lambda always sets a number; anything else is left out rather than failing start-up.
      }
    }

    AttributesBuilder user = Attributes.builder();
    OtelSettings.parseKeyValues(
            RESOURCE_ATTRIBUTES_PROPERTY, otel.resource().attributes().orElse(""))
        .forEach(user::put);
    otel.service().name().filter(s -> !s.isBlank()).ifPresent(n -> user.put(SERVICE_NAME, n));

    return Resource.getDefault()
        .merge(Resource.create(lambda.build()))
        .merge(Resource.create(user.build()));
  }

  /**
   * Whether the user fixed {@code service.instance.id} in {@code OTEL_RESOURCE_ATTRIBUTES}; when not, the
   * converter makes a new one after a SnapStart restore so that restored copies differ.
   */
  public static boolean userSetServiceInstanceId(OtelConfig otel) {
    return OtelSettings.parseKeyValues(
            RESOURCE_ATTRIBUTES_PROPERTY, otel.resource().attributes().orElse(""))
        .containsKey(SERVICE_INSTANCE_ID.getKey());
  }

  private static void putIfPresent(AttributesBuilder b, AttributeKey<String> key, String value) {
    if (value != null && !value.isBlank()) {
      b.put(key, value);
    }
  }
}
