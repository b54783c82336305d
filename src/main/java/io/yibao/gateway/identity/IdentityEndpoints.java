package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.auth.Sessions;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ClientAddress;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.ratelimit.ClientAddressLimit;
import io.yibao.gateway.time.BusinessTime;

import java.util.Comparator;

/**
 * Resident identity, the operations under {@code /api/v1/auth}, {@code /api/v1/sessions} and {@code /api/v1/me}:
 * SMS-code sign-in and token refresh ({@link ResidentSignIn}), sign-out and the resident's devices
 * ({@link Sessions}), their account and insured person ({@link ResidentView}), real-name binding
 * ({@link RealNameBinding}) and step-up verification ({@link StepUp}). Each handler translates HTTP to one of
 * those calls and its answer back.
 */
public final class IdentityEndpoints {

  private final GatewayConfig.Identity config;
  private final ResidentSignIn signIn;
  private final Sessions sessions;
  private final ResidentView view;
  private final RealNameBinding binding;
  private final StepUp stepUp;
  private final ClientAddress clientAddress;
  private final ClientAddressLimit addressLimit;

  public IdentityEndpoints(GatewayConfig.Identity config, ResidentSignIn signIn, Sessions sessions,
                           ResidentView view, RealNameBinding binding, StepUp stepUp, ClientAddress clientAddress,
                           ClientAddressLimit addressLimit) {
    this.config = config;
    this.signIn = signIn;
    this.sessions = sessions;
    this.view = view;
    this.binding = binding;
    this.stepUp = stepUp;
    this.clientAddress = clientAddress;
    this.addressLimit = addressLimit;
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
    signIn.requestCode(rc.body().asJsonObject().getString("phone"), clientAddress.of(rc.request()))
        .map(sent -> new JsonObject().put("sent", true)
            .put("expiresInSeconds", config.otpTtlSeconds())
            .put("resendAfterSeconds", config.otpPerPhone().windowSeconds() / config.otpPerPhone().limit()))
        .onComplete(r -> Responses.reply(rc, 202, r));
  }

  private void login(RoutingContext rc) {
    JsonObject body = rc.body().asJsonObject();
    signIn.signIn(body.getString("phone"), body.getString("otp"), body.getString("deviceId"),
            body.getString("deviceName"))
        .recover(failure -> countedAgainstTheAddress(rc, failure))
        .map(IdentityEndpoints::tokenAnswer).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void refresh(RoutingContext rc) {
    signIn.refresh(rc.body().asJsonObject().getString("refreshToken"))
        .recover(failure -> countedAgainstTheAddress(rc, failure))
        .map(IdentityEndpoints::tokenAnswer).onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** A wrong credential is failed authentication for the address too (many phones or tokens tried from one). */
  private <T> Future<T> countedAgainstTheAddress(RoutingContext rc, Throwable failure) {
    return failure instanceof CredentialRefused refused ? addressLimit.failedAuthentication(rc.request(), refused)
        : Future.failedFuture(failure);
  }

  private static JsonObject tokenAnswer(ResidentSignIn.SignedIn signedIn) {
    return new JsonObject()
        .put("accessToken", signedIn.accessToken())
        .put("tokenType", "Bearer")
        .put("expiresIn", signedIn.expiresInSeconds())
        .put("refreshToken", signedIn.refreshToken())
        .put("sessionId", signedIn.sessionId());
  }

  private void logout(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    sessions.revoke(s.accountId(), s.sessionId()).onComplete(r -> Responses.noContent(rc, r));
  }

  // --- devices -------------------------------------------------------------------------------------------------

  private void listSessions(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    sessions.list(s.accountId()).map(listed -> {
      JsonArray items = new JsonArray();
      listed.stream().sorted(Comparator.comparingLong(Sessions.Listed::lastSeenMillis).reversed()).forEach(l ->
          items.add(new JsonObject()
              .put("sessionId", l.sessionId())
              .put("deviceName", l.deviceName())
              .put("createdAt", BusinessTime.timestamp(l.createdMillis()))
              .put("lastSeenAt", BusinessTime.timestamp(l.lastSeenMillis()))
              .put("current", l.sessionId().equals(s.sessionId()))));
      return new JsonObject().put("items", items);
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** Only ever the caller's own sessions: the key is built from the caller's account, never from input. */
  private void endSession(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    sessions.revoke(s.accountId(), rc.pathParam("sessionId")).compose(ended -> ended > 0 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, "No such session of yours")))
        .onComplete(r -> Responses.noContent(rc, r));
  }

  // --- the resident and their insured person --------------------------------------------------------------------

  private void me(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    view.of(s.profile()).map(me -> meAnswer(s, me)).onComplete(r -> Responses.reply(rc, 200, r));
  }

  /**
   * The resident's own view of the account; with a bound person, {@code asOf}: when the person view was read from
   * the core, {@code ageSeconds}: how long ago that is.
   */
  private static JsonObject meAnswer(ResidentSession s, ResidentView.Me me) {
    long now = System.currentTimeMillis();
    JsonObject answer = new JsonObject()
        .put("accountId", s.accountId())
        .put("mobile", Masking.mobile(me.profile().phone()))
        .put("createdAt", BusinessTime.timestamp(me.profile().createdMillis()))
        .put("realNameBound", me.profile().bound())
        .put("stepUpUntil", s.steppedUp(now) ? BusinessTime.timestamp(s.stepUpUntilMillis()) : null);
    if (me.person() == null) {
      return answer;
    }
    return answer.put("person", me.person())
        .put("stale", me.stale())
        .put("asOf", BusinessTime.timestamp(me.asOfMillis()))
        .put("ageSeconds", Math.max(0, (now - me.asOfMillis()) / 1000));
  }

  private void bindRealName(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject body = rc.body().asJsonObject();
    binding.bind(s, clientAddress.of(rc.request()), body.getString("name"), body.getString("idNumber"),
            body.getString("faceToken"))
        .compose(view::of).map(me -> meAnswer(s, me)).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void unbindRealName(RoutingContext rc) {
    binding.unbind(ResidentSession.of(rc)).onComplete(r -> Responses.noContent(rc, r));
  }

  // --- step-up ---------------------------------------------------------------------------------------------------

  private void requestStepUpCode(RoutingContext rc) {
    stepUp.sendCode(ResidentSession.of(rc)).map(phone -> new JsonObject().put("sent", true)
            .put("expiresInSeconds", config.otpTtlSeconds()).put("sentTo", Masking.mobile(phone)))
        .onComplete(r -> Responses.reply(rc, 202, r));
  }

  private void stepUp(RoutingContext rc) {
    JsonObject body = rc.body().asJsonObject();
    stepUp.verify(ResidentSession.of(rc), body.getString("faceToken"), body.getString("otp"))
        .map(until -> new JsonObject().put("stepUpUntil", BusinessTime.timestamp(until)))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }
}
