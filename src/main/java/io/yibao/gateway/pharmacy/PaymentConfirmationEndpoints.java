package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.http.Validated;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.identity.StepUp;
import io.yibao.gateway.pharmacy.SettlementRecords.Status;

import java.util.Map;

/**
 * The resident's side of pharmacy settlement, under {@code /api/v1}: their settlements (and their family
 * members', settled with codes this account showed), newest first; payments above the confirmation amount
 * waiting for them; and confirming one (step-up required), which settles it.
 */
public final class PaymentConfirmationEndpoints {

  private final PharmacySettlements settlements;
  private final SettlementRecords records;

  public PaymentConfirmationEndpoints(PharmacySettlements settlements) {
    this.settlements = settlements;
    this.records = settlements.records();
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
    records.countOfAccount(s.accountId()).compose(total -> records.idsOfAccount(s.accountId(), (page - 1) * size, size)
        .compose(ids -> records.ofAccount(s.accountId(), ids)).map(all -> {
          JsonArray items = new JsonArray();
          long now = System.currentTimeMillis();
          all.stream().sorted((a, b) -> Long.compare(Long.parseLong(b.get("createdAt")), Long.parseLong(a.get("createdAt"))))
              .forEach(r -> items.add(SettlementRecords.view(r, now)));
          return new JsonObject().put("items", items).put("page", page).put("size", size).put("total", total);
        })).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void pending(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    records.awaiting(s.accountId()).compose(ids -> records.ofAccount(s.accountId(), ids)).map(all -> {
      JsonArray items = new JsonArray();
      long now = System.currentTimeMillis();
      for (Map<String, String> r : all) {
        if (Status.AWAITING_CONFIRMATION.name().equals(SettlementRecords.effectiveStatus(r, now))) {
          items.add(SettlementRecords.view(r, now));
        }
      }
      return new JsonObject().put("items", items);
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** The resident says yes: the settlement is sent to the core now, exactly like one below the threshold. */
  private void confirm(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    String id = rc.pathParam("id");
    StepUp.require(s).compose(x -> records.ofAccount(s.accountId(), id)).compose(r -> {
      if (r == null || !s.accountId().equals(r.get("acct"))) {
        return Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, null));
      }
      String status = SettlementRecords.effectiveStatus(r, System.currentTimeMillis());
      if (Status.EXPIRED.name().equals(status)) {
        return records.transition(r, Status.AWAITING_CONFIRMATION, Status.EXPIRED)
            .compose(y -> records.stopAwaiting(s.accountId(), id))
            .compose(y -> Future.failedFuture(new ProblemException(ProblemCode.SETTLEMENT_NOT_CANCELLABLE,
                "The confirmation time has passed; nothing was charged")));
      }
      if (!Status.AWAITING_CONFIRMATION.name().equals(status)) {
        return Future.succeededFuture(r); // already confirmed: answer with how it stands
      }
      // Never sent (core unavailable): it awaits the resident again and the 503 invites a retry.
      return settlements.confirm(r).compose(sent -> records.stopAwaiting(s.accountId(), id).map(sent));
    }).map(r -> SettlementRecords.view(r, System.currentTimeMillis())).onComplete(r -> Responses.reply(rc, 200, r));
  }
}
