package io.yibao.gateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Successful JSON answers. A response the request timeout already answered is left alone. */
public final class Responses {

  private Responses() {
  }

  public static void json(RoutingContext rc, int status, JsonObject body) {
    if (rc.response().ended()) {
      return;
    }
    rc.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.toBuffer());
  }

  /** Fails the request with the cause of a failed future, or sends the problem at once. */
  public static void fail(RoutingContext rc, Throwable failure) {
    if (!rc.response().ended()) {
      rc.fail(failure);
    }
  }
}
