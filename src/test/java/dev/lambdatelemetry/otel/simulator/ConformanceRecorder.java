package dev.lambdatelemetry.otel.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * Everything the extension sent, and every way it broke the platform's rules. Thread-safe: HTTP handler
 * threads, delivery threads and the scenario runner all write here.
 */
final class ConformanceRecorder {

    private static final Logger LOG = Logger.getLogger(ConformanceRecorder.class);

    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    /** Records {@code call} and returns its index, so its status can be filled in when answered. */
    synchronized int record(RecordedCall call) {
        calls.add(call);
        return calls.size() - 1;
    }

    synchronized void answered(int index, int status) {
        calls.set(index, calls.get(index).withStatus(status));
    }

    void violation(String message) {
        LOG.debugf("violation: %s", message);
        violations.add(message);
    }

    void warning(String message) {
        if (!warnings.contains(message)) {
            warnings.add(message);
        }
    }

    List<RecordedCall> calls() {
        return List.copyOf(new ArrayList<>(calls));
    }

    List<String> violations() {
        return List.copyOf(new ArrayList<>(violations));
    }

    List<String> warnings() {
        return List.copyOf(new ArrayList<>(warnings));
    }
}
