package io.yibao.gateway.auth;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

/**
 * The signed-in resident of a request, put on the routing context by {@link ResidentAuthHandler}, with the
 * account's profile as it was when the request's session was checked.
 */
public record ResidentSession(String accountId, String sessionId, long stepUpUntilMillis, String deviceId,
                              AccountProfile profile) {

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

  /** The insured person bound to the account, or 403 REAL_NAME_REQUIRED. */
  public Future<String> boundPerson() {
    return profile.bound() ? Future.succeededFuture(profile.psnNo())
        : Future.failedFuture(new ProblemException(ProblemCode.REAL_NAME_REQUIRED, null));
  }

  public boolean steppedUp(long nowMillis) {
    return stepUpUntilMillis > nowMillis;
  }
}
