package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.yibao.gateway.auth.AccountProfile;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.ratelimit.RateLimiter;

/**
 * Binding proves the person twice over (实名 + 实人): the registry matches name and ID number, and a fresh face
 * result names that same person. A person is bound to one account at a time, so binding a person another
 * account holds moves them here and signs the other account out (the face proved who is asking); what ends
 * with a binding is {@link ResidentAccounts}' to say. Unbinding needs a step-up.
 */
public final class RealNameBinding {

  private final GatewayConfig.Identity config;
  private final ResidentAccounts accounts;
  private final FaceTokens faceTokens;
  private final IdentityClient identity;
  private final RateLimiter limiter;

  public RealNameBinding(GatewayConfig.Identity config, ResidentAccounts accounts, FaceTokens faceTokens,
                         IdentityClient identity, RateLimiter limiter) {
    this.config = config;
    this.accounts = accounts;
    this.faceTokens = faceTokens;
    this.identity = identity;
    this.limiter = limiter;
  }

  /** Binds the person named and shown by face; answers the account's profile as it is now. */
  public Future<AccountProfile> bind(ResidentSession s, String clientAddress, String name, String idNumber,
                                     String faceToken) {
    String id = idNumber.toUpperCase();
    if (!IdNumber.valid(id)) {
      return Future.failedFuture(ProblemException.invalidField("idNumber", "Not a valid resident ID number (check digit)"));
    }
    // Every attempt counts, before anything is checked, so binding is no way to test name/ID pairs. The account's
    // budget first: an account past it must not drain the budget its address shares with thousands of phones.
    return limiter.require("real-name-account", s.accountId(), config.realNamePerAccount())
        .compose(x -> limiter.require("real-name-address", clientAddress, config.realNamePerClientAddress()))
        // A bad face token is refused before the registry is asked: its answer then tells nothing about the pair.
        .compose(x -> faceTokens.read(faceToken))
        .compose(face -> identity.realNameCheck(name, id)
            .compose(psnNo -> psnNo != null ? Future.succeededFuture(psnNo)
                : Future.failedFuture(new ProblemException(ProblemCode.REAL_NAME_MISMATCH, null)))
            // Someone else's face answers exactly like a wrong name: nothing says the name/ID pair was right.
            .compose(psnNo -> psnNo.equals(face.psnNo()) ? faceTokens.consume(face).map(psnNo)
                : Future.failedFuture(new ProblemException(ProblemCode.REAL_NAME_MISMATCH, null))))
        .compose(psnNo -> accounts.bind(s.accountId(), psnNo))
        // The session's copy of the profile predates the binding: answer with the profile as it is now.
        .compose(bound -> accounts.profile(s.accountId()));
  }

  public Future<Void> unbind(ResidentSession s) {
    return StepUp.require(s)
        .compose(x -> s.profile().bound() ? accounts.unbind(s.accountId(), s.profile().psnNo())
            : Future.failedFuture(new ProblemException(ProblemCode.REAL_NAME_REQUIRED, "Nothing is bound")));
  }
}
