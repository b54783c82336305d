package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonObject;

/**
 * What a family-accounts book answers: an HTTP status and its JSON body, a record or an error
 * {@code {error, message, ...}}. The books decide the status because only they know why they said no.
 */
public record Answer(int status, JsonObject body) {

  static Answer of(int status, JsonObject body) {
    return new Answer(status, body);
  }

  static Answer refused(int status, String code, String message) {
    return new Answer(status, new JsonObject().put("error", code).put("message", message));
  }

  public boolean ok() {
    return status < 300;
  }

  /** The error code, or null for a success. */
  public String error() {
    return ok() ? null : body.getString("error");
  }
}
