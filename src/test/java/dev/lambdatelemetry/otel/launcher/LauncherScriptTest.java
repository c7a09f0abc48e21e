package dev.lambdatelemetry.otel.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/extensions/lambda-telemetry-otel}, the layer's launcher, in a layer tree whose
 * {@code java} only records the arguments and environment it was started with.
 */
class LauncherScriptTest {

  @TempDir Path root;
  Path tmp;
  Path launcher;
  Path recorded;

  @BeforeEach
  void layer() throws IOException {
    Path ext = Files.createDirectories(root.resolve("opt/extensions"));
    Path home = Files.createDirectories(root.resolve("opt/lambda-telemetry-otel"));
    Files.createDirectories(home.resolve("app"));
    Path bin = Files.createDirectories(home.resolve("jre/bin"));
    launcher = ext.resolve("lambda-telemetry-otel");
    Files.copy(Path.of("deploy/extensions/lambda-telemetry-otel"), launcher,
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(Path.of("deploy/layer/register.bash"), home.resolve("register.bash"));
    recorded = root.resolve("java-was-started-with");
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\n{ printf 'arg %s\\n' \"$@\"; env | sed 's/^/env /'; } > '"
        + recorded + "'\n");
    for (Path p : List.of(launcher, java)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    tmp = Files.createDirectories(root.resolve("tmp"));
  }

  private int run(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sh", launcher.toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("LAMBDA_TELEMETRY_")
        || k.startsWith("AWS_LAMBDA_") || k.equals("TMPDIR"));
    pb.environment().put("TMPDIR", tmp.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  private List<String> recorded() throws IOException {
    return Files.readAllLines(recorded);
  }

  @Test
  void userPropertiesFile_isNeitherCopiedNorPassed_theJvmReadsItInPlace() throws Exception {
    Path user = root.resolve("var/task/lambda-telemetry-otel.properties");
    Files.createDirectories(user.getParent());
    Files.writeString(user, "otel.exporter.otlp.headers=api-key=s3cret\n");

    assertThat(run(Map.of("LAMBDA_TELEMETRY_CONFIG", user.toString()))).isZero();

    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).as("files the launcher left in TMPDIR").isEmpty();
    }
    assertThat(recorded()).filteredOn(l -> l.startsWith("arg "))
        .noneMatch(l -> l.contains("config.locations") || l.contains("s3cret"))
        .contains("arg -jar");
    assertThat(recorded()).contains("env LAMBDA_TELEMETRY_CONFIG=" + user);
  }

  @Test
  void registerAnswerWithoutReasonPhrase_isAdopted() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> answerOnce(server,
          "HTTP/1.1 200\r\nLambda-Extension-Identifier: id-7\r\nContent-Length: 2\r\n\r\n{}"));
      Map<String, String> env = new HashMap<>();
      env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + server.getLocalPort());

      assertThat(run(env)).isZero();

      answered.get(20, TimeUnit.SECONDS);
      assertThat(recorded()).contains("env LAMBDA_TELEMETRY_REGISTERED_ID=id-7",
          "env LAMBDA_TELEMETRY_REGISTERED_EVENTS=INVOKE,SHUTDOWN");
    }
  }

  private static void answerOnce(ServerSocket server, String answer) {
    try (Socket s = server.accept()) {
      s.setSoTimeout(20_000);
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        head.write(b);
      }
      String headers = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
      int i = headers.indexOf("content-length:");
      int length = Integer.parseInt(headers.substring(i + 15, headers.indexOf('\r', i)).trim());
      in.readNBytes(length);
      s.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
