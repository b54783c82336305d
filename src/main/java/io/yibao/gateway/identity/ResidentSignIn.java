package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.yibao.gateway.auth.AccessTokens;
import io.yibao.gateway.auth.RefreshToken;
import io.yibao.gateway.auth.Sessions;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.ratelimit.RateLimiter;

/**
 * Signing a resident in with an SMS code and keeping them signed in: a session per device, an access token, and
 * a refresh token that rotates on every use (a token used twice ends its session: someone copied it). Wrong
 * credentials fail with {@link CredentialRefused}.
 */
public final class ResidentSignIn {

  /** A session and the tokens for it. */
  public record SignedIn(String accountId, String sessionId, String accessToken, long expiresInSeconds,
                         String refreshToken) {
  }

  private final GatewayConfig.Identity config;
  private final OneTimeCodes codes;
  private final ResidentAccounts accounts;
  private final Sessions sessions;
  private final AccessTokens tokens;
  private final RateLimiter limiter;
  private final Pseudonyms pseudonyms;

  public ResidentSignIn(GatewayConfig.Identity config, OneTimeCodes codes, ResidentAccounts accounts,
                        Sessions sessions, AccessTokens tokens, RateLimiter limiter, Pseudonyms pseudonyms) {
    this.config = config;
    this.codes = codes;
    this.accounts = accounts;
    this.sessions = sessions;
    this.tokens = tokens;
    this.limiter = limiter;
    this.pseudonyms = pseudonyms;
  }

  /** Sends a sign-in code; succeeds the same whether or not the number has an account. */
  public Future<Void> requestCode(String phone, String clientAddress) {
    return codes.sendLogin(phone, clientAddress);
  }

  /** Signs the phone's account in (creating it on first use) on this device; a wrong code counts for the phone. */
  public Future<SignedIn> signIn(String phone, String otp, String deviceId, String deviceName) {
    String subject = pseudonyms.phone(phone);
    return limiter.peek("login-failed", subject, config.failedLoginsPerPhone())
        .compose(RateLimiter::enforce)
        .compose(x -> codes.checkLogin(phone, otp))
        .compose(check -> check == OneTimeCodes.Check.OK ? accounts.forPhone(phone)
            : limiter.acquire("login-failed", subject, config.failedLoginsPerPhone())
                .compose(d -> Future.failedFuture(new CredentialRefused(ProblemCode.OTP_INVALID,
                    check == OneTimeCodes.Check.WRONG ? "Wrong code" : "Request a new code", "otp"))))
        .compose(accountId -> sessions.create(accountId, deviceId, deviceName)
            .map(created -> signedIn(accountId, created.sessionId(), created.refreshToken())));
  }

  /** Exchanges a refresh token for new tokens of the same session. */
  public Future<SignedIn> refresh(String refreshToken) {
    RefreshToken presented = RefreshToken.parse(refreshToken);
    if (presented == null) {
      return Future.failedFuture(new CredentialRefused(ProblemCode.REFRESH_TOKEN_INVALID, null, "refreshToken"));
    }
    String newSecret = Secrets.randomId(32);
    return sessions.rotate(presented, newSecret).compose(rotation -> switch (rotation) {
      case ROTATED -> Future.succeededFuture(signedIn(presented.accountId(), presented.sessionId(),
          RefreshToken.format(presented.accountId(), presented.sessionId(), newSecret)));
      case REUSED -> Future.failedFuture(new CredentialRefused(ProblemCode.REFRESH_TOKEN_INVALID,
          "This refresh token was already used; the session has been ended for safety", "refreshToken"));
      case UNKNOWN -> Future.failedFuture(new CredentialRefused(ProblemCode.REFRESH_TOKEN_INVALID, null,
          "refreshToken"));
    });
  }

  private SignedIn signedIn(String accountId, String sessionId, String refreshToken) {
    return new SignedIn(accountId, sessionId, tokens.issue(accountId, sessionId), tokens.ttlSeconds(), refreshToken);
  }
}
