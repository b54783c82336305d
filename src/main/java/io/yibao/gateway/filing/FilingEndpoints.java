package io.yibao.gateway.filing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.http.Validated;
import io.yibao.gateway.idempotency.Idempotency;
import io.yibao.gateway.time.BusinessTime;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Cross-region care under {@code /api/v1/remote-care} and the division list under {@code /api/v1/regions}: HTTP in,
 * a {@link RemoteCareFilings} or {@link Regions} call, the answer out.
 */
public final class FilingEndpoints {

  /** The division list changes only with a release of the gateway. */
  private static final String REGIONS_CACHE_CONTROL = "public, max-age=86400";

  private final RemoteCareFilings filings;
  private final FilingRules rules;
  private final Regions regions;
  private final Idempotency idempotency;

  public FilingEndpoints(RemoteCareFilings filings, FilingRules rules, Regions regions, Idempotency idempotency) {
    this.filings = filings;
    this.rules = rules;
    this.regions = regions;
    this.idempotency = idempotency;
  }

  public void register(Operations operations) {
    operations.on("listRegions", this::regions)
        .on("createFiling", this::create)
        .on("listFilings", this::list)
        .on("getFiling", this::get)
        .on("changeFiling", this::change)
        .on("revokeFiling", this::revoke);
  }

  private void regions(RoutingContext rc) {
    String q = Validated.queryString(rc, "q");
    String parent = Validated.queryString(rc, "parent");
    int limit = Validated.queryInt(rc, "limit");
    List<Regions.Division> found;
    if (parent != null) {
      if (regions.find(parent).isEmpty()) {
        throw new ProblemException(ProblemCode.NOT_FOUND, "No such division", "parent", Map.of());
      }
      found = regions.children(parent).stream()
          .filter(d -> q == null || d.code().startsWith(q) || d.name().contains(q)).limit(limit).toList();
    } else if (q != null && !q.isBlank()) {
      found = regions.search(q, limit);
    } else {
      found = regions.provinces().stream().limit(limit).toList();
    }
    JsonArray items = new JsonArray();
    found.forEach(d -> items.add(region(d)));
    rc.response().putHeader("Cache-Control", REGIONS_CACHE_CONTROL);
    Responses.json(rc, 200, new JsonObject().put("items", items));
  }

  private void create(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject body = rc.body().asJsonObject();
    RemoteCareFilings.Request request = new RemoteCareFilings.Request(body.getString("psnNo"),
        FilingCategory.valueOf(body.getString("category")), body.getString("destinationRegion"),
        date(body, "startDate"), date(body, "endDate"), body.getString("referral"),
        body.getBoolean("commitment", false));
    idempotency.respond(rc, "filing:" + s.accountId(), attempt -> filings.file(s, request, attempt.key())
        .map(owned -> Idempotency.Answer.json(201, view(owned),
            Map.of("Location", "/api/v1/remote-care/filings/" + owned.filing().id()))));
  }

  private void list(RoutingContext rc) {
    filings.list(ResidentSession.of(rc)).map(listed -> {
      JsonArray items = new JsonArray();
      listed.filings().forEach(o -> items.add(view(o)));
      JsonObject answer = new JsonObject().put("items", items);
      if (listed.stale()) {
        answer.put("stale", true).put("asOf", BusinessTime.timestamp(listed.asOf().toEpochMilli()));
      }
      return answer;
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void get(RoutingContext rc) {
    filings.get(ResidentSession.of(rc), rc.pathParam("id")).map(this::view)
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void change(RoutingContext rc) {
    JsonObject body = rc.body().asJsonObject();
    filings.change(ResidentSession.of(rc), rc.pathParam("id"), body.getString("destinationRegion"),
        date(body, "endDate"), body.getString("reason")).map(this::view).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void revoke(RoutingContext rc) {
    JsonObject sent = rc.body().asJsonObject();
    JsonObject body = sent == null ? new JsonObject() : sent; // the body is optional
    filings.revoke(ResidentSession.of(rc), rc.pathParam("id"), body.getString("reason")).map(this::view)
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** The filing as the resident sees it: whose, the destination by name, where it stands today, its history. */
  private JsonObject view(RemoteCareFilings.Owned owned) {
    Filing f = owned.filing();
    LocalDate today = BusinessTime.today();
    LocalDate locked = rules.lockedUntil(f);
    JsonObject view = new JsonObject()
        .put("id", f.id())
        .put("psnNo", f.psnNo())
        .put("relation", owned.relation());
    if (owned.maskedName() != null) {
      view.put("name", owned.maskedName());
    }
    view.put("category", f.category().name())
        .put("kind", f.category().kind().name())
        .put("destinationRegion", regions.find(f.destinationRegion()).map(FilingEndpoints::region)
            .orElse(new JsonObject().put("code", f.destinationRegion())))
        .put("startDate", f.startDate().toString())
        .put("endDate", f.endDate() == null ? null : f.endDate().toString())
        .put("basis", f.basis().name())
        .put("referral", f.referralNo())
        .put("status", f.status(today).name())
        .put("revokedOn", f.revokedOn() == null ? null : f.revokedOn().toString())
        .put("lockedUntil", locked == null || f.revoked() ? null : locked.toString())
        .put("validityNote", rules.validityNote(f))
        .put("createdAt", f.createdAt())
        .put("history", f.history().copy());
    if (owned.stale()) {
      view.put("stale", true).put("asOf", BusinessTime.timestamp(owned.asOf().toEpochMilli()));
    }
    return view;
  }

  private static JsonObject region(Regions.Division d) {
    return new JsonObject().put("code", d.code()).put("name", d.name()).put("level", d.level().name())
        .put("parentCode", d.parentCode()).put("fullName", d.fullName());
  }

  /** A date the contract validated as {@code format: date}; a day that does not exist is still refused here. */
  private static LocalDate date(JsonObject body, String field) {
    String value = body.getString(field);
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw ProblemException.invalidField(field, "Not a date (YYYY-MM-DD)");
    }
  }
}
