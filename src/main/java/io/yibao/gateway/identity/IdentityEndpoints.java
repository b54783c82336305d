package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.AccessTokens;
import io.yibao.gateway.auth.RefreshToken;
import io.yibao.gateway.auth.AccountProfile;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.auth.Sessions;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.AccountsClient;
import io.yibao.gateway.core.InsuranceType;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.core.StaleCopies;
import io.yibao.gateway.http.ClientAddress;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.ratelimit.ClientAddressLimit;
import io.yibao.gateway.ratelimit.RateLimiter;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.time.BusinessTime;

import java.util.Map;

/**
 * Resident identity, the operations under {@code /api/v1/auth}, {@code /api/v1/sessions} and {@code /api/v1/me}:
 * SMS-code sign-in, token refresh with reuse detection, sign-out, the resident's devices, their account and
 * insured person, real-name binding, and step-up verification before sensitive operations.
 */
public final class IdentityEndpoints {

  private final GatewayConfig.Identity config;
  private final OneTimeCodes codes;
  private final ResidentAccounts accounts;
  private final Sessions sessions;
  private final AccessTokens tokens;
  private final FaceTokens faceTokens;
  private final RateLimiter limiter;
  private final ClientAddress clientAddress;
  private final ClientAddressLimit addressLimit;
  private final StaleCopies staleCopies;
  private final RegistryClient registry;
  private final AccountsClient personalAccounts;
  private final IdentityClient identity;
  private final io.yibao.gateway.privacy.Pseudonyms pseudonyms;
  private final MeCopies meCopies;

  public IdentityEndpoints(GatewayConfig.Identity config, OneTimeCodes codes, ResidentAccounts accounts,
                           Sessions sessions, AccessTokens tokens, FaceTokens faceTokens, RateLimiter limiter,
                           ClientAddress clientAddress, ClientAddressLimit addressLimit, StaleCopies staleCopies,
                           RegistryClient registry, AccountsClient personalAccounts, IdentityClient identity,
                           io.yibao.gateway.privacy.Pseudonyms pseudonyms, MeCopies meCopies) {
    this.addressLimit = addressLimit;
    this.config = config;
    this.codes = codes;
    this.accounts = accounts;
    this.sessions = sessions;
    this.tokens = tokens;
    this.faceTokens = faceTokens;
    this.limiter = limiter;
    this.clientAddress = clientAddress;
    this.staleCopies = staleCopies;
    this.registry = registry;
    this.personalAccounts = personalAccounts;
    this.identity = identity;
    this.pseudonyms = pseudonyms;
    this.meCopies = meCopies;
  }

  public void register(Operations operations) {
    operations.on("requestLoginCode", this::requestLoginCode)
        .on("login", this::login)
        .on("refreshSession", this::refresh)
        .on("logout", this::logout)
        .on("listSessions", this::listSessions)
        .on("endSession", this::endSession)
        .on("getMe", this::me)
        .on("bindRealName", this::bindRealName)
        .on("unbindRealName", this::unbindRealName)
        .on("requestStepUpCode", this::requestStepUpCode)
        .on("stepUp", this::stepUp);
  }

  // --- sign-in -------------------------------------------------------------------------------------------------

  /** Always the same answer whether or not the number has an account: nothing to learn by asking. */
  private void requestLoginCode(RoutingContext rc) {
    String phone = rc.body().asJsonObject().getString("phone");
    codes.sendLogin(phone, clientAddress.of(rc.request())).onComplete(r -> {
      if (r.failed()) {
        Responses.fail(rc, r.cause());
      } else {
        Responses.json(rc, 202, new JsonObject().put("sent", true)
            .put("expiresInSeconds", config.otpTtlSeconds())
            .put("resendAfterSeconds", config.otpPerPhone().windowSeconds() / config.otpPerPhone().limit()));
      }
    });
  }

