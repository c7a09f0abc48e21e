package dev.lambdatelemetry.otel.export;

import dev.lambdatelemetry.otel.export.FailureClass.GrpcStatusException;
import dev.lambdatelemetry.otel.otlp.ExportRequestWriter;
import dev.lambdatelemetry.otel.otlp.ReceivedBatch;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.HttpSender;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * Sends one request of the function's batches (all of one signal) to where the platform's data of
 * that signal goes. The OTLP ones write {@link ExportRequestWriter#of} through the sender of the
 * signal's own OTLP exporter: the function's bytes go out as they came, never decoded and encoded
 * again, and share the exporter's endpoint, headers, compression, timeout, TLS, proxy, connections
 * and in-flight tracking. Failures are reported as the senders report them, so that {@link
 * FailureClass} reads them as it reads the platform's.
 */
@FunctionalInterface
interface FunctionSender {

  /** Starts the request; its result completes when the collector has answered or it failed. */
  CompletableResultCode send(List<ReceivedBatch> batches);

  /** Through an OTLP/HTTP exporter's sender. */
  static FunctionSender overHttp(HttpSender sender) {
    return batches -> {
      CompletableResultCode code = new CompletableResultCode();
      sender.send(ExportRequestWriter.of(batches),
          response -> {
            int status = response.getStatusCode();
            if (status >= 200 && status < 300) {
              code.succeed();
            } else {
              code.failExceptionally(new SocketHttpSender.StatusException(status, Optional.empty()));
            }
          },
          code::failExceptionally);
      return code;
    };
  }

  /** Through an OTLP/gRPC exporter's sender. */
  static FunctionSender overGrpc(GrpcSender sender) {
    return batches -> {
      CompletableResultCode code = new CompletableResultCode();
      sender.send(ExportRequestWriter.of(batches),
          response -> {
            if (response.getStatusCode() == GrpcStatusCode.OK) {
              code.succeed();
            } else {
              code.failExceptionally(
                  new GrpcStatusException(response.getStatusCode(), response.getStatusDescription()));
            }
          },
          code::failExceptionally);
      return code;
    };
  }

  /**
   * {@code console}: one short line per batch (signal, items, resources), not the data itself,
   * which is the function's own and already printed by it if it wants to.
   */
  static FunctionSender console(String signal, String itemName, PrintStream out) {
    return batches -> {
      for (ReceivedBatch b : batches) {
        out.println("function " + signal + ": " + b.items() + " " + itemName + " in "
            + b.resources().size() + (b.resources().size() == 1 ? " resource" : " resources"));
      }
      return CompletableResultCode.ofSuccess();
    };
  }

  /** Several ({@code otlp,console}): one request to each; fails when one fails. */
  static FunctionSender all(List<FunctionSender> senders) {
    List<FunctionSender> copy = List.copyOf(senders);
    return copy.size() == 1
        ? copy.get(0)
        : batches -> CompletableResultCode.ofAll(copy.stream().map(s -> s.send(batches)).toList());
  }
}
