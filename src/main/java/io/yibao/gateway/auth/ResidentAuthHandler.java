package io.yibao.gateway.auth;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.ratelimit.ClientAddressLimit;

import java.util.List;
import java.util.Map;

/**
 * The contract's {@code residentBearer} scheme: verifies the access token locally (signature, audience
 * {@code resident}, expiry, known {@code kid}), then checks the session in Redis in one round trip, which also
 * spends the resident's budgets (per account and per session, {@link Sessions#touch}): a signed-in resident is
 * limited as themselves, never by the address they share. A session ended on any instance fails here on the next
 * request. A garbled or forged token is failed authentication and spends from the address's budget for that
 * ({@link ClientAddressLimit#failedAuthentication}); no token at all, an expired token of ours or an ended session
 * does not. Implements Vert.x's JWTAuthHandler only because the OpenAPI router binds bearer schemes to that type;
 * scopes are not used.
 */
public final class ResidentAuthHandler implements JWTAuthHandler {

  private final AccessTokens tokens;
  private final Sessions sessions;
  private final ClientAddressLimit addressLimit;

  public ResidentAuthHandler(AccessTokens tokens, Sessions sessions, ClientAddressLimit addressLimit) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.addressLimit = addressLimit;
  }

  @Override
  public void handle(RoutingContext rc) {
    String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      // No credential presented, nothing guessed (a signed-out app, a stale page): not a failed authentication,
      // so thousands of such phones behind one NAT address never lock that address's sign-ins.
      rc.fail(unauthenticated("Send Authorization: Bearer <access token>"));
      return;
    }
    String presented = header.substring(7).trim();
    AccessTokens.Verified token = tokens.verify(presented);
    if (token == null) {
      ProblemException refusal = unauthenticated("The access token is invalid or expired");
      if (tokens.expired(presented)) {
        rc.fail(refusal);
      } else {
        failed(rc, refusal);
      }
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

  private void failed(RoutingContext rc, ProblemException refusal) {
    addressLimit.failedAuthentication(rc.request(), refusal).onComplete(r -> rc.fail(r.cause()));
  }

  static ProblemException unauthenticated(String detail) {
    return new ProblemException(ProblemCode.UNAUTHENTICATED, detail, null,
        Map.of("WWW-Authenticate", "Bearer realm=\"resident\""));
  }

  /** A scope asked for would silently not be checked: refused instead. */
  static final String NO_SCOPES = "resident access tokens carry no scopes: every signed-in resident may call every"
      + " residentBearer operation, so a scope could not be checked";

  @Override
  public JWTAuthHandler scopeDelimiter(String delimiter) {
    throw new UnsupportedOperationException(NO_SCOPES);
  }

  @Override
  public JWTAuthHandler withScope(String scope) {
    throw new UnsupportedOperationException(NO_SCOPES);
  }

  @Override
  public JWTAuthHandler withScopes(List<String> scopes) {
    throw new UnsupportedOperationException(NO_SCOPES);
  }
}
