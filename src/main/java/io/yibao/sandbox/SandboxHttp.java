package io.yibao.sandbox;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Answers of the sandbox's own (non-national) APIs: JSON, errors as {@code {"error": CODE, "message": ...}}. */
public final class SandboxHttp {

  private SandboxHttp() {
  }

  public static void ok(RoutingContext rc, JsonObject body) {
    json(rc, 200, body);
  }

  /** Every answer of every service goes through here, so that a "hang after work" fault can swallow it. */
  public static void json(RoutingContext rc, int status, JsonObject body) {
    if (Faults.swallowAnswer(rc)) {
      return;
    }
    if (!rc.response().ended()) {
      rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
  }

  public static void error(RoutingContext rc, int status, String code, String message) {
    json(rc, status, new JsonObject().put("error", code).put("message", message));
  }

  /** The JSON body, or a 400 answer and null when there is none or it is not an object. */
  public static JsonObject body(RoutingContext rc) {
    try {
      JsonObject body = rc.body().asJsonObject();
      if (body == null) {
        error(rc, 400, "BAD_REQUEST", "JSON object body required");
      }
      return body;
    } catch (RuntimeException e) {
      error(rc, 400, "BAD_REQUEST", "body is not a JSON object");
      return null;
    }
  }
}
