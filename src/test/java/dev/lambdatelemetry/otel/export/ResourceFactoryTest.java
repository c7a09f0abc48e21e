package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceFactoryTest {

  private static final Map<String, String> ENV =
      Map.of(
          "AWS_LAMBDA_FUNCTION_NAME", "orders",
          "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST",
          "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512",
          "AWS_REGION", "eu-west-1");

  @Test
  void create_lambdaEnvironment_setsEveryResourceAttribute() {
    Resource r = ResourceFactory.create(ENV, TestConfigs.otel(Map.of()), "123456789012");

    assertThat(r.getAttribute(ResourceFactory.SERVICE_NAME)).isEqualTo("orders");
    assertThat(r.getAttribute(ResourceFactory.CLOUD_PROVIDER)).isEqualTo("aws");
    assertThat(r.getAttribute(ResourceFactory.CLOUD_PLATFORM)).isEqualTo("aws_lambda");
    assertThat(r.getAttribute(ResourceFactory.CLOUD_REGION)).isEqualTo("eu-west-1");
    assertThat(r.getAttribute(ResourceFactory.CLOUD_ACCOUNT_ID)).isEqualTo("123456789012");
    assertThat(r.getAttribute(ResourceFactory.FAAS_NAME)).isEqualTo("orders");
    assertThat(r.getAttribute(ResourceFactory.FAAS_VERSION)).isEqualTo("$LATEST");
    assertThat(r.getAttribute(ResourceFactory.FAAS_MAX_MEMORY)).isEqualTo(512L * 1_048_576L);
    assertThat(r.getAttribute(ResourceFactory.SERVICE_INSTANCE_ID)).matches("[0-9a-f-]{36}");
    assertThat(r.getAttribute(AttributeKey.stringKey("telemetry.sdk.language"))).isEqualTo("java");
  }

  @Test
  void create_noAccountId_leavesCloudAccountIdOut() {
    Resource r = ResourceFactory.create(ENV, TestConfigs.otel(Map.of()), null);

    assertThat(r.getAttribute(ResourceFactory.CLOUD_ACCOUNT_ID)).isNull();
  }

  @Test
  void create_userSettings_winOverLambdaValues() {
    Resource r =
        ResourceFactory.create(
            ENV,
            TestConfigs.otel(
                Map.of(
                    "otel.service.name", "checkout",
                    "otel.resource.attributes", "cloud.region=custom,team=pay%20ments,service.instance.id=i-1")),
            null);

    assertThat(r.getAttribute(ResourceFactory.SERVICE_NAME)).isEqualTo("checkout");
    assertThat(r.getAttribute(ResourceFactory.CLOUD_REGION)).isEqualTo("custom");
    assertThat(r.getAttribute(AttributeKey.stringKey("team"))).isEqualTo("pay ments");
    assertThat(r.getAttribute(ResourceFactory.SERVICE_INSTANCE_ID)).isEqualTo("i-1");
  }

  @Test
  void create_twice_makesDifferentServiceInstanceIds() {
    String first = ResourceFactory.create(ENV, TestConfigs.otel(Map.of()), null).getAttribute(ResourceFactory.SERVICE_INSTANCE_ID);
    String second = ResourceFactory.create(ENV, TestConfigs.otel(Map.of()), null).getAttribute(ResourceFactory.SERVICE_INSTANCE_ID);

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void userSetServiceInstanceId_onlyWhenInResourceAttributes() {
    assertThat(ResourceFactory.userSetServiceInstanceId(TestConfigs.otel(Map.of()))).isFalse();
    assertThat(
            ResourceFactory.userSetServiceInstanceId(
                TestConfigs.otel(Map.of("otel.resource.attributes", "service.instance.id=x"))))
        .isTrue();
  }
}
