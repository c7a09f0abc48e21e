package dev.lambdatelemetry.otel.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A log record made before the join is decided carries, once encoded for export, the joined ids. */
class LiveSpanContextTest {

  private static final String OWN_TRACE = "abc00000000000000000000000000001";
  private static final String JOINED_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN = "53995c3f42cd8ad8";

  @Test
  void otlpEncoding_readsTheIdsAtExport_notWhenTheRecordWasMade() throws IOException {
    LiveSpanContext context = new LiveSpanContext(context(OWN_TRACE));
    LambdaLogRecord record = new LambdaLogRecord(Resource.empty(), InstrumentationScopeInfo.create("test"), 1L, 1L,
        context, Severity.INFO, null, Value.of("processing order 42"), Attributes.empty());

    context.set(context(JOINED_TRACE));

    String encoded = HexFormat.of().formatHex(encode(record));
    assertThat(encoded).contains(JOINED_TRACE).contains(SPAN).doesNotContain(OWN_TRACE);
    assertThat(record.getSpanContext().isValid()).isTrue();
    assertThat(record.getSpanContext().isSampled()).isTrue();
  }

  private static SpanContext context(String traceId) {
    return SpanContext.create(traceId, SPAN, TraceFlags.getSampled(), TraceState.getDefault());
  }

  private static byte[] encode(LambdaLogRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LogsRequestMarshaler.create(List.of(record)).writeBinaryTo(out);
    return out.toByteArray();
  }
}
