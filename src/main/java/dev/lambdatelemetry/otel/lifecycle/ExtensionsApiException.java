package dev.lambdatelemetry.otel.lifecycle;

/** The Extensions API answered with an error, or could not be reached. */
public final class ExtensionsApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String errorType;

  ExtensionsApiException(String message, int status, String errorType, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorType = errorType;
  }

  /** HTTP status, or -1 when the API could not be reached. */
  public int status() {
    return status;
  }

  /** The {@code errorType} of the answer body, or null. */
  public String errorType() {
    return errorType;
  }
}
