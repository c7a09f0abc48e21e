package dev.lambdatelemetry.otel.lifecycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the listener binds: the address {@code sandbox.localdomain} has in {@code /etc/hosts} (that
 * is where Lambda delivers), else loopback. Never all interfaces. Read from the hosts file rather
 * than resolved, because a DNS look-up of an unknown name can stall start-up off Lambda.
 */
final class ListenerAddress {

  static final String LOOPBACK = "127.0.0.1";

  private ListenerAddress() {}

  static String resolve(Path hostsFile) {
    try {
      return fromHosts(Files.readAllLines(hostsFile, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return LOOPBACK;
    }
  }

  static String fromHosts(List<String> lines) {
    for (String line : lines) {
      int hash = line.indexOf('#');
      String l = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (l.isEmpty()) {
        continue;
      }
      String[] parts = l.split("\\s+");
      for (int i = 1; i < parts.length; i++) {
        if (parts[i].equalsIgnoreCase(LambdaApi.SANDBOX_HOST) && !parts[0].contains(":")) {
          return parts[0];
        }
      }
    }
    return LOOPBACK;
  }
}
