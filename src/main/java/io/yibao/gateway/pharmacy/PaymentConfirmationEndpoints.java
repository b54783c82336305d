package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.Paging;
import io.yibao.gateway.http.Responses;
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
    Paging paging = Paging.of(rc);
    settlements.ofResident(ResidentSession.of(rc).accountId(), paging.offset(), paging.size())
        .map(found -> paging.answer(views(found.items()), found.total())).onComplete(r -> Responses.reply(rc, 200, r));
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
