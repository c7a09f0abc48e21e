package dev.lambdatelemetry.otel.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A collector without sockets: each request gets the next scripted answer (the last one repeats),
 * and the time of every request is recorded on the test clock.
 */
final class ScriptedAnswers implements Supplier<CompletableResultCode> {

  /** One answer: what the sender's result says, and how long the request takes on the clock. */
  record Answer(Throwable failure, boolean hangs, Duration takes) {
    static Answer ok() {
      return new Answer(null, false, Duration.ZERO);
    }

    static Answer status(int status, String retryAfter) {
      return fail(new SocketHttpSender.StatusException(status, Optional.ofNullable(retryAfter)));
    }

    static Answer refused() {
      return fail(new ConnectException("Connection refused"));
    }

    static Answer answerLost() {
      return fail(new FailureClass.AnswerLostException(new SocketException("Connection reset")));
    }

    static Answer noTimeToStart() {
      return fail(new SocketHttpSender.DeadlineExceededException("no time left"));
    }

    /** Still running when the flush's deadline comes: the request takes {@code takes}, unanswered. */
    static Answer hangsFor(Duration takes) {
      return new Answer(null, true, takes);
    }

    static Answer fail(Throwable t) {
      return new Answer(t, false, Duration.ZERO);
    }
  }

  private final ManualClock clock;
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Instant> requests = new CopyOnWriteArrayList<>();

  ScriptedAnswers(ManualClock clock, Answer... answers) {
    this.clock = clock;
    script.addAll(List.of(answers));
  }

  @Override
  public synchronized CompletableResultCode get() {
    requests.add(clock.instant());
    Answer a = script.size() > 1 ? script.removeFirst() : script.getFirst();
    clock.advance(a.takes());
    CompletableResultCode code = new CompletableResultCode();
    if (a.hangs()) {
      return code;
    }
    return a.failure() == null ? code.succeed() : code.failExceptionally(a.failure());
  }

  /** When each request was made, on the test clock. */
  List<Instant> requests() {
    return requests;
  }
}
