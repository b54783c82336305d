package io.yibao.gateway.http;

import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a request that is still unanswered after {@code http.requestTimeoutMillis} with 503 REQUEST_TIMEOUT,
 * so that no client is ever left hanging whatever a handler or a dependency does.
 */
public final class RequestTimeout implements PlatformHandler {

  private final long timeoutMillis;

  public RequestTimeout(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handle(RoutingContext rc) {
    long timer = rc.vertx().setTimer(timeoutMillis, id -> {
      if (!rc.response().ended() && !rc.response().closed()) {
        Problems.send(rc, ProblemCode.REQUEST_TIMEOUT, "No answer within " + timeoutMillis + " ms");
      }
    });
    rc.addEndHandler(done -> rc.vertx().cancelTimer(timer));
    rc.next();
  }
}
