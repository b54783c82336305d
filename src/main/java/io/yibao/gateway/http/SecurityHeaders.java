package io.yibao.gateway.http;

import io.vertx.ext.web.handler.SecurityPolicyHandler;
import io.vertx.core.http.HttpHeaders;
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

  // Names and values encoded once (Netty AsciiStrings), not per response.
  private static final CharSequence NOSNIFF_NAME = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence FRAME_NAME = HttpHeaders.createOptimized("X-Frame-Options");
  private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
  private static final CharSequence REFERRER_NAME = HttpHeaders.createOptimized("Referrer-Policy");
  private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");
  private static final CharSequence CACHE_NAME = HttpHeaders.createOptimized("Cache-Control");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence CSP_NAME = HttpHeaders.createOptimized("Content-Security-Policy");
  private static final CharSequence CSP = HttpHeaders.createOptimized("default-src 'none'; frame-ancestors 'none'");
  private static final CharSequence HSTS_NAME = HttpHeaders.createOptimized("Strict-Transport-Security");
  private static final CharSequence HSTS = HttpHeaders.createOptimized("max-age=31536000; includeSubDomains");

  static void put(HttpServerResponse response, boolean hsts) {
    response.putHeader(NOSNIFF_NAME, NOSNIFF)
        .putHeader(FRAME_NAME, DENY)
        .putHeader(REFERRER_NAME, NO_REFERRER)
        .putHeader(CACHE_NAME, NO_STORE)
        .putHeader(CSP_NAME, CSP);
    if (hsts) {
      response.putHeader(HSTS_NAME, HSTS);
    }
  }
}
