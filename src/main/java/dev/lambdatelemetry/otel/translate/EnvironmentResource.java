package dev.lambdatelemetry.otel.translate;

import static dev.lambdatelemetry.otel.translate.LambdaAttributes.CLOUD_ACCOUNT_ID;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.FAAS_INSTANCE;
import static dev.lambdatelemetry.otel.translate.LambdaAttributes.SERVICE_INSTANCE_ID;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import java.util.UUID;

/**
 * The one {@link Resource} shared by every signal of this environment. It starts as the configured
 * base resource and changes only on the few events that reveal more about the environment; readers
 * on other threads always see a complete, immutable {@code Resource}.
 */
final class EnvironmentResource {

  private static final int ARN_ACCOUNT_FIELD = 4;

  private final boolean baseHasInstance;
  private final boolean userServiceInstanceId;
  private volatile Resource resource;

  EnvironmentResource(Resource base, boolean userServiceInstanceId) {
    this.resource = base;
    this.baseHasInstance = base.getAttribute(FAAS_INSTANCE) != null;
    this.userServiceInstanceId = userServiceInstanceId;
  }

  Resource get() {
    return resource;
  }

  /** From {@code platform.initStart}: the log stream name, unless already known. */
  void onInitInstance(String instanceId) {
    putIfAbsent(FAAS_INSTANCE, instanceId);
  }

  /**
   * From {@code platform.restoreStart}: a restored copy is a new instance. Its log stream replaces the
   * one inherited from the snapshot (unless configured), and a fresh {@code service.instance.id}
   * replaces the one every copy of the snapshot shares (unless the user set it).
   */
  void onRestore(String instanceId) {
    Resource current = resource;
    var builder = current.toBuilder();
    if (!baseHasInstance && instanceId != null && !instanceId.isEmpty()) {
      builder.put(FAAS_INSTANCE, instanceId);
    }
    if (!userServiceInstanceId) {
      builder.put(SERVICE_INSTANCE_ID, UUID.randomUUID().toString());
    }
    resource = builder.build();
  }

  /** From an INVOKE event: the account is the ARN's fifth field, when the resource has none. */
  void onInvokedArn(String arn) {
    if (arn == null) {
      return;
    }
    String[] fields = arn.split(":", -1);
    if (fields.length > ARN_ACCOUNT_FIELD) {
      putIfAbsent(CLOUD_ACCOUNT_ID, fields[ARN_ACCOUNT_FIELD]);
    }
  }

  private void putIfAbsent(AttributeKey<String> key, String value) {
    Resource current = resource;
    if (value == null || value.isEmpty() || current.getAttribute(key) != null) {
      return;
    }
    resource = current.toBuilder().put(key, value).build();
  }
}