  private void login(RoutingContext rc) {
    JsonObject body = rc.body().asJsonObject();
    String phone = body.getString("phone");
    String subject = pseudonyms.phone(phone);
    limiter.peek("login-failed", subject, config.failedLoginsPerPhone())
        .compose(RateLimiter::enforce)
        .compose(x -> codes.checkLogin(phone, body.getString("otp")))
        .compose(check -> {
          if (check != OneTimeCodes.Check.OK) {
            // A wrong code is failed authentication for the address too (many phones tried from one address).
            return limiter.acquire("login-failed", subject, config.failedLoginsPerPhone())
                .compose(d -> addressLimit.failedAuthentication(rc.request(), new ProblemException(
                    ProblemCode.OTP_INVALID, check == OneTimeCodes.Check.WRONG ? "Wrong code" : "Request a new code",
                    "otp", Map.of())));
          }
          return accounts.forPhone(phone);
        })
        .compose(accountId -> sessions.create(accountId, body.getString("deviceId"), body.getString("deviceName"))
            .map(created -> tokenAnswer(accountId, created.sessionId(), created.refreshToken())))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private JsonObject tokenAnswer(String accountId, String sid, String refreshToken) {
    return new JsonObject()
        .put("accessToken", tokens.issue(accountId, sid))
        .put("tokenType", "Bearer")
        .put("expiresIn", tokens.ttlSeconds())
        .put("refreshToken", refreshToken)
        .put("sessionId", sid);
  }

  private void refresh(RoutingContext rc) {
    RefreshToken presented = RefreshToken.parse(rc.body().asJsonObject().getString("refreshToken"));
    if (presented == null) {
      addressLimit.failedAuthentication(rc.request(),
              new ProblemException(ProblemCode.REFRESH_TOKEN_INVALID, null, "refreshToken", Map.of()))
          .onComplete(r -> rc.fail(r.cause()));
      return;
    }
    String newSecret = Secrets.randomId(32);
    sessions.rotate(presented, newSecret).compose(rotation -> switch (rotation) {
      case ROTATED -> Future.succeededFuture(tokenAnswer(presented.accountId(), presented.sessionId(),
          RefreshToken.format(presented.accountId(), presented.sessionId(), newSecret)));
      case REUSED -> addressLimit.<JsonObject>failedAuthentication(rc.request(), new ProblemException(
          ProblemCode.REFRESH_TOKEN_INVALID,
          "This refresh token was already used; the session has been ended for safety", "refreshToken", Map.of()));
      case UNKNOWN -> addressLimit.<JsonObject>failedAuthentication(rc.request(), new ProblemException(
          ProblemCode.REFRESH_TOKEN_INVALID, null, "refreshToken", Map.of()));
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void logout(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    sessions.revoke(s.accountId(), s.sessionId()).onComplete(r -> Responses.noContent(rc, r));
  }

  // --- devices -------------------------------------------------------------------------------------------------

  private void listSessions(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    sessions.list(s.accountId()).onComplete(r -> {
      if (r.failed()) {
        Responses.fail(rc, r.cause());
        return;
      }
      JsonArray items = new JsonArray();
      r.result().stream().sorted((a, b) -> Long.compare(b.lastSeenMillis(), a.lastSeenMillis())).forEach(l ->
          items.add(new JsonObject()
              .put("sessionId", l.sessionId())
              .put("deviceName", l.deviceName())
              .put("createdAt", time(l.createdMillis()))
              .put("lastSeenAt", time(l.lastSeenMillis()))
              .put("current", l.sessionId().equals(s.sessionId()))));
      Responses.json(rc, 200, new JsonObject().put("items", items));
    });
  }

  /** Only ever the caller's own sessions: the key is built from the caller's account, never from input. */
  private void endSession(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    sessions.revoke(s.accountId(), rc.pathParam("sessionId")).onComplete(r -> {
      if (r.succeeded() && r.result() == 0) {
        rc.fail(new ProblemException(ProblemCode.NOT_FOUND, "No such session of yours"));
      } else {
        Responses.noContent(rc, r);
      }
    });
  }

  // --- the resident and their insured person --------------------------------------------------------------------

  private void me(RoutingContext rc) {
    me(rc, ResidentSession.of(rc).profile());
  }

  /** The resident's own view of the account, from {@code profile}. */
  private void me(RoutingContext rc, AccountProfile profile) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject me = new JsonObject()
        .put("accountId", s.accountId())
        .put("mobile", Masking.mobile(profile.phone()))
        .put("createdAt", time(profile.createdMillis()))
        .put("realNameBound", profile.bound())
        .put("stepUpUntil", s.stepUpUntilMillis() > System.currentTimeMillis() ? time(s.stepUpUntilMillis()) : null);
    if (!profile.bound()) {
      Responses.json(rc, 200, me);
      return;
    }
    long now = System.currentTimeMillis();
    MeCopies.Copy copy = meCopies.usable(profile, now);
    if (copy != null) {
      Responses.json(rc, 200, withPerson(me, copy.person(), false, copy.asOfMillis(), now));
      return;
    }
    // The stale copy is the person's, not the account's: an account that binds someone else never sees it.
    String copyKey = RedisKeys.key("psn:" + pseudonyms.person(profile.psnNo()), "stale", "me-person");
    staleCopies.read(copyKey, () -> person(profile.psnNo()))
        .compose(read -> (read.stale() ? Future.<Void>succeededFuture()
            : meCopies.keep(profile, read.data(), read.asOf().toEpochMilli()))
            .map(kept -> withPerson(me, read.data(), read.stale(), read.asOf().toEpochMilli(), System.currentTimeMillis())))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** {@code asOf}: when the person view was read from the core; {@code ageSeconds}: how long ago that is. */
  private static JsonObject withPerson(JsonObject me, JsonObject person, boolean stale, long asOfMillis, long nowMillis) {
    return me.put("person", person)
        .put("stale", stale)
        .put("asOf", BusinessTime.timestamp(asOfMillis))
        .put("ageSeconds", Math.max(0, (nowMillis - asOfMillis) / 1000));
  }

  /** The insured person as the resident may see it: masked, with the personal-account balance for employees. */
  private Future<JsonObject> person(String psnNo) {
    return known(psnNo).compose(p -> {
      InsuranceType type = p.insuType();
      JsonObject view = new JsonObject()
          .put("psnNo", p.psnNo())
          .put("name", Masking.name(p.name()))
          .put("idNumber", Masking.idNumber(p.idNumber()))
          .put("insuType", type == null ? null : type.code())
          .put("insuTypeName", (type == InsuranceType.EMPLOYEE ? InsuranceType.EMPLOYEE : InsuranceType.RESIDENT).title())
          .put("insuredRegion", p.insuredRegion())
          .put("status", p.status());
      if (type != InsuranceType.EMPLOYEE) {
        return Future.succeededFuture(view);
      }
      return personalAccounts.balance(psnNo).map(balance -> balance != null
          ? view.put("personalAccountBalanceFen", balance)
          : view);
    });
  }

  /** The person as the registry has them; 404 when it does not know them. */
  private Future<RegistryClient.Person> known(String psnNo) {
    return registry.person(psnNo).compose(p -> p != null ? Future.succeededFuture(p)
        : Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, "The registry does not know this person")));
  }

  /**
   * Binding proves the person twice over (实名 + 实人): the registry matches name and ID number, and a fresh face
   * result names that same person. A person is bound to one account at a time, so binding a person another
   * account holds moves them here and signs the other account out (the face proved who is asking); what ends
   * with a binding is {@link ResidentAccounts}' to say.
   */
  private void bindRealName(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject body = rc.body().asJsonObject();
    String idNumber = body.getString("idNumber").toUpperCase();
    if (!IdNumber.valid(idNumber)) {
      rc.fail(ProblemException.invalidField("idNumber", "Not a valid resident ID number (check digit)"));
      return;
    }
    // Every attempt counts, before anything is checked, so binding is no way to test name/ID pairs. The account's
    // budget first: an account past it must not drain the budget its address shares with thousands of phones.
    limiter.require("real-name-account", s.accountId(), config.realNamePerAccount())
        .compose(x -> limiter.require("real-name-address", clientAddress.of(rc.request()),
            config.realNamePerClientAddress()))
        // A bad face token is refused before the registry is asked: its answer then tells nothing about the pair.
        .compose(x -> faceTokens.read(body.getString("faceToken")))
        .compose(face -> identity.realNameCheck(body.getString("name"), idNumber)
            .compose(psnNo -> psnNo != null ? Future.succeededFuture(psnNo)
                : Future.failedFuture(new ProblemException(ProblemCode.REAL_NAME_MISMATCH, null)))
            // Someone else's face answers exactly like a wrong name: nothing says the name/ID pair was right.
            .compose(psnNo -> psnNo.equals(face.psnNo()) ? faceTokens.consume(face).map(psnNo)
                : Future.failedFuture(new ProblemException(ProblemCode.REAL_NAME_MISMATCH, null))))
        .compose(psnNo -> accounts.bind(s.accountId(), psnNo))
        // The session's copy of the profile predates the binding: answer with the profile as it is now.
        .compose(bound -> accounts.profile(s.accountId()))
        .onComplete(r -> {
          if (r.failed()) {
            Responses.fail(rc, r.cause());
          } else {
            me(rc, r.result());
          }
        });
  }

  private void unbindRealName(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    StepUp.require(s)
        .compose(x -> s.profile().bound() ? accounts.unbind(s.accountId(), s.profile().psnNo())
            : Future.failedFuture(new ProblemException(ProblemCode.REAL_NAME_REQUIRED, "Nothing is bound")))
        .onComplete(r -> Responses.noContent(rc, r));
  }

  // --- step-up ---------------------------------------------------------------------------------------------------

  /**
   * A step-up code proves the bound person, so it goes to the phone the registry holds for that person, whatever
   * phone the account signs in with. Without a bound person there is nothing to prove (403 REAL_NAME_REQUIRED);
   * a person without a phone in the registry steps up by face (403 FACE_VERIFICATION_REQUIRED).
   */
  private void requestStepUpCode(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    s.boundPerson().compose(psnNo -> registryPhone(psnNo)
            .compose(phone -> codes.sendStepUp(s.accountId(), psnNo, phone).map(phone)))
        .onComplete(r -> Responses.reply(rc, 202, r.map(phone -> new JsonObject().put("sent", true)
            .put("expiresInSeconds", config.otpTtlSeconds()).put("sentTo", Masking.mobile(phone)))));
  }

  private Future<String> registryPhone(String psnNo) {
    return known(psnNo).compose(found -> {
      String mobile = found.mobile();
      return mobile != null ? Future.succeededFuture(mobile)
          : Future.failedFuture(new ProblemException(ProblemCode.FACE_VERIFICATION_REQUIRED,
              "The registry holds no mobile number for this person: step up with a face verification"));
    });
  }

  /** Proves the bound person again: their face, or the code sent to their registry phone. */
  private void stepUp(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject body = rc.body().asJsonObject();
    String faceToken = body.getString("faceToken");
    String otp = body.getString("otp");
    if ((faceToken == null) == (otp == null)) {
      rc.fail(ProblemException.invalidField("faceToken", "Send exactly one of faceToken and otp"));
      return;
    }
    s.boundPerson().compose(psnNo -> faceToken != null ? faceTokens.verify(faceToken, psnNo)
            : codes.checkStepUp(s.accountId(), psnNo, otp).compose(check -> check == OneTimeCodes.Check.OK
                ? Future.<Void>succeededFuture()
                : Future.failedFuture(new ProblemException(ProblemCode.OTP_INVALID, null, "otp", Map.of()))))
        .compose(x -> sessions.stepUp(s.accountId(), s.sessionId()))
        .onComplete(r -> Responses.reply(rc, 200, r.map(until -> new JsonObject().put("stepUpUntil", time(until)))));
  }

  // --- helpers ---------------------------------------------------------------------------------------------------

  static String time(long millis) {
    return BusinessTime.timestamp(millis);
  }
}
