package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.http.Validated;
import io.yibao.gateway.identity.StepUp;

import java.util.List;

/**
 * The resident's side of pharmacy settlement, under {@code /api/v1}: their settlements (and their family
 * members', settled with codes this account showed), newest first; payments above the confirmation amount
 * waiting for them; and confirming one (step-up required), which settles it. Each handler translates HTTP to a
 * call of {@link PharmacySettlements} and its answer back.
 */
public final class PaymentConfirmationEndpoints {

  private final PharmacySettlements settlements;

  public PaymentConfirmationEndpoints(PharmacySettlements settlements) {
    this.settlements = settlements;
  }

  public void register(Operations operations) {
    operations.on("listMySettlements", this::list)
        .on("listPendingPayments", this::pending)
        .on("confirmPayment", this::confirm);
  }

  private void list(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    int page = Validated.queryInt(rc, "page", 1);
    int size = Validated.queryInt(rc, "size", 20);
    settlements.ofResident(s.accountId(), page, size).map(found -> new JsonObject().put("items", views(found.items()))
        .put("page", page).put("size", size).put("total", found.total())).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void pending(RoutingContext rc) {
    settlements.awaitingResident(ResidentSession.of(rc).accountId())
        .map(awaiting -> new JsonObject().put("items", views(awaiting))).onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** The resident says yes: the settlement is sent to the core now, exactly like one below the threshold. */
  private void confirm(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    StepUp.require(s).compose(x -> settlements.confirmByResident(s.accountId(), rc.pathParam("id")))
        .map(settlement -> SettlementRecords.view(settlement, System.currentTimeMillis()))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private static JsonArray views(List<Settlement> settlements) {
    long now = System.currentTimeMillis();
    JsonArray items = new JsonArray();
    settlements.forEach(s -> items.add(SettlementRecords.view(s, now)));
    return items;
  }
}
