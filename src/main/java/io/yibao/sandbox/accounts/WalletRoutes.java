package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.registry.Registry;

import java.time.Clock;
import java.time.ZonedDateTime;

/** The insurance-wallet and wallet-transfer routes of the accounts service; see there. */
final class WalletRoutes {

  private final Registry registry;
  private final Wallets wallets;
  private final WalletTransfers transfers;
  private final Clock clock;

  WalletRoutes(Registry registry, Wallets wallets, WalletTransfers transfers, Clock clock) {
    this.registry = registry;
    this.wallets = wallets;
    this.transfers = transfers;
    this.clock = clock;
  }

  void mount(Router router) {
    router.get("/accounts/wallets/:psnNo").handler(rc -> {
      String psnNo = rc.pathParam("psnNo");
      if (registry.person(psnNo) == null) {
        SandboxHttp.error(rc, 404, "NOT_FOUND", "no such person");
      } else {
        SandboxHttp.ok(rc, wallets.toJson(psnNo));
      }
    });
    router.post("/accounts/wallet-transfers").handler(this::send);
    router.get("/accounts/wallet-transfers").handler(rc -> {
      String psnNo = rc.queryParams().get("psnNo");
      if (psnNo == null) {
        SandboxHttp.error(rc, 400, "BAD_REQUEST", "psnNo is required");
        return;
      }
      JsonArray out = new JsonArray();
      transfers.of(psnNo).forEach(t -> out.add(t.toJson()));
      SandboxHttp.ok(rc, new JsonObject().put("transfers", out));
    });
    router.get("/accounts/wallet-transfers/:id").handler(rc -> {
      WalletTransfer t = transfers.transfer(rc.pathParam("id"));
      if (t == null) {
        SandboxHttp.error(rc, 404, "NOT_FOUND", "no such transfer");
      } else {
        SandboxHttp.ok(rc, t.toJson());
      }
    });
    router.post("/accounts/wallet-transfers/:id/void").handler(rc ->
        SandboxHttp.ok(rc, transfers.voidTransfer(rc.pathParam("id"))));
  }

  void mountAdmin(Router router) {
    router.post("/_sandbox/accounts/wallets/:psnNo").handler(this::setWallet);
    router.post("/_sandbox/accounts/wallet-returns").handler(rc ->
        SandboxHttp.ok(rc, new JsonObject().put("returned", runReturns())));
  }

  /** Gives every transfer in transit back to its sharer now. */
  int runReturns() {
    return transfers.returnAll(now());
  }

  private void send(RoutingContext rc) {
    JsonObject b = SandboxHttp.body(rc);
    if (b == null) {
      return;
    }
    for (String field : new String[] {"id", "fromPsnNo", "toPsnNo"}) {
      if (!(b.getValue(field) instanceof String s) || s.isBlank()) {
        SandboxHttp.error(rc, 400, "BAD_REQUEST", field + " is required");
        return;
      }
    }
    Object amount = b.getValue("amountFen");
    if (amount == null) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "amountFen is required");
      return;
    }
    if (!(amount instanceof Integer || amount instanceof Long)) {
      SandboxHttp.error(rc, 400, "BAD_AMOUNT", "amountFen must be whole fen");
      return;
    }
    SharingRoutes.answer(rc, transfers.send(b.getString("id"), b.getString("fromPsnNo"), b.getString("toPsnNo"),
        ((Number) amount).longValue(), now()));
  }

  private void setWallet(RoutingContext rc) {
    JsonObject b = SandboxHttp.body(rc);
    if (b == null) {
      return;
    }
    String psnNo = rc.pathParam("psnNo");
    if (registry.person(psnNo) == null) {
      SandboxHttp.error(rc, 404, "NOT_FOUND", "no such person");
      return;
    }
    Wallets.Status status;
    try {
      status = b.getValue("status") == null ? null : Wallets.Status.valueOf(b.getString("status"));
    } catch (RuntimeException e) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "status must be OPEN, FROZEN or NONE");
      return;
    }
    Object cap = b.getValue("capFen");
    if (cap != null && (!(cap instanceof Integer || cap instanceof Long) || ((Number) cap).longValue() < 0)) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "capFen must be whole fen, 0 or more, or null for no cap");
      return;
    }
    if (!wallets.set(psnNo, status, b.containsKey("capFen"), cap == null ? null : ((Number) cap).longValue())) {
      SandboxHttp.error(rc, 409, "NOT_EMPTY", "a wallet holding money cannot be closed");
      return;
    }
    SandboxHttp.ok(rc, wallets.toJson(psnNo));
  }

  private ZonedDateTime now() {
    return ZonedDateTime.now(clock).withZoneSameInstant(BusinessTime.ZONE);
  }
}
