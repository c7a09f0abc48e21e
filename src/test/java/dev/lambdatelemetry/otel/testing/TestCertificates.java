package dev.lambdatelemetry.otel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates for TLS tests, made at test time with the running JDK's keytool (no
 * certificate is committed, none expires under a later build).
 */
public final class TestCertificates {

  public static final char[] PASSWORD = "changeit".toCharArray();
  private static final String ALIAS = "collector";

  private TestCertificates() {}

  /** A PKCS#12 key store in {@code dir} with one EC key pair whose certificate carries {@code san}. */
  public static KeyStore keyStore(Path dir, String san) throws IOException, GeneralSecurityException {
    Path store = dir.resolve("collector-" + System.nanoTime() + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS,
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=collector", "-ext", "SAN=" + san,
        "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for keytool", e);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    return keys;
  }

  /** The certificate as a PEM file. */
  public static Path certificatePem(KeyStore keys, Path file) throws IOException, GeneralSecurityException {
    return pem(file, "CERTIFICATE", keys.getCertificate(ALIAS).getEncoded());
  }

  /** The private key as a PKCS#8 PEM file. */
  public static Path privateKeyPem(KeyStore keys, Path file) throws IOException, GeneralSecurityException {
    Key key = keys.getKey(ALIAS, PASSWORD);
    return pem(file, "PRIVATE KEY", key.getEncoded());
  }

  private static Path pem(Path file, String type, byte[] der) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n",
        StandardCharsets.US_ASCII);
    return file;
  }
}
