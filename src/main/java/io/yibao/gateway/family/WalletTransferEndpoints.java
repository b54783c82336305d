package io.yibao.gateway.family;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.idempotency.Idempotency;

import java.util.Map;

/**
 * Wallet transfers under {@code /api/v1/family/transfers}: HTTP in, a {@link WalletTransfers} call, the answer out
 * (201 when the accounts system answered, 202 while PENDING).
 */
public final class WalletTransferEndpoints {

  private final WalletTransfers transfers;
  private final Idempotency idempotency;

  public WalletTransferEndpoints(WalletTransfers transfers, Idempotency idempotency) {
    this.transfers = transfers;
    this.idempotency = idempotency;
  }

  public void register(Operations operations) {
    operations.on("createWalletTransfer", this::create)
        .on("listWalletTransfers", this::list);
  }

  private void create(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject body = rc.body().asJsonObject();
    String scope = "transfer:" + s.accountId();
    idempotency.respond(rc, scope, attempt -> transfers.transfer(s, scope, attempt.key(),
            body.getString("toPsnNo"), body.getLong("amountFen"))
        .map(t -> Idempotency.Answer.json(t.status() == WalletTransfer.Status.PENDING ? 202 : 201,
            view(t), Map.of())));
  }

  private void list(RoutingContext rc) {
    transfers.list(ResidentSession.of(rc)).map(lines -> {
      JsonArray items = new JsonArray();
      lines.forEach(l -> items.add(view(l)));
      return new JsonObject().put("items", items);
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** A transfer just made, as the sharer sees it. */
  static JsonObject view(WalletTransfer t) {
    return view(new WalletTransfers.Line(t.id(), true, t.fromPsnNo(), t.toPsnNo(), null, t.amountFen(), t.status(),
        io.yibao.gateway.time.BusinessTime.timestamp(t.createdAt()), WalletTransfers.timestamp(t.receivedAt()),
        WalletTransfers.timestamp(t.returnedAt())));
  }

  static JsonObject view(WalletTransfers.Line l) {
    JsonObject view = new JsonObject()
        .put("id", l.id())
        .put("direction", l.outgoing() ? "OUT" : "IN")
        .put("fromPsnNo", l.fromPsnNo())
        .put("toPsnNo", l.toPsnNo())
        .put("amountFen", l.amountFen())
        .put("status", l.status().name())
        .put("createdAt", l.createdAt())
        .put("receivedAt", l.receivedAt())
        .put("returnedAt", l.returnedAt());
    if (l.maskedName() != null) {
      view.put("name", l.maskedName());
    }
    return view;
  }
}
