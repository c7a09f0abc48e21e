package dev.lambdatelemetry.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.exporter.internal.FailedExportException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each failure means for the items: the line between "not written" and "answer lost". */
class FailureClassTest {

  @Test
  void ioErrorBeforeTheCompleteWrite_isRetryable() {
    assertThat(FailureClass.of(new SocketException("Broken pipe")).kind())
        .isEqualTo(FailureClass.Kind.RETRYABLE);
    assertThat(FailureClass.of(new ConnectException("Connection refused")).kind())
        .isEqualTo(FailureClass.Kind.RETRYABLE);
  }

  @Test
  void answerLostAfterTheCompleteWrite_isNotRetryableButAnswerLost() {
    FailureClass reset = FailureClass.of(
        new FailureClass.AnswerLostException(new SocketException("Connection reset")));
    FailureClass cutShort = FailureClass.of(
        new FailureClass.AnswerLostException(new EOFException("connection closed mid-answer")));

    assertThat(reset.kind()).isEqualTo(FailureClass.Kind.ANSWER_LOST);
    assertThat(cutShort.kind()).isEqualTo(FailureClass.Kind.ANSWER_LOST);
    assertThat(reset.detail()).contains("Connection reset");
  }

  @Test
  void answerLostWrappedByTheExporter_isFoundInTheCauseChain() {
    IOException lost = new FailureClass.AnswerLostException(new SocketException("Connection reset"));

    assertThat(FailureClass.of(FailedExportException.httpFailedExceptionally(lost)).kind())
        .isEqualTo(FailureClass.Kind.ANSWER_LOST);
  }

  @Test
  void timeoutWaitingForTheAnswer_isUnknown() {
    assertThat(FailureClass.of(new SocketTimeoutException("Read timed out")).kind())
        .isEqualTo(FailureClass.Kind.UNKNOWN);
  }

  @Test
  void retryAfter_isKeptFromA429() {
    FailureClass c = FailureClass.ofHttp(429, Optional.of("1"));

    assertThat(c.kind()).isEqualTo(FailureClass.Kind.RETRYABLE);
    assertThat(c.retryAfter()).contains(Duration.ofSeconds(1));
  }
}
