package dev.lambdatelemetry.otel.simulator.function;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Senders for the OTel Java SDK's own OTLP exporters that the test class path can run: the JDK HTTP client for
 * OTLP/HTTP (the OkHttp sender is excluded from the build), grpc-java on Netty for OTLP/gRPC. The exporters
 * encode, compress and read the answers themselves; these only move bytes.
 */
public final class JavaSdkSenders {

  private JavaSdkSenders() {}

  /** A loader that gives the exporters our HTTP sender. */
  public static ComponentLoader http() {
    HttpSenderProvider provider = JdkHttpSender::new;
    return loaderOf(HttpSenderProvider.class, provider);
  }

  /** A loader that gives the exporters our gRPC sender. */
  public static ComponentLoader grpc() {
    GrpcSenderProvider provider = GrpcJavaSender::new;
    return loaderOf(GrpcSenderProvider.class, provider);
  }

  private static <P> ComponentLoader loaderOf(Class<P> providerType, P provider) {
    return new ComponentLoader() {
      @Override
      public <T> Iterable<T> load(Class<T> type) {
        return type == providerType ? List.of(type.cast(provider)) : List.of();
      }
    };
  }

  private static byte[] encode(MessageWriter writer, Compressor compressor) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(writer.getContentLength());
    try {
      if (compressor == null) {
        writer.writeMessage(bytes);
      } else {
        try (OutputStream out = compressor.compress(bytes)) {
          writer.writeMessage(out);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** OTLP/HTTP over the JDK client, HTTP/1.1. */
  private static final class JdkHttpSender implements HttpSender {
    private final HttpSenderConfig config;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    JdkHttpSender(HttpSenderConfig config) {
      this.config = config;
    }

    @Override
    public void send(MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
      Compressor compressor = config.getCompressor();
      HttpRequest.Builder request = HttpRequest.newBuilder(config.getEndpoint())
          .timeout(config.getTimeout())
          .header("Content-Type", config.getContentType())
          .POST(HttpRequest.BodyPublishers.ofByteArray(encode(writer, compressor)));
      if (compressor != null) {
        request.header("Content-Encoding", compressor.getEncoding());
      }
      try {
        java.net.http.HttpResponse<byte[]> response =
            client.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        onResponse.accept(new HttpResponse() {
          @Override
          public int getStatusCode() {
            return response.statusCode();
          }

          @Override
          public String getStatusMessage() {
            return Integer.toString(response.statusCode());
          }

          @Override
          public byte[] getResponseBody() {
            return response.body();
          }
        });
      } catch (IOException e) {
        onError.accept(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        onError.accept(e);
      }
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** OTLP/gRPC over grpc-java (Netty, plaintext HTTP/2 with prior knowledge). */
  public static final class GrpcJavaSender implements GrpcSender {
    private final GrpcSenderConfig config;
    private final ManagedChannel channel;
    private final MethodDescriptor<MessageWriter, byte[]> method;

    public GrpcJavaSender(GrpcSenderConfig config) {
      this.config = config;
      this.channel = NettyChannelBuilder
          .forAddress(config.getEndpoint().getHost(), config.getEndpoint().getPort())
          .usePlaintext().build();
      this.method = MethodDescriptor.<MessageWriter, byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(config.getFullMethodName())
          .setRequestMarshaller(new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(MessageWriter value) {
              return new ByteArrayInputStream(encode(value, null));
            }

            @Override
            public MessageWriter parse(InputStream stream) {
              throw new UnsupportedOperationException();
            }
          })
          .setResponseMarshaller(new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
              return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
              try {
                return stream.readAllBytes();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          })
          .build();
    }

    @Override
    public void send(MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
      CallOptions options = CallOptions.DEFAULT
          .withDeadlineAfter(config.getTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (config.getCompressor() != null) {
        options = options.withCompression(config.getCompressor().getEncoding());
      }
      try {
        byte[] answer = ClientCalls.blockingUnaryCall(channel, method, options, writer);
        onResponse.accept(response(GrpcStatusCode.OK, null, answer));
      } catch (StatusRuntimeException e) {
        onResponse.accept(response(GrpcStatusCode.fromValue(e.getStatus().getCode().value()),
            e.getStatus().getDescription(), new byte[0]));
      }
    }

    private static GrpcResponse response(GrpcStatusCode code, String description, byte[] message) {
      return new GrpcResponse() {
        @Override
        public GrpcStatusCode getStatusCode() {
          return code;
        }

        @Override
        public String getStatusDescription() {
          return description;
        }

        @Override
        public byte[] getResponseMessage() {
          return message;
        }
      };
    }

    @Override
    public CompletableResultCode shutdown() {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CompletableResultCode.ofSuccess();
    }
  }
}
