package dev.lambdatelemetry.otel.lifecycle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback Runtime API that answers each connection with the next scripted answer (500 when none
 * is left) and records the request: its first line, its headers lower-cased, its body.
 */
final class ScriptedApi implements AutoCloseable {
  final List<String> requests = new CopyOnWriteArrayList<>();
  private final Queue<String> answers = new ArrayDeque<>();
  private final ServerSocket socket;

  private ScriptedApi(ServerSocket socket) {
    this.socket = socket;
  }

  static ScriptedApi start() {
    try {
      ScriptedApi api = new ScriptedApi(new ServerSocket(0, 8, InetAddress.getLoopbackAddress()));
      Thread t = new Thread(api::serve, "scripted-extensions-api");
      t.setDaemon(true);
      t.start();
      return api;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  String hostPort() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  synchronized void answer(int status, String headers, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    answers.add("HTTP/1.1 " + status + " X\r\n" + headers + "Content-Length: " + b.length
        + "\r\n\r\n" + body);
  }

  private synchronized String nextAnswer() {
    String a = answers.poll();
    return a != null ? a : "HTTP/1.1 500 X\r\nContent-Length: 0\r\n\r\n";
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        requests.add(readRequest(s.getInputStream()));
        s.getOutputStream().write(nextAnswer().getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** The request head, lower-cased, then its body. */
  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String h = head.toString(StandardCharsets.UTF_8);
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    String firstLine = h.substring(0, h.indexOf("\r\n"));
    return firstLine + "\r\n" + h.substring(h.indexOf("\r\n") + 2).toLowerCase(Locale.ROOT)
        + new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
