package io.yibao.gateway.core;

import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.util.Map;

/**
 * A core system gave no answer. Clients see 503 CORE_UNAVAILABLE; callers that move money also need to know
 * whether the request may have reached the core ({@link #mayHaveHappened()}): if so, the only safe moves are to
 * query and to reverse.
 */
public final class CoreCallException extends ProblemException {

  /** What is known about the call. */
  public enum Outcome {
    /** Never sent: the breaker was open, the bulkhead full, or no connection could be made. */
    NOT_SENT,
    /** Sent, but no usable answer came back (timeout, connection lost, server error). */
    UNKNOWN
  }

  private final String system;
  private final Outcome outcome;

  CoreCallException(String system, Outcome outcome, String reason, long retryAfterSeconds) {
    super(ProblemCode.CORE_UNAVAILABLE, "The " + system + " system is unavailable (" + reason + ")", null,
        Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
    this.system = system;
    this.outcome = outcome;
  }

  public String system() {
    return system;
  }

  public Outcome outcome() {
    return outcome;
  }

  public boolean mayHaveHappened() {
    return outcome == Outcome.UNKNOWN;
  }
}
