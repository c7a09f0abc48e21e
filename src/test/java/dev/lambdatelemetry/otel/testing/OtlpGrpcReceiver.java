package dev.lambdatelemetry.otel.testing;

import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real OTLP/gRPC receiver (grpc-java on Netty) on 127.0.0.1, port 0, for tests; the gRPC twin of {@link
 * OtlpReceiver}. The three OTLP services are defined generically (method descriptors with protobuf
 * marshallers), since the opentelemetry-proto jar has no generated gRPC stubs. It can be up, down
 * (connection refused), slow, hanging (never answers), or answer a gRPC status; gzip requests are
 * decompressed by grpc-java. Thread-safe.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {

  /** The OTLP service methods, as the exporters call them. */
  public static final String TRACES_METHOD = "opentelemetry.proto.collector.trace.v1.TraceService/Export";

  public static final String LOGS_METHOD = "opentelemetry.proto.collector.logs.v1.LogsService/Export";
  public static final String METRICS_METHOD =
      "opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

  private static final Metadata.Key<String> GRPC_ENCODING =
      Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Map<String, String>> HEADERS = Context.key("otlp-headers");

  private final int port;
  private final ReceivedTelemetry received = new ReceivedTelemetry();
  private final Set<StreamObserver<?>> hanging = ConcurrentHashMap.newKeySet();
  private final AtomicInteger cancelledCount = new AtomicInteger();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "otlp-grpc-receiver-timer");
            t.setDaemon(true);
            return t;
          });
  private final Object lock = new Object();
  private volatile Status.Code failNextCode = Status.Code.UNAVAILABLE;
  private volatile Mode mode = Mode.UP;
  private boolean closed;
  private Server server;
  /** Certificate chain and private key (PEM) when the receiver speaks TLS, else null. */
  private final java.nio.file.Path[] tls;

  private OtlpGrpcReceiver(java.nio.file.Path[] tls) {
    this.tls = tls;
    this.server = listen(0);
    this.port = server.getPort();
  }

  /** Starts a receiver in mode {@link Mode#UP} on a free loopback port. */
  public static OtlpGrpcReceiver start() {
    return new OtlpGrpcReceiver(null);
  }

  /**
   * Starts a receiver that speaks TLS (ALPN h2) with this certificate chain and PKCS#8 private key,
   * both PEM files; {@link #endpoint()} is then {@code https://localhost:PORT}.
   */
  public static OtlpGrpcReceiver startTls(java.nio.file.Path certificateChain, java.nio.file.Path privateKey) {
    return new OtlpGrpcReceiver(new java.nio.file.Path[] {certificateChain, privateKey});
  }

  /** {@code http://127.0.0.1:PORT} (or {@code https://localhost:PORT} with TLS): the OTLP gRPC endpoint. */
  public String endpoint() {
    return tls == null ? "http://127.0.0.1:" + port : "https://localhost:" + port;
  }

  public int port() {
    return port;
  }

  /**
   * Switches behaviour. {@link Mode#DOWN} stops the server and drops every connection (clients get
   * connection refused); leaving DOWN listens again on the same port. Calls held by {@link Mode#HANG}
   * are answered UNAVAILABLE when the mode changes (their data is not stored).
   */
  public void setMode(Mode newMode) {
    synchronized (lock) {
      Mode old = mode;
      mode = newMode;
      if (old instanceof Hang && !(newMode instanceof Hang)) {
        releaseHanging();
      }
      if (newMode instanceof Down && !(old instanceof Down)) {
        stop(server);
      } else if (old instanceof Down && !(newMode instanceof Down) && !closed) {
        server = listen(port);
      }
    }
  }

  /** The next {@code n} calls are answered with {@code code} (data not stored), whatever the mode. */
  public void failNext(int n, Status.Code code) {
    failNextCode = code;
    failuresLeft.set(n);
  }

  public List<ResourceSpans> resourceSpans() {
    return received.resourceSpans();
  }

  public List<ResourceLogs> resourceLogs() {
    return received.resourceLogs();
  }

  public List<ResourceMetrics> resourceMetrics() {
    return received.resourceMetrics();
  }

  /** Every span received, in arrival order. */
  public List<Span> spans() {
    return received.spans();
  }

  /** Every log record received, in arrival order. */
  public List<LogRecord> logRecords() {
    return received.logRecords();
  }

  /** Calls received (decoded), whatever the mode did with them. */
  public int requestCount() {
    return received.requestCount();
  }

  /** Calls the client cancelled (RST_STREAM) before they were answered. */
  public int cancelledCount() {
    return cancelledCount.get();
  }

  /** Whether any call came with {@code grpc-encoding: gzip}. */
  public boolean sawGzip() {
    return received.gzip();
  }

  /** Full method names of the calls received, in order. */
  public List<String> methods() {
    return received.targets();
  }

  /** Request headers (lower-case names) of the calls received, in order. */
  public List<Map<String, String>> requestHeaders() {
    return received.requestHeaders();
  }

  public void awaitSpans(int n, Duration timeout) {
    received.awaitSpans(n, timeout);
  }

  public void awaitLogs(int n, Duration timeout) {
    received.awaitLogs(n, timeout);
  }

  public void awaitMetrics(int n, Duration timeout) {
    received.awaitMetrics(n, timeout);
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      releaseHanging();
      stop(server);
      timer.shutdownNow();
    }
  }

  private Server listen(int onPort) {
    ServerServiceDefinition traces =
        service(
            TRACES_METHOD,
            ExportTraceServiceRequest.getDefaultInstance(),
            ExportTraceServiceResponse.getDefaultInstance(),
            r -> received.storeSpans(r.getResourceSpansList()));
    ServerServiceDefinition logs =
        service(
            LOGS_METHOD,
            ExportLogsServiceRequest.getDefaultInstance(),
            ExportLogsServiceResponse.getDefaultInstance(),
            r -> received.storeLogs(r.getResourceLogsList()));
    ServerServiceDefinition metrics =
        service(
            METRICS_METHOD,
            ExportMetricsServiceRequest.getDefaultInstance(),
            ExportMetricsServiceResponse.getDefaultInstance(),
            r -> received.storeMetrics(r.getResourceMetricsList()));
    ServerInterceptor captureHeaders = new HeaderCapture();
    try {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
      if (tls != null) {
        builder.sslContext(io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts
            .forServer(tls[0].toFile(), tls[1].toFile()).build());
      }
      return builder
          .withOption(ChannelOption.SO_REUSEADDR, true)
          .addService(ServerInterceptors.intercept(traces, captureHeaders))
          .addService(ServerInterceptors.intercept(logs, captureHeaders))
          .addService(ServerInterceptors.intercept(metrics, captureHeaders))
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + onPort, e);
    }
  }

  private <Q extends Message, R extends Message> ServerServiceDefinition service(
      String fullMethodName, Q requestPrototype, R response, Consumer<Q> store) {
    MethodDescriptor<Q, R> method =
        MethodDescriptor.<Q, R>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(fullMethodName)
            .setRequestMarshaller(ProtoUtils.marshaller(requestPrototype))
            .setResponseMarshaller(ProtoUtils.marshaller(response))
            .build();
    return ServerServiceDefinition.builder(MethodDescriptor.extractFullServiceName(fullMethodName))
        .addMethod(
            method,
            ServerCalls.asyncUnaryCall(
                (request, observer) -> handle(fullMethodName, request, response, store, observer)))
        .build();
  }

  private <Q, R> void handle(
      String fullMethodName, Q request, R response, Consumer<Q> store, StreamObserver<R> observer) {
    Map<String, String> h = HEADERS.get();
    received.request(fullMethodName, h == null ? Map.of() : h);
    if (observer instanceof ServerCallStreamObserver<R> call) {
      call.setOnCancelHandler(
          () -> {
            cancelledCount.incrementAndGet();
            hanging.remove(observer);
          });
    }
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      observer.onError(Status.fromCode(failNextCode).withDescription("failNext").asRuntimeException());
      return;
    }
    Mode m = mode;
    if (m instanceof Hang) {
      hanging.add(observer);
      return;
    }
    if (m instanceof StatusMode s) {
      observer.onError(Status.fromCode(s.code()).withDescription(s.message()).asRuntimeException());
      return;
    }
    store.accept(request);
    if (m instanceof Slow slow) {
      timer.schedule(() -> answer(observer, response), slow.delay().toNanos(), TimeUnit.NANOSECONDS);
    } else {
      answer(observer, response);
    }
  }

  private static <R> void answer(StreamObserver<R> observer, R response) {
    try {
      observer.onNext(response);
      observer.onCompleted();
    } catch (RuntimeException e) {
      // Cancelled by the client meanwhile.
    }
  }

  @SuppressWarnings("unchecked")
  private void releaseHanging() {
    for (StreamObserver<?> o : hanging) {
      try {
        ((StreamObserver<Object>) o)
            .onError(Status.UNAVAILABLE.withDescription("released from HANG").asRuntimeException());
      } catch (RuntimeException ignored) {
        // already cancelled
      }
    }
    hanging.clear();
  }

  private static void stop(Server s) {
    s.shutdownNow();
    try {
      s.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Puts the request headers (and whether it is gzip) where the handler finds them. */
  private final class HeaderCapture implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
      Map<String, String> h = new TreeMap<>();
      for (String key : metadata.keys()) {
        if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          String v = metadata.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
          h.put(key.toLowerCase(Locale.ROOT), v);
        }
      }
      if ("gzip".equalsIgnoreCase(metadata.get(GRPC_ENCODING))) {
        received.sawGzip();
      }
      Context ctx = Context.current().withValue(HEADERS, Map.copyOf(h));
      return Contexts.interceptCall(ctx, call, metadata, next);
    }
  }

  /** How the receiver behaves. */
  public sealed interface Mode permits Up, Down, Slow, Hang, StatusMode {
    /** Accepts, stores and answers OK. */
    Mode UP = new Up();
    /** Not listening: connection refused. */
    Mode DOWN = new Down();
    /** Takes the call and never answers (until the mode changes, or close). Stores nothing. */
    Mode HANG = new Hang();

    /** Stores the data and answers OK only after {@code delay}. */
    @SuppressWarnings("checkstyle:MethodName")
    static Mode SLOW(Duration delay) {
      return new Slow(delay);
    }

    /** Answers with the gRPC status {@code code} and stores nothing. */
    @SuppressWarnings("checkstyle:MethodName")
    static Mode STATUS(Status.Code code) {
      return new StatusMode(code, "receiver in mode STATUS " + code);
    }
  }

  record Up() implements Mode {}

  record Down() implements Mode {}

  record Slow(Duration delay) implements Mode {}

  record Hang() implements Mode {}

  record StatusMode(Status.Code code, String message) implements Mode {}
}
