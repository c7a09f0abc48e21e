package dev.lambdatelemetry.otel.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small forward proxy on loopback for the sender tests: {@code CONNECT host:port} is answered 200 and
 * piped both ways; a request in absolute form ({@code POST http://host:port/path}) is passed on in
 * origin form and the connection then piped. Names are resolved through {@code hosts} only (anything
 * else is the name itself), so the tests can use a target name that does not resolve on the client,
 * as in a VPC whose only way out is the proxy. It can refuse every CONNECT with a status, or demand
 * credentials (407 without them). Records every request head it saw.
 */
final class TestProxy implements AutoCloseable {

  /** One request head as the proxy saw it. */
  record Seen(String requestLine, Map<String, String> headers) {}

  final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger connections = new AtomicInteger();
  private final ServerSocket server;
  private final Map<String, String> hosts;
  private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
  private volatile int refuseWith;
  private volatile String requiredAuthorization;

  TestProxy(Map<String, String> hosts) throws IOException {
    this.hosts = hosts;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "test-proxy");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Answers every request with {@code status} (0: serve). */
  void refuseWith(int status) {
    this.refuseWith = status;
  }

  /** Answers 407 unless {@code Proxy-Authorization} is this value. */
  void requireAuthorization(String value) {
    this.requiredAuthorization = value;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "test-proxy-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      List<String> lines = new ArrayList<>();
      for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
        lines.add(l);
      }
      if (lines.isEmpty()) {
        client.close();
        return;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (String l : lines.subList(1, lines.size())) {
        int colon = l.indexOf(':');
        headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
      }
      String requestLine = lines.get(0);
      seen.add(new Seen(requestLine, headers));
      String[] parts = requestLine.split(" ");
      int refuse = refuseWith;
      String auth = requiredAuthorization;
      if (refuse == 0 && auth != null && !auth.equals(headers.get("proxy-authorization"))) {
        refuse = 407;
      }
      if (refuse != 0) {
        out.write(("HTTP/1.1 " + refuse + " Refused\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        client.close();
        return;
      }
      Socket origin;
      if (parts[0].equals("CONNECT")) {
        origin = open(parts[1]);
        out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } else {
        URI target = URI.create(parts[1]);
        origin = open(target.getHost() + ":" + (target.getPort() > 0 ? target.getPort() : 80));
        StringBuilder head = new StringBuilder()
            .append(parts[0]).append(' ').append(target.getRawPath())
            .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery())
            .append(' ').append(parts[2]).append("\r\n");
        for (String l : lines.subList(1, lines.size())) {
          if (!l.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:")) {
            head.append(l).append("\r\n");
          }
        }
        origin.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      }
      sockets.add(origin);
      Thread back = new Thread(() -> pipe(origin, client), "test-proxy-back");
      back.setDaemon(true);
      back.start();
      pipe(client, origin);
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  private Socket open(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    return new Socket(hosts.getOrDefault(host, host), port);
  }

  private static void pipe(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) != -1) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    synchronized (sockets) {
      sockets.forEach(TestProxy::closeQuietly);
    }
  }
}
