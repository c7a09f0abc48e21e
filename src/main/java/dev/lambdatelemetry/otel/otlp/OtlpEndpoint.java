package dev.lambdatelemetry.otel.otlp;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The local OTLP endpoint: OTLP/HTTP and OTLP/gRPC servers on loopback, on the process's Vert.x.
 *
 * <p>Threads: each server runs on one Vert.x event loop; a request is read, decoded and answered on
 * it, never waiting on export (bodies are read asynchronously, so a slow client holds no thread).
 * Bytes: Vert.x's chunks are copied once into the body's array (bounded, its capacity reserved from
 * the in-flight budget), inflated once into another if gzip, converted once if JSON, and each top-level
 * element copied once into the {@link ReceivedBatch} given to the {@link OtlpSink}.
 *
 * <p>{@link #start} binds both ports before it returns (the extension calls it before its first
 * {@code next}, as the function's SDK may export during its own init). A port that cannot be bound
 * is one warning, not an error: the other port still serves, and {@link #httpPort()} /
 * {@link #grpcPort()} say which are up.
 */
public final class OtlpEndpoint implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.otlp");
  /** Binding loopback takes milliseconds; this only bounds a broken Vert.x. */
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(5);

  private final ReceiverCounters counters;
  private final HttpServer httpServer;
  private final HttpServer grpcServer;
  /** Null when nothing serves. */
  private final InFlightBudget inFlight;

  private OtlpEndpoint(ReceiverCounters counters, HttpServer httpServer, HttpServer grpcServer,
      InFlightBudget inFlight) {
    this.counters = counters;
    this.httpServer = httpServer;
    this.grpcServer = grpcServer;
    this.inFlight = inFlight;
  }

  /**
   * Starts the endpoint and returns once both ports are bound (or failed to bind, with a warning).
   * Must not be called on a Vert.x thread (it waits for the binds). A disabled endpoint binds nothing.
   */
  public static OtlpEndpoint start(OtlpSettings settings, OtlpSink sink, Vertx vertx, Clock clock) {
    return start(settings, sink, vertx, clock, new ReceiverCounters());
  }

  /**
   * As {@link #start(OtlpSettings, OtlpSink, Vertx, Clock)}, counting into {@code counters}: the ones
   * a {@link FunctionIntake} in front of the sink also counts its discards into.
   */
  public static OtlpEndpoint start(OtlpSettings settings, OtlpSink sink, Vertx vertx, Clock clock,
      ReceiverCounters counters) {
    if (!settings.enabled()) {
      return new OtlpEndpoint(counters, null, null, null);
    }
    if (Context.isOnVertxThread()) {
      throw new IllegalStateException("OtlpEndpoint.start waits for its binds: call it off Vert.x threads");
    }
    InFlightBudget inFlight = new InFlightBudget(settings.maxInFlightBytes());
    RequestProcessor processor = new RequestProcessor(settings, sink, counters, inFlight, clock);
    HttpReceiver http = new HttpReceiver(processor);
    GrpcReceiver grpc = new GrpcReceiver(processor);
    HttpServer httpServer = vertx.createHttpServer(new HttpServerOptions()
        .setHost(settings.host()).setPort(settings.httpPort())
        .setHandle100ContinueAutomatically(true))
        .requestHandler(http::handle);
    HttpServer grpcServer = vertx.createHttpServer(new HttpServerOptions()
        .setHost(settings.host()).setPort(settings.grpcPort())
        .setHttp2ClearTextEnabled(true))
        .requestHandler(grpc::handle);
    Future<HttpServer> httpBound = httpServer.listen();
    Future<HttpServer> grpcBound = grpcServer.listen();
    HttpServer httpUp = await(httpBound, httpServer, "OTLP/HTTP", settings.host(), settings.httpPort(),
        OtlpSettings.HTTP_PORT_PROPERTY);
    HttpServer grpcUp = await(grpcBound, grpcServer, "OTLP/gRPC", settings.host(), settings.grpcPort(),
        OtlpSettings.GRPC_PORT_PROPERTY);
    return new OtlpEndpoint(counters, httpUp, grpcUp, inFlight);
  }

  private static HttpServer await(Future<HttpServer> bound, HttpServer server, String what, String host,
      int port, String property) {
    try {
      return bound.toCompletionStage().toCompletableFuture()
          .get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      LOG.warnf("%s receiver not started: cannot listen on %s:%d (%s): %s. Another layer (such as the "
              + "OpenTelemetry collector layer) may hold the port; the function's telemetry sent there does not "
              + "reach this extension. Set %s to another port, or remove the other layer.",
          what, host, port, property, cause.getMessage(), property);
      server.close();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
      return null;
    }
  }

  /** The bound OTLP/HTTP port, empty if it is not served. */
  public OptionalInt httpPort() {
    return httpServer == null ? OptionalInt.empty() : OptionalInt.of(httpServer.actualPort());
  }

  /** The bound OTLP/gRPC port, empty if it is not served. */
  public OptionalInt grpcPort() {
    return grpcServer == null ? OptionalInt.empty() : OptionalInt.of(grpcServer.actualPort());
  }

  /**
   * What serves, for a self-telemetry attribute: {@code http+grpc}, {@code http}, {@code grpc} or
   * {@code none}.
   */
  public String serving() {
    if (httpServer != null && grpcServer != null) {
      return "http+grpc";
    }
    return httpServer != null ? "http" : grpcServer != null ? "grpc" : "none";
  }

  /**
   * Whether a request body is being received or decoded right now: the lifecycle waits a short grace
   * for it after {@code platform.runtimeDone} (an SDK flush that raced the function's response).
   */
  public boolean receiving() {
    return inFlight != null && inFlight.used() > 0;
  }

  public ReceiverCounters counters() {
    return counters;
  }

  /** Stops listening and closes open connections; waits at most the bind timeout. */
  @Override
  public void close() {
    for (HttpServer s : new HttpServer[] {httpServer, grpcServer}) {
      if (s != null) {
        try {
          s.close().toCompletionStage().toCompletableFuture()
              .get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          LOG.debugf("closing the OTLP receiver on port %d: %s", s.actualPort(), e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
