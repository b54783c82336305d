package io.yibao.gateway.insurancecode;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.identity.FaceTokens;
import io.yibao.gateway.identity.StepUp;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.time.BusinessTime;

import java.time.Period;
import java.util.Map;

/**
 * The resident's insurance code (医保码), under {@code /api/v1/insurance-code}: activation by face, family
 * proxies (亲情账户), issuing the dynamic one-time code and rendering it as a QR image.
 */
public final class CodeEndpoints {

  private final GatewayConfig.InsuranceCode config;
  private final InsuranceCodes codes;
  private final FaceTokens faceTokens;
  private final RegistryClient registry;

  public CodeEndpoints(GatewayConfig.InsuranceCode config, InsuranceCodes codes,
                       FaceTokens faceTokens, RegistryClient registry) {
    this.config = config;
    this.codes = codes;
    this.faceTokens = faceTokens;
    this.registry = registry;
  }

  public void register(Operations operations) {
    operations.on("getCodeActivation", this::getActivation)
        .on("activateCode", this::activate)
        .on("listProxies", this::listProxies)
        .on("addProxy", this::addProxy)
        .on("removeProxy", this::removeProxy)
        .on("issueCode", this::issue)
        .on("getCodeImage", this::image);
  }


  /** The bound person, whose code this account activated; 403 otherwise. */
  private Future<String> activatedPerson(ResidentSession s) {
    return s.boundPerson().compose(psnNo -> codes.activatedPerson(s.accountId()).compose(active -> psnNo.equals(active)
        ? Future.succeededFuture(psnNo)
        : Future.failedFuture(new ProblemException(ProblemCode.CODE_NOT_ACTIVATED,
            "POST /api/v1/insurance-code/activation with a face token first"))));
  }

