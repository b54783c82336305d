package io.yibao.gateway.auth;

import io.vertx.ext.web.RoutingContext;

/** The signed-in resident of a request, put on the routing context by {@link ResidentAuthHandler}. */
public record ResidentSession(String accountId, String sessionId, long stepUpUntilMillis, String deviceId) {

  private static final String KEY = "yb.residentSession";

  public static ResidentSession of(RoutingContext rc) {
    ResidentSession session = rc.get(KEY);
    if (session == null) {
      throw new IllegalStateException("operation is not behind residentBearer in the contract");
    }
    return session;
  }

  void attach(RoutingContext rc) {
    rc.put(KEY, this);
  }

  public boolean steppedUp(long nowMillis) {
    return stepUpUntilMillis > nowMillis;
  }
}
