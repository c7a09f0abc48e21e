package dev.lambdatelemetry.otel.telemetry.model;

/** Which stream a log line came from. */
public enum LogSource {
  FUNCTION("function"),
  EXTENSION("extension");

  private final String wireName;

  LogSource(String wireName) {
    this.wireName = wireName;
  }

  /** The Telemetry API type name, {@code function} or {@code extension}. */
  public String wireName() {
    return wireName;
  }
}
