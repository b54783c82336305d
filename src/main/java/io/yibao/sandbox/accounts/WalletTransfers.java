package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonObject;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The book of wallet transfers (医保钱包转账): from a sharer's personal account into a bound relative's wallet.
 * A transfer is one synchronized step: the binding and the wallet are checked, the account debited (never below
 * zero) and the wallet credited when it can take the money; otherwise the money is in transit until the daily
 * return gives it back. Idempotent by the caller's id; an id voided before it arrived never moves money. Daily
 * limits and quiet hours are the gateway's policy, not checked here.
 */
public final class WalletTransfers {

  /** What a transfer request asks; a replay of its id must ask the same. */
  record Request(String id, String fromPsnNo, String toPsnNo, long amountFen) {
  }

  private final Ledger ledger;
  private final SharingBindings sharing;
  private final Wallets wallets;
  /** Every transfer by id, oldest first. */
  private final Map<String, WalletTransfer> byId = new LinkedHashMap<>();
  private final Set<String> voided = new HashSet<>();

  public WalletTransfers(Ledger ledger, SharingBindings sharing, Wallets wallets) {
    this.ledger = ledger;
    this.sharing = sharing;
    this.wallets = wallets;
  }

  /** Sends at {@code now}: 201 the transfer; 200 the same one for a replay; refusals as the API documents. */
  public synchronized Answer send(String id, String fromPsnNo, String toPsnNo, long amountFen, ZonedDateTime now) {
    if (voided.contains(id)) {
      return Answer.refused(409, "VOIDED", "this transfer id was voided");
    }
    WalletTransfer seen = byId.get(id);
    if (seen != null) {
      return new Request(seen.id(), seen.fromPsnNo(), seen.toPsnNo(), seen.amountFen())
          .equals(new Request(id, fromPsnNo, toPsnNo, amountFen))
          ? Answer.of(200, seen.toJson()) : Answer.refused(409, "ID_REUSED", "id was used for a different transfer");
    }
    if (amountFen < 1) {
      return Answer.refused(400, "BAD_AMOUNT", "amountFen must be at least 1");
    }
    if (!sharing.walletAllowed(fromPsnNo, toPsnNo)) {
      return Answer.refused(422, "NOT_BOUND", "no active binding allows wallet transfers to this relative");
    }
    if (wallets.status(toPsnNo) == Wallets.Status.NONE) {
      return Answer.refused(422, "NO_WALLET", "the relative has not opened an insurance wallet");
    }
    Ledger.Result debit = ledger.debit(ledgerId(id), fromPsnNo, amountFen, "WALLET_TRANSFER",
        "转入医保钱包 " + toPsnNo, toPsnNo);
    if (!debit.ok()) {
      return switch (debit.error()) {
        case "INSUFFICIENT_BALANCE" -> Answer.refused(422, "INSUFFICIENT_BALANCE", "the balance does not cover it");
        case "NO_ACCOUNT" -> Answer.refused(404, "NO_ACCOUNT", "the sharer has no personal account");
        default -> Answer.refused(409, debit.error(), "the ledger refused the debit");
      };
    }
    boolean received = wallets.take(toPsnNo, amountFen);
    WalletTransfer t = new WalletTransfer(id, fromPsnNo, toPsnNo, amountFen,
        received ? WalletTransfer.Status.RECEIVED : WalletTransfer.Status.SENT, now, received ? now : null, null);
    byId.put(id, t);
    return Answer.of(201, t.toJson());
  }

  public synchronized WalletTransfer transfer(String id) {
    return byId.get(id);
  }

  /**
   * Makes sure the transfer {@code id} never happens unless it has: the transfer as it stands when it exists
   * (nothing is undone), else {@code {id, status: VOIDED}}, and a later request with that id is refused.
   */
  public synchronized JsonObject voidTransfer(String id) {
    WalletTransfer t = byId.get(id);
    if (t != null) {
      return t.toJson();
    }
    voided.add(id);
    return new JsonObject().put("id", id).put("status", "VOIDED");
  }

  /** Transfers the person sent or received, newest first. */
  public synchronized List<WalletTransfer> of(String psnNo) {
    List<WalletTransfer> out = new ArrayList<>();
    for (WalletTransfer t : byId.values()) {
      if (t.fromPsnNo().equals(psnNo) || t.toPsnNo().equals(psnNo)) {
        out.add(0, t);
      }
    }
    return out;
  }

  /** Gives every transfer still in transit back to its sharer (the 06:00 run); how many it returned. */
  public synchronized int returnAll(ZonedDateTime now) {
    int returned = 0;
    for (WalletTransfer t : List.copyOf(byId.values())) {
      if (t.status() != WalletTransfer.Status.SENT) {
        continue;
      }
      Ledger.Result credit = ledger.credit(ledgerId(t.id()) + ":return", t.fromPsnNo(), t.amountFen(),
          "WALLET_RETURN", "医保钱包未入账退回 " + t.toPsnNo(), t.toPsnNo());
      if (!credit.ok()) {
        throw new IllegalStateException("wallet return refused: " + credit.error());
      }
      byId.put(t.id(), t.returned(now));
      returned++;
    }
    return returned;
  }

  private static String ledgerId(String id) {
    return "wallet-transfer:" + id;
  }
}
