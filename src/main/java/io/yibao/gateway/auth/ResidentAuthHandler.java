package io.yibao.gateway.auth;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.util.List;
import java.util.Map;

/**
 * The contract's {@code residentBearer} scheme: verifies the access token locally (signature, audience
 * {@code resident}, expiry, known {@code kid}), then checks the session in Redis in one round trip. A session
 * ended on any instance fails here on the next request. Implements Vert.x's JWTAuthHandler only because the
 * OpenAPI router binds bearer schemes to that type; scopes are not used.
 */
public final class ResidentAuthHandler implements JWTAuthHandler {

  private final AccessTokens tokens;
  private final Sessions sessions;

  public ResidentAuthHandler(AccessTokens tokens, Sessions sessions) {
    this.tokens = tokens;
    this.sessions = sessions;
  }

  @Override
  public void handle(RoutingContext rc) {
    String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      rc.fail(unauthenticated("Send Authorization: Bearer <access token>"));
      return;
    }
    AccessTokens.Verified token = tokens.verify(header.substring(7).trim());
    if (token == null) {
      rc.fail(unauthenticated("The access token is invalid or expired"));
      return;
    }
    sessions.touch(token.subject(), token.sessionId()).onComplete(r -> {
      if (r.failed()) {
        rc.fail(r.cause());
      } else if (r.result() == null) {
        rc.fail(unauthenticated("The session has ended"));
      } else {
        r.result().attach(rc);
        rc.next();
      }
    });
  }

  static ProblemException unauthenticated(String detail) {
    return new ProblemException(ProblemCode.UNAUTHENTICATED, detail, null,
        Map.of("WWW-Authenticate", "Bearer realm=\"resident\""));
  }

  @Override
  public JWTAuthHandler scopeDelimiter(String delimiter) {
    return this;
  }

  @Override
  public JWTAuthHandler withScope(String scope) {
    return this;
  }

  @Override
  public JWTAuthHandler withScopes(List<String> scopes) {
    return this;
  }
}
