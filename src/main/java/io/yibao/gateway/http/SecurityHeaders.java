package io.yibao.gateway.http;

import io.vertx.ext.web.handler.SecurityPolicyHandler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every response carries. API answers are personal and must never be cached by a phone, a proxy or a
 * mini-program container ({@code no-store}); handlers serving static documentation relax that themselves.
 */
public final class SecurityHeaders implements SecurityPolicyHandler {

  private final boolean hsts;

  public SecurityHeaders(boolean hsts) {
    this.hsts = hsts;
  }

  @Override
  public void handle(RoutingContext rc) {
    put(rc.response(), hsts);
    rc.next();
  }

  static void put(HttpServerResponse response, boolean hsts) {
    response.putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    if (hsts) {
      response.putHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
  }
}