  private void getActivation(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    s.boundPerson().compose(psnNo -> codes.activation(s.accountId()).map(a -> {
      boolean active = a != null && psnNo.equals(a.getString("psnNo"));
      return new JsonObject().put("activated", active).put("psnNo", psnNo)
          .put("activatedAt", active ? time(a.getLong("at")) : null);
    })).onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** Activation needs real name (bound) and real person (a fresh face verification of that person). */
  private void activate(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    String faceToken = rc.body().asJsonObject().getString("faceToken");
    s.boundPerson().compose(psnNo -> faceTokens.verify(faceToken, psnNo)
            .compose(x -> codes.activate(s.accountId(), psnNo))
            .map(x -> new JsonObject().put("activated", true).put("psnNo", psnNo)
                .put("activatedAt", time(System.currentTimeMillis()))))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void listProxies(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    codes.proxies(s.accountId()).map(all -> {
      JsonArray items = new JsonArray();
      all.forEach((psnNo, entry) -> items.add(entry.copy().put("psnNo", psnNo)));
      return new JsonObject().put("items", items).put("max", config.maxProxies());
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }

  /**
   * A household member of the registry who is a close relative: under {@code proxyConsentAge} added on the
   * household relation (with step-up), older only with their own face verification.
   */
  private void addProxy(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject body = rc.body().asJsonObject();
    String member = body.getString("psnNo");
    String faceToken = body.getString("faceToken");
    activatedPerson(s).compose(self -> codes.proxies(s.accountId()).compose(existing -> {
      if (existing.containsKey(member)) {
        return Future.succeededFuture(existing.get(member).copy().put("psnNo", member));
      }
      if (existing.size() >= config.maxProxies()) {
        return Future.failedFuture(new ProblemException(ProblemCode.PROXY_LIMIT_REACHED,
            "At most " + config.maxProxies() + " family members"));
      }
      return householdMember(self, member).compose(relative -> {
        int age = Period.between(relative.person().birthDate(), BusinessTime.today()).getYears();
        Future<Void> consent = age < config.proxyConsentAge() ? StepUp.require(s)
            : faceToken == null
                ? Future.failedFuture(new ProblemException(ProblemCode.FACE_VERIFICATION_REQUIRED,
                    "Members aged " + config.proxyConsentAge() + " or over consent with their own face verification",
                    "faceToken", Map.of()))
                : faceTokens.verify(faceToken, member);
        JsonObject entry = new JsonObject().put("relation", relative.relation())
            .put("name", Masking.name(relative.person().name()))
            .put("addedAt", time(System.currentTimeMillis()));
        return consent.compose(x -> codes.addProxy(s.accountId(), member, entry)).map(x -> entry.copy().put("psnNo", member));
      });
    })).onComplete(r -> Responses.reply(rc, 201, r));
  }

  private Future<RegistryClient.Relative> householdMember(String self, String member) {
    return registry.closeRelatives(self).compose(relatives -> {
      if (relatives == null) {
        return Future.failedFuture(new ProblemException(ProblemCode.NOT_A_FAMILY_MEMBER, null));
      }
      for (RegistryClient.Relative r : relatives) {
        if (member.equals(r.person().psnNo())) {
          return Future.succeededFuture(r);
        }
      }
      return Future.failedFuture(new ProblemException(ProblemCode.NOT_A_FAMILY_MEMBER, null, "psnNo", Map.of()));
    });
  }

  private void removeProxy(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    codes.removeProxy(s.accountId(), rc.pathParam("psnNo")).onComplete(r -> {
      if (r.failed()) {
        Responses.fail(rc, r.cause());
      } else if (!r.result()) {
        rc.fail(new ProblemException(ProblemCode.NOT_FOUND, "Not one of your family members"));
      } else {
        rc.response().setStatusCode(204).end();
      }
    });
  }

  /** A fresh code for the bound person (default) or a proxied member; the previous one on this device dies. */
  private void issue(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject sent = rc.body() == null ? null : rc.body().asJsonObject();
    JsonObject body = sent == null ? new JsonObject() : sent;
    String requested = body.getString("psnNo");
    // The bound person's own code needs no read first: recording it (code-current-swap.lua) refuses it in the same
    // step unless the account activated that person, and the answer is the same 403 CODE_NOT_ACTIVATED.
    boolean own = requested == null || requested.equals(s.boundPerson().result());
    Future<String> whose = own ? s.boundPerson() : activatedPerson(s);
    whose.compose(self -> {
      if (requested == null || requested.equals(self)) {
        return Future.succeededFuture(self);
      }
      return codes.proxies(s.accountId()).compose(proxies -> proxies.containsKey(requested)
          ? Future.succeededFuture(requested)
          : Future.failedFuture(new ProblemException(ProblemCode.NOT_A_FAMILY_MEMBER,
              "Add them as a family member first", "psnNo", Map.of())));
    }).compose(psnNo -> codes.issue(s.accountId(), s.sessionId(), s.deviceId(), psnNo)).map(live -> new JsonObject()
        .put("code", live.code())
        .put("psnNo", live.psnNo())
        .put("expiresAt", time(live.issuedMillis() + config.ttlSeconds() * 1000L))
        .put("refreshAfter", time(live.issuedMillis() + config.refreshAfterSeconds() * 1000L))
        .put("imageUrl", "/api/v1/insurance-code/" + live.code()))
        .onComplete(r -> Responses.reply(rc, 201, r));
  }

  /**
   * One of the caller's own live codes: the QR image when the client accepts image/png, else its state. Anyone
   * else's code, or a dead one, is 410: nothing tells a stranger that a code exists.
   */
  private void image(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    String code = rc.pathParam("code");
    codes.live(code).onComplete(r -> {
      if (r.failed()) {
        Responses.fail(rc, r.cause());
      } else if (r.result() == null || !r.result().accountId().equals(s.accountId())) {
        rc.fail(new ProblemException(ProblemCode.CODE_EXPIRED, "Request a fresh code"));
      } else if (rc.response().ended()) {
        return;
      } else if (String.valueOf(rc.request().getHeader("Accept")).contains("image/png")) {
        rc.response().putHeader("Content-Type", "image/png").end(Buffer.buffer(QrPng.render(code)));
      } else {
        InsuranceCodes.Live live = r.result();
        Responses.json(rc, 200, new JsonObject().put("code", code).put("psnNo", live.psnNo())
            .put("expiresAt", time(live.issuedMillis() + config.ttlSeconds() * 1000L)));
      }
    });
  }

  static String time(long millis) {
    return BusinessTime.timestamp(millis);
  }
}
