package dev.lambdatelemetry.otel.simulator.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Delivers one subscriber's events like the platform: batches closed by maxItems, maxBytes or timeoutMs since
 * their first event; exactly one batch in flight (the thread posts synchronously); nothing leaves while the
 * sandbox is frozen; a non-2xx answer is retried once, then the batch is dropped and
 * {@code platform.logsDropped} is emitted.
 */
final class TelemetryDispatcher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TelemetryDispatcher.class);
  private static final Duration POST_TIMEOUT = Duration.ofSeconds(5);
  private static final String DROP_REASON = "could not send events: ";
  private static final String LOGS_DROPPED = "platform.logsDropped";

  private final Subscription subscription;
  private final SimulatorOptions options;
  private final ConformanceRecorder recorder;
  private final DeliveryListener deliveries;
  private final Consumer<PlatformEvents.Event> dropReporter;
  private final PlatformEvents events;
  private final HttpClient http;
  private final Thread thread;
  private final Deque<Queued> queue = new ArrayDeque<>();
  private boolean frozen;
  private boolean flushRequested;
  private boolean expedited;
  private boolean inFlight;
  private boolean closed;
  private Socket tcpSocket;

  /** Told about every batch the listener accepted, with the nanoTime the answer arrived. */
  interface DeliveryListener {
    void delivered(Subscription subscription, List<PlatformEvents.Event> batch, long answeredNanos);
  }

  private record Queued(PlatformEvents.Event event, long enqueuedNanos) {
  }

  TelemetryDispatcher(Subscription subscription, SimulatorOptions options, ConformanceRecorder recorder,
      DeliveryListener deliveries, Consumer<PlatformEvents.Event> dropReporter) {
    this.subscription = subscription;
    this.options = options;
    this.recorder = recorder;
    this.deliveries = deliveries;
    this.dropReporter = dropReporter;
    this.events = new PlatformEvents(options);
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1)).build();
    this.thread = new Thread(this::run, "sim-telemetry-" + subscription.extensionName());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues {@code event} if the subscription's types include its category. */
  synchronized void offer(PlatformEvents.Event event) {
    if (!subscription.wants(event)) {
      return;
    }
    queue.addLast(new Queued(event, System.nanoTime()));
    notifyAll();
  }

  synchronized void freeze() {
    frozen = true;
  }

  synchronized void thaw() {
    frozen = false;
    notifyAll();
  }

  /** What is queued now leaves without waiting for timeoutMs (once; later events batch as usual). */
  synchronized void expedite() {
    expedited = true;
    notifyAll();
  }

  /** Sends everything queued now (thawing first) and waits, at most {@code cap}, until it has left. */
  synchronized boolean flush(Duration cap) throws InterruptedException {
    frozen = false;
    flushRequested = true;
    notifyAll();
    long deadline = System.nanoTime() + cap.toNanos();
    while ((!queue.isEmpty() || inFlight) && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    flushRequested = false;
    return true;
  }

  /**
   * Waits, at most {@code cap}, until no batch is in flight; with the dispatcher frozen none starts after.
   * True when idle.
   */
  synchronized boolean awaitIdle(Duration cap) throws InterruptedException {
    long deadline = System.nanoTime() + cap.toNanos();
    while (inFlight && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    thread.interrupt();
    closeTcp();
  }

  private void run() {
    try {
      while (true) {
        List<PlatformEvents.Event> batch = nextBatch();
        if (batch == null) {
          return;
        }
        try {
          send(batch);
        } finally {
          synchronized (this) {
            inFlight = false;
            notifyAll();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Blocks until a batch is due, and takes it; null once closed. */
  private synchronized List<PlatformEvents.Event> nextBatch() throws InterruptedException {
    while (true) {
      if (closed) {
        return null;
      }
      if (!queue.isEmpty() && !frozen) {
        long dueNanos = queue.peekFirst().enqueuedNanos() + subscription.timeoutMs() * 1_000_000L;
        long left = dueNanos - System.nanoTime();
        if (flushRequested || expedited || left <= 0 || full()) {
          expedited = false;
          inFlight = true;
          return take();
        }
        wait(Math.max(1, (left + 999_999) / 1_000_000));
      } else {
        wait();
      }
    }
  }

  private boolean full() {
    return queue.size() >= subscription.maxItems() || queuedBytes() >= subscription.maxBytes();
  }

  private long queuedBytes() {
    long bytes = 2;
    for (Queued queued : queue) {
      bytes += queued.event().bytes() + 1;
    }
    return bytes;
  }

  private List<PlatformEvents.Event> take() {
    List<PlatformEvents.Event> batch = new ArrayList<>();
    long bytes = 2;
    while (!queue.isEmpty() && batch.size() < subscription.maxItems()) {
      int size = queue.peekFirst().event().bytes() + 1;
      if (!batch.isEmpty() && bytes + size > subscription.maxBytes()) {
        break;
      }
      bytes += size;
      batch.add(queue.pollFirst().event());
    }
    return batch;
  }

  private void send(List<PlatformEvents.Event> batch) throws InterruptedException {
    if (subscription.httpTarget() == null) {
      sendTcp(batch);
      return;
    }
    String body = "[" + String.join(",", batch.stream().map(PlatformEvents.Event::json).toList()) + "]";
    for (int attempt = 1; attempt <= 2; attempt++) {
      String failure = post(body, batch);
      if (failure == null) {
        recorder.accepted(body.getBytes(StandardCharsets.UTF_8).length, batch.size());
        deliveries.delivered(subscription, batch, System.nanoTime());
        return;
      }
      recorder.failedPost();
      String message = "listener " + subscription.destination() + " " + failure + " (attempt " + attempt
          + " of a batch of " + batch.size() + " events)";
      if (recorder.isShutdownSent()) {
        // After SHUTDOWN the extension exits, and its listener with it: what it printed on the way
        // out cannot be delivered, as on Lambda. Not the extension's fault.
        recorder.warning(message);
      } else {
        recorder.violation(message);
      }
    }
    recorder.dropped(batch.size());
    if (batch.stream().allMatch(event -> event.type().equals(LOGS_DROPPED))) {
      return; // reporting the loss of a loss report to the same dead listener would never end
    }
    dropReporter.accept(events.logsDropped(Instant.now(), body.getBytes(StandardCharsets.UTF_8).length,
        batch.size(), DROP_REASON + "listener did not accept the batch"));
  }

  /** Posts once; null when accepted, else what went wrong. */
  private String post(String body, List<PlatformEvents.Event> batch) throws InterruptedException {
    int count = batch.size();
    HttpRequest.Builder request = HttpRequest.newBuilder(subscription.httpTarget()).timeout(POST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (options.sequenceIdHeader()) {
      request.header("Sequence-Id", sequenceId(body));
    }
    long started = System.nanoTime();
    try {
      HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      LOG.debugf("POST %d events to %s: %d in %d ms", count, subscription.destination(), response.statusCode(),
          tookMs);
      if (tookMs > options.slowListenerThreshold().toMillis()) {
        // Which POST it was (the batch's event types) says at which moment of the run the listener stalled.
        recorder.violation("listener " + subscription.destination() + " took " + tookMs
            + " ms to answer a POST (limit " + options.slowListenerThreshold().toMillis() + " ms; a batch of "
            + batch.stream().map(PlatformEvents.Event::type).distinct().toList() + ")");
      }
      int status = response.statusCode();
      return status >= 200 && status < 300 ? null : "answered " + status;
    } catch (IOException e) {
      return "failed: " + e;
    }
  }

  private void sendTcp(List<PlatformEvents.Event> batch) {
    StringBuilder lines = new StringBuilder();
    batch.forEach(event -> lines.append(event.json()).append('\n'));
    try {
      if (tcpSocket == null) {
        tcpSocket = new Socket("127.0.0.1", subscription.tcpPort());
      }
      OutputStream out = tcpSocket.getOutputStream();
      out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      recorder.accepted(lines.length(), batch.size());
      deliveries.delivered(subscription, batch, System.nanoTime());
    } catch (IOException e) {
      recorder.failedPost();
      recorder.violation("TCP listener 127.0.0.1:" + subscription.tcpPort() + " failed: " + e);
      closeTcp();
    }
  }

  private void closeTcp() {
    Socket socket = tcpSocket;
    tcpSocket = null;
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        LOG.debug("closing the TCP destination", e);
      }
    }
  }

  private static String sequenceId(String body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
