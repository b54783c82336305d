package io.yibao.gateway.http;

import java.util.Map;

/**
 * A failure a handler wants the client to see as a problem body. Carries no stack trace: it is control flow, not
 * a bug. {@code detail} must never hold personal data; {@code field} names the failing input where there is one.
 */
public class ProblemException extends RuntimeException {

  private final ProblemCode code;
  private final String field;
  private final Map<String, String> headers;
  private final io.vertx.core.json.JsonObject extensions;

  public ProblemException(ProblemCode code, String detail) {
    this(code, detail, null, Map.of());
  }

  public ProblemException(ProblemCode code, String detail, String field, Map<String, String> headers) {
    this(code, detail, field, headers, null);
  }

  /**
   * With members of the problem body beyond the standard ones (RFC 9457 extensions), e.g. the id of the record a
   * conflict is with; documented per code in the contract. Never personal data.
   */
  public ProblemException(ProblemCode code, String detail, String field, Map<String, String> headers,
                          io.vertx.core.json.JsonObject extensions) {
    super(detail, null, false, false);
    this.code = code;
    this.field = field;
    this.headers = headers;
    this.extensions = extensions;
  }

  public static ProblemException invalidField(String field, String detail) {
    return new ProblemException(ProblemCode.VALIDATION_FAILED, detail, field, Map.of());
  }

  public static ProblemException retryLater(ProblemCode code, String detail, long retryAfterSeconds) {
    return new ProblemException(code, detail, null, Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
  }

  public ProblemCode code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }

  public String field() {
    return field;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The problem body's extension members, or null. */
  public io.vertx.core.json.JsonObject extensions() {
    return extensions;
  }

  /** The code, so that a problem reaching a log or the console (a failed start) says which. */
  @Override
  public String toString() {
    return "ProblemException[" + code + "]" + (getMessage() == null ? "" : ": " + getMessage());
  }
}
