package dev.lambdatelemetry.otel.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The simulator's parts depend on each other in one direction only (the rules of its {@code package-info}):
 * read from the sources, every reference to another part must be to one the part may use.
 */
class SimulatorLayeringTest {

  private static final Path SOURCES = Path.of("src/test/java/dev/lambdatelemetry/otel/simulator");
  private static final String ENTRY_POINT = "(entry point)";
  /** A qualified reference to a class of the simulator: an import, a static import or a name in the code. */
  private static final Pattern REFERENCE =
      Pattern.compile("dev\\.lambdatelemetry\\.otel\\.simulator\\.(?:([a-z]+)\\.)?(\\*|[A-Z])");

  static Stream<Arguments> parts() {
    return Stream.of(
        Arguments.of("platform", Set.of()),
        Arguments.of("scenario", Set.of("platform")),
        Arguments.of("measure", Set.of("platform", "scenario")),
        Arguments.of(ENTRY_POINT, Set.of("platform", "scenario", "measure")),
        Arguments.of("function", Set.of(ENTRY_POINT)),
        Arguments.of("process", Set.of(ENTRY_POINT, "platform", "scenario", "measure", "function")));
  }

  @ParameterizedTest(name = "{0} uses only {1}")
  @MethodSource("parts")
  void part_referencesOnlyThePartsItMayUse(String part, Set<String> allowed) throws IOException {
    Path directory = part.equals(ENTRY_POINT) ? SOURCES : SOURCES.resolve(part);
    List<Path> sources;
    try (Stream<Path> files = Files.list(directory)) {
      sources = files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
    }
    assertThat(sources).as("sources of %s", part).isNotEmpty();
    List<String> forbidden = new ArrayList<>();
    for (Path source : sources) {
      Matcher reference = REFERENCE.matcher(Files.readString(source));
      while (reference.find()) {
        String target = reference.group(1) == null ? ENTRY_POINT : reference.group(1);
        if (reference.group(2).equals("*") || (!target.equals(part) && !allowed.contains(target))) {
          forbidden.add(source.getFileName() + " -> " + reference.group());
        }
      }
    }
    assertThat(forbidden).as("references from %s to parts it may not use (or wildcard imports)", part).isEmpty();
  }
}
