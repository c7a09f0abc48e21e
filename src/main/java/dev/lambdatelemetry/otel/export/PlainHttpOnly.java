package dev.lambdatelemetry.otel.export;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context handed to the JDK {@link java.net.http.HttpClient} when the endpoint is plain
 * {@code http://}. Without one, building the client calls {@code SSLContext.getDefault()}, which
 * loads the JSSE provider and reads the JDK's CA store: about 450 classes and tens of milliseconds
 * of CPU during init, every one of them preloaded from the AOT cache and resident for the life of
 * the environment, for a connection that never speaks TLS. Any attempt to use it for TLS fails
 * loudly instead of silently connecting without verification.
 */
final class PlainHttpOnly {

  private PlainHttpOnly() {}

  static SSLContext context() {
    return new SSLContext(new Spi(), null, "none") {};
  }

  private static final class Spi extends SSLContextSpi {

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws KeyManagementException {
      throw new KeyManagementException("TLS is not configured for a plain http:// endpoint");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      throw refused();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return new SSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return new SSLParameters();
    }

    private static IllegalStateException refused() {
      return new IllegalStateException("TLS is not configured for a plain http:// endpoint");
    }
  }
}
