package io.yibao.gateway.insurancecode;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.time.BusinessTime;


/**
 * The resident's insurance code (医保码), under {@code /api/v1/insurance-code}: activation by face, family
 * proxies (亲情账户), issuing the dynamic one-time code and rendering it as a QR image.
 */
public final class CodeEndpoints {

  private final GatewayConfig.InsuranceCode config;
  private final InsuranceCodes codes;
  private final ResidentCodes flows;

  public CodeEndpoints(GatewayConfig.InsuranceCode config, InsuranceCodes codes, ResidentCodes flows) {
    this.config = config;
    this.codes = codes;
    this.flows = flows;
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


  private void getActivation(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    s.boundPerson().compose(psnNo -> codes.activation(s.accountId()).map(a -> {
      boolean active = a != null && psnNo.equals(a.getString("psnNo"));
      return new JsonObject().put("activated", active).put("psnNo", psnNo)
          .put("activatedAt", active ? time(a.getLong("at")) : null);
    })).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void activate(RoutingContext rc) {
    flows.activate(ResidentSession.of(rc), rc.body().asJsonObject().getString("faceToken"))
        .map(psnNo -> new JsonObject().put("activated", true).put("psnNo", psnNo)
            .put("activatedAt", time(System.currentTimeMillis())))
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

  private void addProxy(RoutingContext rc) {
    JsonObject body = rc.body().asJsonObject();
    flows.addProxy(ResidentSession.of(rc), body.getString("psnNo"), body.getString("faceToken"))
        .onComplete(r -> Responses.reply(rc, 201, r));
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
    JsonObject sent = rc.body() == null ? null : rc.body().asJsonObject();
    flows.issue(ResidentSession.of(rc), sent == null ? null : sent.getString("psnNo")).map(live -> new JsonObject()
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
