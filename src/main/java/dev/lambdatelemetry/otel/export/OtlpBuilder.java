package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.config.OtelSettings.Compression;
import dev.lambdatelemetry.otel.config.OtelSettings.Target;
import io.opentelemetry.common.ComponentLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One of OTel's six OTLP exporter builders (HTTP and gRPC × traces, logs, metrics), described by the
 * setters this extension uses, and the one place where a {@link Target}'s settings are applied to
 * it: endpoint, timeout, compression, headers, TLS and mTLS, and our sender (through the {@link
 * ComponentLoader}, which also carries the proxy and the in-flight tracking).
 *
 * <p>Why a table of method references: the six builders share no type, and the settings must be
 * applied the same way to each. Method references keep it free of reflection (native image).
 *
 * @param <B> the builder type
 * @param <E> the exporter it builds
 */
record OtlpBuilder<B, E>(
    Supplier<B> create,
    BiConsumer<B, ComponentLoader> senders,
    BiConsumer<B, String> endpoint,
    BiConsumer<B, Duration> timeout,
    BiConsumer<B, String> compression,
    PairSetter<B, String, String> header,
    BiConsumer<B, byte[]> trustedCertificates,
    PairSetter<B, byte[], byte[]> clientKeyAndCertificate,
    Function<B, E> build) {

  /** A builder setter of two values ({@code addHeader}, {@code setClientTls}). */
  @FunctionalInterface
  interface PairSetter<B, X, Y> {
    void set(B builder, X first, Y second);
  }

  /** The exporter {@code target} describes, sending through what {@code senders} offers. */
  E build(Target target, ComponentLoader senders) {
    B b = create.get();
    this.senders.accept(b, senders);
    endpoint.accept(b, target.endpoint().toString());
    timeout.accept(b, target.timeout());
    compression.accept(b, target.compression() == Compression.GZIP ? "gzip" : "none");
    target.headers().forEach((name, value) -> header.set(b, name, value));
    target.certificate().ifPresent(p -> trustedCertificates.accept(b, read(p)));
    if (target.clientKey().isPresent() && target.clientCertificate().isPresent()) {
      clientKeyAndCertificate.set(b, read(target.clientKey().get()), read(target.clientCertificate().get()));
    }
    return build.apply(b);
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }
}
