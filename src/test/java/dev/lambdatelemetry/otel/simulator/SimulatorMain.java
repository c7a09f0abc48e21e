package dev.lambdatelemetry.otel.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a scenario against a launched extension from the command line.
 *
 * <pre>
 * SimulatorMain --extension-cmd "java -jar target/quarkus-app/quarkus-run.jar" [--mode default|managed-instances|local-202]
 *               [--invocations N] [--benchmark] [--log-heavy] [--protocol] [--report FILE] [--quiet]
 * SimulatorMain [options] -- java -jar target/quarkus-app/quarkus-run.jar
 * </pre>
 *
 * Exits 0 when the extension exited 0 and broke no rule, 1 otherwise (violations printed), 2 on bad usage.
 */
public final class SimulatorMain {

    private static final int DEFAULT_INVOCATIONS = 6;

    static {
        // JBoss Logging must own java.util.logging before any logger exists, or it prints a warning at start.
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
    }

    private SimulatorMain() {
    }

    /** Parsed command line. */
    record Arguments(List<String> command, SimulatorMode mode, int invocations, boolean benchmark, boolean logHeavy,
            boolean protocol, Path report, boolean quiet) {

        static Arguments parse(String[] args) {
            List<String> command = new ArrayList<>();
            SimulatorMode mode = SimulatorMode.DEFAULT;
            int invocations = DEFAULT_INVOCATIONS;
            boolean benchmark = false;
            boolean logHeavy = false;
            boolean protocol = false;
            Path report = null;
            boolean quiet = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--extension-cmd" -> command = Arrays.asList(value(args, ++i).trim().split("\\s+"));
                    case "--mode" -> mode = SimulatorMode.fromCli(value(args, ++i));
                    case "--invocations" -> invocations = Integer.parseInt(value(args, ++i));
                    case "--benchmark" -> benchmark = true;
                    case "--log-heavy" -> logHeavy = true;
                    case "--protocol" -> protocol = true;
                    case "--report" -> report = Path.of(value(args, ++i));
                    case "--quiet" -> quiet = true;
                    case "--" -> {
                        command = Arrays.asList(Arrays.copyOfRange(args, i + 1, args.length));
                        i = args.length;
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (command.isEmpty()) {
                throw new IllegalArgumentException("--extension-cmd \"<command line>\" (or -- <command>) is required");
            }
            return new Arguments(List.copyOf(command), mode, invocations, benchmark, logHeavy, protocol, report, quiet);
        }

        Scenario scenario() {
            if (mode == SimulatorMode.MANAGED_INSTANCES) {
                return Scenario.managedInstances(invocations);
            }
            if (benchmark) {
                return Scenario.benchmark(invocations);
            }
            return logHeavy ? Scenario.logHeavy(invocations) : Scenario.defaultScenario(invocations);
        }

        private static String value(String[] args, int index) {
            if (index >= args.length) {
                throw new IllegalArgumentException(args[index - 1] + " needs a value");
            }
            return args[index];
        }
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(arguments, System.out));
    }

    /** Runs the scenario and returns the process exit status; usable from a test or another main. */
    static int run(Arguments arguments, PrintStream out) throws IOException, InterruptedException {
        SimulationResult result;
        try (LambdaSimulator simulator = LambdaSimulator.start(SimulatorOptions.defaults(arguments.mode()));
                ExtensionProcess extension = ExtensionProcess.start(arguments.command(), simulator, Map.of(),
                        arguments.quiet() ? null : out)) {
            result = simulator.run(arguments.scenario(), extension);
            if (arguments.protocol()) {
                simulator.calls().forEach(call -> out.printf("%s %s %s -> %d%n", call.receivedAt(), call.method(),
                        call.path(), call.status()));
            }
        }
        if (arguments.report() != null) {
            Files.writeString(arguments.report(), result.toJson(), StandardCharsets.UTF_8);
        }
        out.printf("register %.1f ms, subscribe %.1f ms, ready %.1f ms, SHUTDOWN->exit %.1f ms, exit code %d%n",
                result.processToRegisterMs(), result.processToSubscribeMs(), result.processToReadyMs(),
                result.shutdownToExitMs(), result.exitCode());
        result.warnings().forEach(warning -> out.println("WARNING: " + warning));
        result.violations().forEach(violation -> out.println("VIOLATION: " + violation));
        return result.passed() ? 0 : 1;
    }
}
