package dev.lambdatelemetry.otel.simulator.platform;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The platform fake on loopback: the Extensions API and the Telemetry API with RAPID's validation and answers,
 * the registry of extensions, the telemetry bus that delivers batches to each subscriber, and the conformance
 * recorder of every call. It plays no scenario: whatever drives it (the scenario runner) publishes events,
 * hands out INVOKE and SHUTDOWN, and reads what the extension did.
 */
public final class PlatformServer implements AutoCloseable {

  static {
    noDelayHttpServer();
  }

  private final SimulatorOptions options;
  private final ConformanceRecorder recorder = new ConformanceRecorder();
  private final ExtensionRegistry registry = new ExtensionRegistry();
  private final Map<String, Long> runtimeDoneAnswered = new ConcurrentHashMap<>();
  private final List<DeliveredBatch> delivered = Collections.synchronizedList(new ArrayList<>());
  private final TelemetryBus bus;
  private final HttpServer server;
  private final ExecutorService executor;

  private PlatformServer(SimulatorOptions options) throws IOException {
    this.options = options;
    this.bus = new TelemetryBus(options, recorder, this::onDelivered);
    this.executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "sim-runtime-api");
      thread.setDaemon(true);
      return thread;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(ApiPaths.EXTENSION_BASE, new ExtensionsApiHandler(options, registry, recorder));
    server.createContext("/", new TelemetryApiHandler(options, registry, recorder, bus));
    server.setExecutor(executor);
    server.start();
  }

  /** Starts the platform on 127.0.0.1 with an ephemeral port. */
  public static PlatformServer start(SimulatorOptions options) throws IOException {
    return new PlatformServer(options);
  }

  /**
   * Turns Nagle's algorithm off in the JDK's HTTP server (read once, when its first server starts). With it on,
   * an answer written in two parts waits for the client's delayed ACK: up to 40 ms added to a {@code next} or a
   * collector's answer that the real platform does not add.
   */
  public static void noDelayHttpServer() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public SimulatorOptions options() {
    return options;
  }

  public ExtensionRegistry registry() {
    return registry;
  }

  public ConformanceRecorder recorder() {
    return recorder;
  }

  public TelemetryBus bus() {
    return bus;
  }

  /** {@link System#nanoTime()} when the listener answered the batch holding {@code requestId}'s runtimeDone. */
  public Optional<Long> runtimeDoneAnswered(String requestId) {
    return Optional.ofNullable(runtimeDoneAnswered.get(requestId));
  }

  /** Every batch the listener accepted, in delivery order. */
  public List<DeliveredBatch> deliveredBatches() {
    synchronized (delivered) {
      return List.copyOf(delivered);
    }
  }

  @Override
  public void close() {
    bus.close();
    server.stop(0);
    executor.shutdownNow();
  }

  private void onDelivered(Subscription subscription, List<PlatformEvents.Event> batch, long answeredNanos) {
    List<String> types = new ArrayList<>();
    List<String> requestIds = new ArrayList<>();
    for (PlatformEvents.Event event : batch) {
      types.add(event.type());
      requestIds.add(event.requestId());
      if (event.type().equals("platform.runtimeDone")) {
        runtimeDoneAnswered.putIfAbsent(event.requestId(), answeredNanos);
      }
    }
    String body = "[" + String.join(",", batch.stream().map(PlatformEvents.Event::json).toList()) + "]";
    delivered.add(new DeliveredBatch(subscription.extensionName(), types, requestIds, body, answeredNanos));
  }
}
