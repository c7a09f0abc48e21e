package dev.lambdatelemetry.otel.otlp;

import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Run in a child JVM with the launcher's heap ({@code -Xmx24m}) by {@link OtlpMemoryTest}: the endpoint
 * with its default limits takes a 50 MB body (announced, then chunked) and a gzip bomb, answers 413 to
 * each, and still answers a normal request. The client streams from one small buffer, so an
 * OutOfMemoryError here can only come from the endpoint buffering past its limit.
 */
public final class OtlpMemoryProbe {

  static final int FIFTY_MB = 50 * 1000 * 1000;

  private OtlpMemoryProbe() {}

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    ReceivedQueue queue = new ReceivedQueue(OtlpSettings.DEFAULT_QUEUE_MAX_BYTES);
    try (OtlpEndpoint endpoint = OtlpEndpoint.start(OtlpSettings.defaults().withPorts(0, 0), queue, vertx,
        Clock.systemUTC())) {
      int port = endpoint.httpPort().orElseThrow();
      expect("announced 50 MB", "413", send(port, "Content-Length: " + FIFTY_MB, FIFTY_MB, false));
      expect("chunked 50 MB", "413", send(port, "Transfer-Encoding: chunked", FIFTY_MB, true));
      byte[] bomb = bomb(256);
      expect("gzip bomb of 256 MiB in " + bomb.length + " bytes", "413", sendBytes(port, bomb, true));
      expect("a normal request after them", "200", sendBytes(port, Samples.traces().toByteArray(), false));
      System.out.println("too large: " + endpoint.counters().get(Signal.TRACES,
          ReceiverCounters.Outcome.REJECTED_TOO_LARGE).requests() + ", heap used "
          + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024 + " KiB of "
          + Runtime.getRuntime().maxMemory() / 1024 + " KiB");
      System.out.println("MEMORY PROBE OK");
    } finally {
      vertx.close();
    }
    System.exit(0);
  }

  private static void expect(String what, String status, String line) {
    if (!line.startsWith("HTTP/1.1 " + status)) {
      System.out.println(what + ": expected " + status + ", got " + line);
      System.exit(1);
    }
    System.out.println(what + ": " + line);
  }

  private static String send(int port, String framing, int size, boolean chunked) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n" + framing
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      for (int sent = 0; sent < size; sent += chunk.length) {
        int n = Math.min(chunk.length, size - sent);
        if (chunked) {
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.write(chunk, 0, n);
        if (chunked) {
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
      }
      if (chunked) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      return OtlpEndpointTest.readStatusLine(s.getInputStream());
    }
  }

  private static String sendBytes(int port, byte[] body, boolean gzip) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
          + (gzip ? "Content-Encoding: gzip\r\n" : "") + "Content-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      return OtlpEndpointTest.readStatusLine(in);
    }
  }

  private static byte[] bomb(int mebibytes) throws Exception {
    java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(compressed, 64 * 1024) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      byte[] zeros = new byte[64 * 1024];
      for (int i = 0; i < mebibytes * 16; i++) {
        gz.write(zeros);
      }
    }
    return compressed.toByteArray();
  }
}
