package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.config.OtelSettings;
import dev.lambdatelemetry.otel.testing.TestConfigs;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Review findings on the pipeline's bookkeeping, with scripted exporters (no socket). */
class ExportPipelineReviewTest {

  private static final Resource RESOURCE = Resource.create(Attributes.of(ResourceFactory.SERVICE_NAME, "fn"));

  private ExportPipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.shutdown(Instant.now().plusMillis(50));
    }
  }

  @Test
  void flush_grpcConnectionClosedAfterTheWholeRequest_eachItemIsOfferedAtMostTwice() throws Exception {
    // A collector (or the load balancer before it) that takes the whole call, then closes the
    // connection: it may have the data, so it is the lost answer retried once, not a connection
    // error retried at every attempt of every flush (the issue: one line arrived 24 times).
    try (ClosingH2Collector collector = new ClosingH2Collector()) {
      Map<String, String> props = new HashMap<>();
      props.put("otel.exporter.otlp.protocol", "grpc");
      props.put("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + collector.port());
      props.put("otel.metrics.exporter", "none");
      props.put("otel.logs.exporter", "none");
      props.put("lambda-telemetry.export.retry.initial-backoff", "PT0.005S");
      props.put("lambda-telemetry.export.retry.max-attempts", "5");
      props.put("lambda-telemetry.export.breaker.failure-threshold", "100");
      pipeline = new ExportPipeline(TestConfigs.export(props), OtelSettings.from(TestConfigs.otel(props)),
          RESOURCE, List::of);
      pipeline.span(span());

      for (int i = 0; i < 3; i++) {
        pipeline.flush(Instant.now().plusSeconds(5));
      }

      assertThat(collector.callsReceived()).as("whole calls received").isBetween(1, 2);
      assertThat(pipeline.count(OtelSettings.Signal.TRACES, ExportCounters.Outcome.ABANDONED)).isEqualTo(1);
      assertThat(pipeline.pendingItems()).isZero();
    }
  }

  @Test
  void flush_grpcConnectionsClosedByTheCollector_writeNoLineOfVertxPerConnection() throws Exception {
    // Vert.x logs an exception on a connection without a handler at ERROR, one line per failed
    // connection: each comes back as a log record to export, whose export fails again, a line.
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger("io.vertx.core.net.impl.ConnectionBase");
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
          lines.add(String.valueOf(r.getMessage()));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    jul.addHandler(capture);
    try (ClosingH2Collector collector = new ClosingH2Collector()) {
      Map<String, String> props = new HashMap<>();
      props.put("otel.exporter.otlp.protocol", "grpc");
      props.put("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + collector.port());
      props.put("otel.metrics.exporter", "none");
      props.put("otel.logs.exporter", "none");
      props.put("lambda-telemetry.export.retry.initial-backoff", "PT0.005S");
      props.put("lambda-telemetry.export.breaker.failure-threshold", "100");
      pipeline = new ExportPipeline(TestConfigs.export(props), OtelSettings.from(TestConfigs.otel(props)),
          RESOURCE, List::of);
      for (int i = 0; i < 3; i++) {
        pipeline.span(span());
        pipeline.flush(Instant.now().plusSeconds(5));
      }

      assertThat(collector.callsReceived()).isPositive();
      assertThat(lines).as("lines of Vert.x at WARN+").isEmpty();
    } finally {
      jul.removeHandler(capture);
    }
  }

  @Test
  void flush_logsHalfLeftBehindByTheLastFlush_cancelsNoRequestOfTheNextOne() {
    // Flush 1's logs half is still encoding (a starved CPU) when flush 1 gives up on it. If it then
    // starts its request in flush 2's window, it finds its own deadline past and cancels every
    // request in flight: flush 2's spans, abandoned (their fate unknown) for nothing.
    java.util.concurrent.CountDownLatch encoded = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    InFlight[] window = new InFlight[1];
    java.util.concurrent.atomic.AtomicBoolean logsDone = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean logsStarted = new java.util.concurrent.atomic.AtomicBoolean();
    io.opentelemetry.sdk.logs.export.LogRecordExporter slowLogs = new io.opentelemetry.sdk.logs.export.LogRecordExporter() {
      @Override
      public CompletableResultCode export(Collection<io.opentelemetry.sdk.logs.data.LogRecordData> logs) {
        if (entered.getCount() == 0) {
          return CompletableResultCode.ofSuccess(); // a later flush's logs half: answered at once
        }
        entered.countDown();
        try {
          encoded.await(10, java.util.concurrent.TimeUnit.SECONDS); // encoding, slowly
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        CompletableResultCode code = request(window[0]);
        logsStarted.set(!code.isDone());
        logsDone.set(true);
        return code;
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    SpanExporter spans = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> batch) {
        java.util.concurrent.CompletableFuture<Void> g = new java.util.concurrent.CompletableFuture<>();
        window[0].register(g);
        encoded.countDown(); // the left-behind logs half goes on now
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!(logsDone.get() && (!logsStarted.get() || g.isDone())) && System.nanoTime() - until < 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        window[0].done(g);
        CompletableResultCode code = new CompletableResultCode();
        if (g.isCancelled()) {
          code.failExceptionally(new java.util.concurrent.CancellationException("cut"));
        } else {
          code.succeed();
        }
        return code;
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    Map<String, String> props = new HashMap<>();
    props.put("otel.exporter.otlp.endpoint", "http://127.0.0.1:9");
    props.put("otel.metrics.exporter", "none");
    props.put("lambda-telemetry.export.breaker.failure-threshold", "100");
    OtelSettings otel = OtelSettings.from(TestConfigs.otel(props));
    pipeline = new ExportPipeline(TestConfigs.export(props), otel, () -> RESOURCE, List::of, Clock.systemUTC(),
        new java.util.SplittableRandom(7), (inFlight, executor) -> {
          window[0] = inFlight;
          return new ExporterFactory.Exporters(spans, slowLogs, null);
        });
    pipeline.log(io.opentelemetry.sdk.testing.logs.TestLogRecordData.builder().setBody("slow")
        .setResource(RESOURCE).build());
    pipeline.flush(Instant.now().plusSeconds(1)); // its logs half is left behind, encoding
    assertThat(entered.getCount()).as("flush 1's logs half had taken its batch").isZero();
    pipeline.span(span());

    pipeline.flush(Instant.now().plusMillis(300));
    encoded.countDown();
    dev.lambdatelemetry.otel.testing.PollingWait.await(Duration.ofSeconds(5), logsDone::get, "the logs half ends");
    pipeline.flush(Instant.now().plusSeconds(5));

    assertThat(pipeline.count(OtelSettings.Signal.TRACES, ExportCounters.Outcome.ABANDONED))
        .as("flush 2's span cut by flush 1's logs half").isZero();
    assertThat(pipeline.count(OtelSettings.Signal.TRACES, ExportCounters.Outcome.EXPORTED)).isEqualTo(1);
  }

  /** A request as a sender makes it: registered in the window, cancelled with it; never answered. */
  private static CompletableResultCode request(InFlight inFlight) {
    CompletableResultCode code = new CompletableResultCode();
    java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
    if (!inFlight.register(f)) {
      code.failExceptionally(new SocketHttpSender.DeadlineExceededException("no time left"));
      return code;
    }
    f.whenComplete((v, e) -> {
      inFlight.done(f);
      code.failExceptionally(new java.util.concurrent.CancellationException("cut"));
    });
    return code;
  }

  /**
   * Speaks just enough HTTP/2 (h2c, prior knowledge) to take a call: the preface, SETTINGS and
   * their ACK; once a DATA frame ends a stream (the whole call is here) it closes the connection.
   */
  private static final class ClosingH2Collector implements AutoCloseable {
    private final java.net.ServerSocket server;
    private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    ClosingH2Collector() throws IOException {
      server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::acceptLoop, "closing-h2-collector");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int callsReceived() {
      return calls.get();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try (java.net.Socket s = server.accept()) {
          s.setSoTimeout(10_000);
          java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
          java.io.OutputStream out = s.getOutputStream();
          in.readFully(new byte[24]); // PRI * HTTP/2.0 ...
          out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
          out.flush();
          while (true) {
            byte[] h = new byte[9];
            in.readFully(h);
            int length = (h[0] & 0xff) << 16 | (h[1] & 0xff) << 8 | (h[2] & 0xff);
            int type = h[3];
            int flags = h[4];
            in.readFully(new byte[length]);
            if (type == 4 && (flags & 1) == 0) {
              out.write(new byte[] {0, 0, 0, 4, 1, 0, 0, 0, 0});
              out.flush();
            } else if (type == 0 && (flags & 1) != 0) {
              calls.incrementAndGet();
              break; // closes the connection, no answer
            }
          }
        } catch (IOException e) {
          // the client went away, or we are closed
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private static SpanData span() {
    long now = System.currentTimeMillis() * 1_000_000L;
    return TestSpanData.builder()
        .setName("invoke")
        .setKind(SpanKind.SERVER)
        .setSpanContext(SpanContext.create("0123456789abcdef0123456789abcdef", "0123456789abcdef",
            TraceFlags.getSampled(), TraceState.getDefault()))
        .setStartEpochNanos(now)
        .setEndEpochNanos(now + 1_000_000)
        .setHasEnded(true)
        .setStatus(StatusData.ok())
        .setResource(RESOURCE)
        .setTotalRecordedEvents(0)
        .setTotalRecordedLinks(0)
        .setTotalAttributeCount(0)
        .setInstrumentationScopeInfo(InstrumentationScopeInfo.create("test"))
        .build();
  }
}
