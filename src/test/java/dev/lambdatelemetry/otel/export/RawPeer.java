package dev.lambdatelemetry.otel.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A collector that misbehaves at the transport level, on a loopback socket: it never answers. What it
 * does with a connection is its {@link Mode}; it counts the connections it accepted and those still open
 * (closed by the client, seen as the end of the stream or a reset).
 */
final class RawPeer implements AutoCloseable {

  /** An empty SETTINGS frame, then an ACK of the client's: the server side of the HTTP/2 preface. */
  private static final byte[] HTTP2_SERVER_PREFACE = {
    0, 0, 0, 4, 0, 0, 0, 0, 0,
    0, 0, 0, 4, 1, 0, 0, 0, 0
  };
  /** {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}: what an HTTP/2 client sends first. */
  private static final int HTTP2_CLIENT_PREFACE_BYTES = 24;

  /** What the peer does with each connection. */
  enum Mode {
    /** Reads and discards everything, never writes a byte: a request is taken whole, never answered. */
    SILENT,
    /** Never reads: a large request's write blocks once the socket buffers are full. */
    NOT_READING,
    /** Completes the HTTP/2 preface, then reads and discards, never answering a stream. */
    HTTP2_SILENT,
    /** Completes the HTTP/2 preface, then never reads: the client's stream stalls on flow control. */
    HTTP2_NOT_READING,
    /**
     * Never accepts, its accept queue filled at the start: a new connect gets no answer (the kernel
     * drops its SYN), and blocks.
     */
    UNACCEPTING
  }

  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger open = new AtomicInteger();
  private final Mode mode;
  private final ServerSocket server;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final List<Socket> fillers = new ArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  RawPeer(Mode mode) throws IOException {
    this.mode = mode;
    this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    if (mode == Mode.UNACCEPTING) {
      return;
    }
    Thread acceptor = new Thread(this::accept, "raw-peer-" + mode);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Fills the accept queue of an {@link Mode#UNACCEPTING} peer until a connect gets no answer; false
   * when the system answers every connect (then a blocked connect cannot be made here).
   */
  boolean fillAcceptQueue() {
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      fillers.add(s);
      try {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 200);
      } catch (SocketTimeoutException e) {
        return true; // this connect got no answer: the queue is full
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      open.incrementAndGet();
      sockets.add(s);
      Thread t = new Thread(() -> serve(s), "raw-peer-connection");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s; InputStream in = s.getInputStream()) {
      if (mode == Mode.HTTP2_SILENT || mode == Mode.HTTP2_NOT_READING) {
        in.readNBytes(HTTP2_CLIENT_PREFACE_BYTES);
        OutputStream out = s.getOutputStream();
        out.write(HTTP2_SERVER_PREFACE);
        out.flush();
      }
      if (mode == Mode.NOT_READING || mode == Mode.HTTP2_NOT_READING) {
        // Not reading, but still told when the client closes: a close while our receive buffer is
        // full resets the connection, which the next read reports once we look again at close().
        closed.await();
        return;
      }
      byte[] sink = new byte[16 * 1024];
      while (in.read(sink) != -1) {
        // read and forget: never an answer
      }
    } catch (IOException | InterruptedException e) {
      // reset by the client: closed as well
    } finally {
      sockets.remove(s);
      open.decrementAndGet();
    }
  }

  /**
   * Whether the client closed every connection it opened: for a peer that does not read, tried with a
   * short read of each (its end of stream, or a reset, means closed).
   */
  boolean clientClosedEverything() {
    if (mode == Mode.NOT_READING || mode == Mode.HTTP2_NOT_READING) {
      for (Socket s : sockets) {
        if (!closedByClient(s)) {
          return false;
        }
      }
      return true;
    }
    return open.get() == 0;
  }

  private static boolean closedByClient(Socket s) {
    try {
      s.setSoTimeout(1);
      InputStream in = s.getInputStream();
      byte[] sink = new byte[64 * 1024];
      while (true) { // what the client wrote before closing comes first
        if (in.read(sink) == -1) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    for (Socket s : fillers) {
      s.close();
    }
  }
}
