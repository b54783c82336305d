package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonObject;

import java.time.ZonedDateTime;

/**
 * A transfer from a sharer's personal account into a relative's insurance wallet. SENT: taken from the account,
 * not (yet) in the wallet, because the wallet was frozen or full; RECEIVED: in the wallet; RETURNED: the wallet
 * never took it and it went back to the sharer.
 */
public record WalletTransfer(String id, String fromPsnNo, String toPsnNo, long amountFen, Status status,
                             ZonedDateTime at, ZonedDateTime receivedAt, ZonedDateTime returnedAt) {

  public enum Status { SENT, RECEIVED, RETURNED }

  WalletTransfer returned(ZonedDateTime when) {
    return new WalletTransfer(id, fromPsnNo, toPsnNo, amountFen, Status.RETURNED, at, receivedAt, when);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("fromPsnNo", fromPsnNo).put("toPsnNo", toPsnNo)
        .put("amountFen", amountFen).put("status", status.name()).put("at", BusinessTime.format(at))
        .put("receivedAt", BusinessTime.format(receivedAt)).put("returnedAt", BusinessTime.format(returnedAt));
  }
}
