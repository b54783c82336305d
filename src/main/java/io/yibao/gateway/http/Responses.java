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

  /** Answers with the JSON result of an operation, or fails the request with its cause. */
  public static void reply(RoutingContext rc, int status, io.vertx.core.AsyncResult<JsonObject> result) {
    if (result.failed()) {
      fail(rc, result.cause());
    } else {
      json(rc, status, result.result());
    }
  }

  /** Answers 204 when the operation succeeded, or fails the request with its cause. */
  public static void noContent(RoutingContext rc, io.vertx.core.AsyncResult<?> result) {
    if (result.failed()) {
      fail(rc, result.cause());
    } else if (!rc.response().ended()) {
      rc.response().setStatusCode(204).end();
    }
  }

  /** Fails the request with the cause of a failed future, or sends the problem at once. */
  public static void fail(RoutingContext rc, Throwable failure) {
    if (!rc.response().ended()) {
      rc.fail(failure);
    }
  }
}
