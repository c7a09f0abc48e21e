package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Bounded memory with the launcher's heap: {@link FunctionIntakeMemoryProbe} in a child JVM at -Xmx24m. */
class FunctionIntakeMemoryTest {

  @Test
  void theWindowAndTheIndexStayWithinTheirBoundsAfterAHundredThousandSpans() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss256k",
        "-Xms4m", "-Xmx24m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
        FunctionIntakeMemoryProbe.class.getName()))
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("index entries " + FunctionSpanIndex.DEFAULT_MAX_ENTRIES)
        .contains("the last request sent again: not forwarded");
    Matcher m = Pattern.compile("INTAKE PROBE OK (-?\\d+)").matcher(output);
    assertThat(m.find()).as(output).isTrue();
    assertThat(Long.parseLong(m.group(1))).as("bytes kept by the window and the index: " + output)
        .isLessThan(1024 * 1024);
  }
}
