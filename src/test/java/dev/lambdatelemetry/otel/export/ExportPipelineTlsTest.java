package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.config.OtelSettings.Signal;
import dev.lambdatelemetry.otel.export.ExportCounters.Outcome;
import dev.lambdatelemetry.otel.testing.OtlpGrpcReceiver;
import dev.lambdatelemetry.otel.testing.TestCertificates;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline to an OTLP/gRPC collector over TLS (ALPN h2), configured the way a user does it:
 * an {@code https://} endpoint and {@code OTEL_EXPORTER_OTLP_CERTIFICATE} naming the collector's CA.
 */
class ExportPipelineTlsTest {

  private static final Resource RESOURCE =
      Resource.create(Attributes.of(ResourceFactory.SERVICE_NAME, "fn"));

  @TempDir Path dir;
  private OtlpGrpcReceiver receiver;
  private ExportPipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.shutdown(Instant.now().plusMillis(50));
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void grpcOverTls_withTheCollectorsCertificateConfigured_deliversSpansLogsAndTheFunctionsSpans() throws Exception {
    KeyStore keys = TestCertificates.keyStore(dir, "dns:localhost");
    Path certificate = TestCertificates.certificatePem(keys, dir.resolve("collector.pem"));
    receiver = OtlpGrpcReceiver.startTls(certificate, TestCertificates.privateKeyPem(keys, dir.resolve("key.pem")));
    pipeline = pipeline(Map.of("otel.exporter.otlp.certificate", certificate.toString()));
    pipeline.span(span());
    pipeline.log(TestLogRecordData.builder().setBody("hello").setResource(RESOURCE).build());
    io.opentelemetry.proto.trace.v1.ResourceSpans functions = FunctionBatches.functionSpans(2);
    pipeline.functionSink(1 << 20).offer(FunctionBatches.batch(functions));

    FlushResult result = pipeline.flush(Instant.now().plusSeconds(10));

    assertThat(receiver.endpoint()).startsWith("https://");
    assertThat(result.status()).isEqualTo(FlushResult.Status.COMPLETE);
    assertThat(receiver.spans()).extracting(s -> s.getName()).hasSize(3).contains("invoke");
    assertThat(receiver.resourceSpans()).as("the function's spans, over the same TLS connection setup")
        .contains(functions);
    assertThat(receiver.logRecords()).extracting(l -> l.getBody().getStringValue()).containsExactly("hello");
    assertThat(pipeline.count(Signal.TRACES, Outcome.EXPORTED)).isEqualTo(1);
  }

  @Test
  void grpcOverTls_withoutTrustInTheCollectorsCertificate_exportsNothingAndKeepsTheData() throws Exception {
    KeyStore keys = TestCertificates.keyStore(dir, "dns:localhost");
    Path certificate = TestCertificates.certificatePem(keys, dir.resolve("collector.pem"));
    receiver = OtlpGrpcReceiver.startTls(certificate, TestCertificates.privateKeyPem(keys, dir.resolve("key.pem")));
    pipeline = pipeline(Map.of("lambda-telemetry.export.retry.max-attempts", "1"));
    pipeline.span(span());

    FlushResult result = pipeline.flush(Instant.now().plusSeconds(5));

    assertThat(result.status()).isNotEqualTo(FlushResult.Status.COMPLETE);
    assertThat(receiver.requestCount()).isZero();
    assertThat(pipeline.count(Signal.TRACES, Outcome.EXPORTED)).isZero();
  }

  private ExportPipeline pipeline(Map<String, String> extra) {
    Map<String, String> props = new HashMap<>();
    props.put("otel.exporter.otlp.protocol", "grpc");
    props.put("otel.exporter.otlp.endpoint", receiver.endpoint());
    props.put("otel.metrics.exporter", "none");
    props.put("lambda-telemetry.export.retry.initial-backoff", "PT0.005S");
    props.putAll(extra);
    return new ExportPipeline(
        TestConfigs.export(props), OtelSettings.from(TestConfigs.otel(props)), RESOURCE, List::of);
  }

  private static SpanData span() {
    long now = System.currentTimeMillis() * 1_000_000L;
    return TestSpanData.builder()
        .setName("invoke")
        .setKind(SpanKind.SERVER)
        .setSpanContext(SpanContext.create(
            "0123456789abcdef0123456789abcdef", "0123456789abcdef", TraceFlags.getSampled(),
            TraceState.getDefault()))
        .setStartEpochNanos(now)
        .setEndEpochNanos(now + 1_000_000)
        .setHasEnded(true)
        .setStatus(StatusData.ok())
        .setResource(RESOURCE)
        .build();
  }
}
