package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.contribution.ContributionOrder.Method;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.Paging;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.http.Validated;
import io.yibao.gateway.idempotency.Idempotency;
import io.yibao.gateway.time.BusinessTime;

import java.util.List;
import java.util.Map;

/**
 * Contribution payment (参保缴费) under {@code /api/v1/contributions}: HTTP in, a {@link ContributionPayments} call,
 * the answer out.
 */
public final class ContributionEndpoints {

  private final ContributionPayments payments;
  private final Idempotency idempotency;

  public ContributionEndpoints(ContributionPayments payments, Idempotency idempotency) {
    this.payments = payments;
    this.idempotency = idempotency;
  }

  public void register(Operations operations) {
    operations.on("getContributionOptions", this::options)
        .on("createContributionOrder", this::create)
        .on("getContributionOrder", this::get)
        .on("listContributionOrders", this::list)
        .on("cancelContributionOrder", this::cancel);
  }

  private void options(RoutingContext rc) {
    payments.options(ResidentSession.of(rc), Validated.queryInt(rc, "year"))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void create(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject body = rc.body().asJsonObject();
    idempotency.respond(rc, "contrib:" + s.accountId(), attempt -> createOnce(s, body));
  }

  private Future<Idempotency.Answer> createOnce(ResidentSession s, JsonObject body) {
    List<String> psnNos = body.getJsonArray("psnNos").stream().map(String::valueOf).toList();
    return payments.place(s, body.getInteger("year"), Method.valueOf(body.getString("method")), psnNos).map(placed -> {
      // 202 while a debit's answer is outstanding: the order is PAYING and the follow-up resolves it.
      JsonObject answer = view(placed.order(), System.currentTimeMillis());
      if (placed.payment() != null) {
        answer.put("payment", placed.payment().toJson().put("prepayId", placed.prepayId()));
      }
      return Idempotency.Answer.json(placed.settled() ? 201 : 202, answer,
          Map.of("Location", "/api/v1/contributions/orders/" + placed.order().id()));
    });
  }

  private void get(RoutingContext rc) {
    payments.mine(ResidentSession.of(rc), rc.pathParam("id")).map(o -> view(o, System.currentTimeMillis()))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void list(RoutingContext rc) {
    Paging paging = Paging.of(rc);
    payments.list(ResidentSession.of(rc), paging.offset(), paging.size()).map(page -> {
      JsonArray items = new JsonArray();
      long now = System.currentTimeMillis();
      page.items().forEach(o -> items.add(view(o, now)));
      return paging.answer(items, page.total());
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void cancel(RoutingContext rc) {
    payments.cancel(ResidentSession.of(rc), rc.pathParam("id")).map(o -> view(o, System.currentTimeMillis()))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** The order as the resident sees it. */
  static JsonObject view(ContributionOrder o, long nowMillis) {
    JsonObject view = new JsonObject()
        .put("id", o.id())
        .put("year", o.year())
        .put("method", o.method().name())
        .put("status", o.effectiveStatus(nowMillis).name())
        .put("totalFen", o.totalFen())
        .put("lines", ContributionOrder.linesJson(o.lines()))
        .put("createdAt", BusinessTime.timestamp(o.createdAt()))
        .put("expiresAt", BusinessTime.timestamp(o.expiresAt()));
    if (o.paidAt() != null) {
      view.put("paidAt", BusinessTime.timestamp(o.paidAt()));
    }
    if (o.recordedAt() != null) {
      view.put("recordedAt", BusinessTime.timestamp(o.recordedAt()));
    }
    if (o.error() != null) {
      view.put("error", o.error());
    }
    if (o.refundReason() != null) {
      view.put("refundReason", o.refundReason());
    }
    if (o.refundedAt() != null) {
      view.put("refundedAt", BusinessTime.timestamp(o.refundedAt()));
    }
    return view;
  }
}
