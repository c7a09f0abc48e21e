package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lambdatelemetry.otel.testing.PollingWait;
import dev.lambdatelemetry.otel.testing.TestCertificates;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What both OTLP senders promise the pipeline, on real loopback sockets; each protocol runs it through a
 * small adapter ({@link SocketHttpSenderContractTest}, {@link VertxGrpcSenderContractTest}). Where the
 * protocols truly differ, the adapter says so in a method returning the expected value.
 *
 * <ul>
 *   <li>After a flush, nothing is in flight: every call reached its callback and left {@link InFlight},
 *       and only the pooled connection stays open (none after {@code shutdown}).
 *   <li>The end of a flush ({@link InFlight#close()}) ends a call blocked in connect, in a write (the
 *       collector stopped reading) or in a read (the collector is silent), at once; the call's fate is
 *       unknown to us ({@link FailureClass.Kind#UNKNOWN}), and its connection is closed.
 *   <li>"Not sent" ({@link FailureClass.Kind#NOT_SENT}: no time left to start it; {@link
 *       FailureClass.Kind#RETRYABLE}: connect refused) is told apart from "the answer was lost" after
 *       the request was written ({@link FailureClass.Kind#ANSWER_LOST}).
 *   <li>A collector's "retry later" is retryable, with the delay it asked for where the protocol can
 *       say one.
 *   <li>TLS verifies the collector's certificate, and presents the client's when it has one (mTLS).
 * </ul>
 */
abstract class SenderContractTest {

  /** Far more than the socket buffers hold: a write to a collector that does not read blocks. */
  private static final int BLOCKING_BODY_BYTES = 32 * 1024 * 1024;
  private static final byte[] MESSAGE = "otlp-bytes".getBytes(StandardCharsets.UTF_8);
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** How a collector answers every request. */
  enum Answer {
    /** An empty OK answer. */
    OK,
    /** "Unavailable, retry after 2 s" (HTTP 503 with {@code Retry-After: 2}; gRPC UNAVAILABLE). */
    UNAVAILABLE_RETRY_AFTER_2S,
    /** Reads the whole request, then closes the connection without an answer. */
    CLOSE_AFTER_READING
  }

  /** A collector of the adapter's protocol, on loopback. */
  interface Collector extends AutoCloseable {
    URI endpoint();

    /** Requests read completely. */
    int requests();

    /** Connections open now. */
    int openConnections();

    @Override
    void close();
  }

  /** A sender of the adapter's protocol. */
  interface Sender {
    /** Sends {@code message}; the outcome is the response, or the error, handed to the callbacks. */
    CompletableFuture<Object> send(byte[] message);

    void shutdown();
  }

  /**
   * TLS material: the collector's key pair (its certificate names {@code localhost}) and a client's.
   * PEM files for the protocols that read files.
   */
  record Tls(KeyStore collectorKeys, Path collectorCertificate, Path collectorKey,
      KeyStore clientKeys, Path clientCertificate, Path clientKey) {}

  /** How the collector uses TLS. */
  enum CollectorTls {
    /** Plain: {@code http://}. */
    NONE,
    /** TLS with the collector's certificate. */
    SERVER,
    /** TLS, and a client certificate required, trusted if it is {@link Tls#clientKeys}'. */
    MUTUAL
  }

  /** What the sender trusts and presents. */
  enum ClientTls {
    /** The JDK's default trust, no client certificate: our test collector is not trusted. */
    DEFAULTS,
    /** Trusts the collector's certificate, presents none. */
    TRUSTING,
    /** Trusts the collector's certificate and presents the client's. */
    WITH_CLIENT_CERTIFICATE
  }

  /** Made once per class: keytool takes a second or two per key pair. */
  @TempDir static Path dir;
  private static Tls sharedTls;
  protected final InFlight inFlight = new InFlight(Clock.systemUTC());
  private final List<AutoCloseable> resources = new ArrayList<>();

  // ------------------------------------------------------------------------------------ the adapter

  /** A collector answering every request with {@code answer}. */
  abstract Collector collector(Answer answer, CollectorTls collectorTls, Tls tls) throws Exception;

  /** A sender to {@code endpoint} (for plain endpoints {@code tls} is null), bounded by {@link #inFlight}. */
  abstract Sender newSender(URI endpoint, ClientTls clientTls, Tls tls) throws Exception;

  /** The OTLP endpoint of a collector listening on {@code port} without TLS. */
  abstract URI plainEndpoint(int port);

  /** A peer that takes the request whole and never answers it (HTTP/2 completes its preface first). */
  abstract RawPeer.Mode silentPeer();

  /** A peer that stops reading, so that a large request blocks (HTTP/2: its preface completed). */
  abstract RawPeer.Mode notReadingPeer();

  /** The delay a "retry after 2 s" answer carries to the pipeline. */
  abstract Optional<Duration> expectedRetryAfter();

  // -------------------------------------------------------------------------------------- contract

  @AfterEach
  void closeResources() throws Exception {
    inFlight.close();
    for (int i = resources.size() - 1; i >= 0; i--) { // senders before their collectors
      resources.get(i).close();
    }
  }

  @Test
  void afterAFlushNothingIsInFlightAndOnlyThePooledConnectionStaysOpen() throws Exception {
    Collector collector = keep(collector(Answer.OK, CollectorTls.NONE, null));
    Sender sender = sender(collector.endpoint(), ClientTls.DEFAULTS, null);

    for (int i = 0; i < 3; i++) {
      assertThat(send(sender, MESSAGE)).as("answer %d", i).isNotInstanceOf(Throwable.class);
      assertThat(inFlight.size()).as("in flight after answer %d", i).isZero();
    }

    assertThat(collector.requests()).isEqualTo(3);
    assertThat(collector.openConnections()).as("one kept-alive connection, reused").isEqualTo(1);
    sender.shutdown();
    PollingWait.await(WAIT, () -> collector.openConnections() == 0, "shutdown closed the pooled connection");
  }

  @Test
  void theEndOfTheFlushEndsABlockedConnect() throws Exception {
    RawPeer peer = keep(new RawPeer(RawPeer.Mode.UNACCEPTING));
    Assumptions.assumeTrue(peer.fillAcceptQueue(), "this system answers every connect to a full queue");
    Sender sender = sender(plainEndpoint(peer.port()), ClientTls.DEFAULTS, null);

    CompletableFuture<Object> outcome = start(sender, MESSAGE);
    PollingWait.await(WAIT, () -> inFlight.size() == 1, "the call is in flight");
    inFlight.close();

    assertUnknownFate(outcome.get(5, TimeUnit.SECONDS));
    assertThat(inFlight.size()).isZero();
  }

  @Test
  void theEndOfTheFlushEndsAWriteBlockedOnACollectorThatStoppedReading() throws Exception {
    RawPeer peer = keep(new RawPeer(notReadingPeer()));
    Sender sender = sender(plainEndpoint(peer.port()), ClientTls.DEFAULTS, null);

    CompletableFuture<Object> outcome = start(sender, new byte[BLOCKING_BODY_BYTES]);
    PollingWait.await(WAIT, () -> peer.accepted.get() == 1, "the collector accepted the connection");
    inFlight.close();

    assertUnknownFate(outcome.get(5, TimeUnit.SECONDS));
    assertThat(inFlight.size()).isZero();
    PollingWait.await(WAIT, peer::clientClosedEverything, "the sender closed the blocked connection");
  }

  @Test
  void theEndOfTheFlushEndsAReadBlockedOnASilentCollector() throws Exception {
    RawPeer peer = keep(new RawPeer(silentPeer()));
    Sender sender = sender(plainEndpoint(peer.port()), ClientTls.DEFAULTS, null);

    CompletableFuture<Object> outcome = start(sender, MESSAGE);
    PollingWait.await(WAIT, () -> peer.accepted.get() == 1, "the collector accepted the connection");
    int cancelled = inFlight.close();

    assertThat(cancelled).as("calls the end of the flush cancelled").isEqualTo(1);
    assertUnknownFate(outcome.get(5, TimeUnit.SECONDS));
    assertThat(inFlight.size()).isZero();
    PollingWait.await(WAIT, peer::clientClosedEverything, "the sender closed the silent connection");
  }

  @Test
  void aCallWithoutTimeLeftIsNotSentAndOpensNothing() throws Exception {
    RawPeer peer = keep(new RawPeer(RawPeer.Mode.SILENT));
    Sender sender = sender(plainEndpoint(peer.port()), ClientTls.DEFAULTS, null);
    inFlight.close(); // between flushes

    Object outcome = sender.send(MESSAGE).get(5, TimeUnit.SECONDS);

    assertThat(kindOf(outcome)).isEqualTo(FailureClass.Kind.NOT_SENT);
    assertThat(peer.accepted.get()).isZero();
  }

  @Test
  void aRefusedConnectIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Sender sender = sender(plainEndpoint(closedPort), ClientTls.DEFAULTS, null);

    Object outcome = send(sender, MESSAGE);

    assertThat(outcome).isInstanceOf(ConnectException.class);
    assertThat(kindOf(outcome)).isEqualTo(FailureClass.Kind.RETRYABLE);
    assertThat(inFlight.size()).isZero();
  }

  @Test
  void anAnswerLostAfterTheWholeRequestWasWrittenIsAnswerLostNotRetryable() throws Exception {
    Collector collector = keep(collector(Answer.CLOSE_AFTER_READING, CollectorTls.NONE, null));
    Sender sender = sender(collector.endpoint(), ClientTls.DEFAULTS, null);

    Object outcome = send(sender, MESSAGE);

    assertThat(collector.requests()).as("the collector has the request").isEqualTo(1);
    assertThat(kindOf(outcome)).as("%s", outcome).isEqualTo(FailureClass.Kind.ANSWER_LOST);
  }

  @Test
  void retryLaterIsRetryableWithTheDelayTheProtocolCarries() throws Exception {
    Collector collector = keep(collector(Answer.UNAVAILABLE_RETRY_AFTER_2S, CollectorTls.NONE, null));
    Sender sender = sender(collector.endpoint(), ClientTls.DEFAULTS, null);

    Object outcome = send(sender, MESSAGE);

    assertThat(outcome).isInstanceOf(Throwable.class);
    FailureClass failure = FailureClass.of((Throwable) outcome);
    assertThat(failure.kind()).isEqualTo(FailureClass.Kind.RETRYABLE);
    assertThat(failure.retryAfter()).isEqualTo(expectedRetryAfter());
  }

  @Test
  void overTlsTheRequestGoesToACollectorWhoseCertificateIsTrusted() throws Exception {
    Tls tls = tls();
    Collector collector = keep(collector(Answer.OK, CollectorTls.SERVER, tls));
    Sender sender = sender(collector.endpoint(), ClientTls.TRUSTING, tls);

    assertThat(send(sender, MESSAGE)).isNotInstanceOf(Throwable.class);
    assertThat(collector.requests()).isEqualTo(1);
    sender.shutdown();
  }

  @Test
  void overTlsACollectorNobodyTrustsGetsNothing() throws Exception {
    Tls tls = tls();
    Collector collector = keep(collector(Answer.OK, CollectorTls.SERVER, tls));
    Sender sender = sender(collector.endpoint(), ClientTls.DEFAULTS, tls);

    Object outcome = send(sender, MESSAGE);

    assertThat(outcome).isInstanceOf(Throwable.class);
    assertThat(causes((Throwable) outcome)).as("%s", outcome).hasAtLeastOneElementOfType(SSLException.class);
    assertThat(collector.requests()).isZero();
    sender.shutdown();
  }

  @Test
  void mutualTlsPresentsTheClientCertificate() throws Exception {
    Tls tls = tls();
    Collector collector = keep(collector(Answer.OK, CollectorTls.MUTUAL, tls));
    Sender sender = sender(collector.endpoint(), ClientTls.WITH_CLIENT_CERTIFICATE, tls);

    assertThat(send(sender, MESSAGE)).isNotInstanceOf(Throwable.class);
    assertThat(collector.requests()).isEqualTo(1);
    sender.shutdown();
  }

  @Test
  void mutualTlsWithoutAClientCertificateGetsNothingThrough() throws Exception {
    Tls tls = tls();
    Collector collector = keep(collector(Answer.OK, CollectorTls.MUTUAL, tls));
    Sender sender = sender(collector.endpoint(), ClientTls.TRUSTING, tls);

    assertThat(send(sender, MESSAGE)).isInstanceOf(Throwable.class);
    assertThat(collector.requests()).isZero();
    sender.shutdown();
  }

  // --------------------------------------------------------------------------------------- helpers

  private static void assertUnknownFate(Object outcome) {
    assertThat(outcome).isInstanceOf(CancellationException.class);
    assertThat(kindOf(outcome)).isEqualTo(FailureClass.Kind.UNKNOWN);
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t; c != null && chain.size() < 10; c = c.getCause()) {
      chain.add(c);
    }
    return chain;
  }

  private static FailureClass.Kind kindOf(Object outcome) {
    assertThat(outcome).as("a failure").isInstanceOf(Throwable.class);
    return FailureClass.of((Throwable) outcome).kind();
  }

  private CompletableFuture<Object> start(Sender sender, byte[] message) {
    inFlight.open(Instant.now().plusSeconds(30));
    return sender.send(message);
  }

  private Object send(Sender sender, byte[] message) throws Exception {
    inFlight.open(Instant.now().plusSeconds(10));
    return sender.send(message).get(15, TimeUnit.SECONDS);
  }

  /** A sender, shut down after the test. */
  private Sender sender(URI endpoint, ClientTls clientTls, Tls tls) throws Exception {
    Sender sender = newSender(endpoint, clientTls, tls);
    resources.add(sender::shutdown);
    return sender;
  }

  private static synchronized Tls tls() throws Exception {
    if (sharedTls != null && sharedTls.collectorKey().startsWith(dir)) { // made for this class's directory
      return sharedTls;
    }
    KeyStore collector = TestCertificates.keyStore(dir, "dns:localhost");
    KeyStore client = TestCertificates.keyStore(dir, "dns:client");
    sharedTls = new Tls(collector,
        TestCertificates.certificatePem(collector, dir.resolve("collector.pem")),
        TestCertificates.privateKeyPem(collector, dir.resolve("collector-key.pem")),
        client,
        TestCertificates.certificatePem(client, dir.resolve("client.pem")),
        TestCertificates.privateKeyPem(client, dir.resolve("client-key.pem")));
    return sharedTls;
  }

  /** Closed after the test. */
  protected <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }
}
