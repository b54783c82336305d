package io.yibao.sandbox.accounts;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.SandboxService;
import io.yibao.sandbox.SandboxWorld;

import java.time.Clock;

/**
 * The personal-account service (个人账户):
 * <pre>
 * GET  /accounts/{psnNo}          balance and recent entries (404 when the person has no personal account)
 * POST /accounts/debits           {id, psnNo, amountFen, kind, memo}
 * POST /accounts/credits          {id, psnNo, amountFen, kind, memo}
 * POST /accounts/transfers        {id, fromPsnNo, toPsnNo, amountFen, memo}
 * GET  /accounts/debits/{id}      {id, status: DEBITED | VOIDED}; 404 NOT_FOUND when the ledger never took it
 * POST /accounts/debits/{id}/void {id, status}: DEBITED when it happened, else VOIDED — and it never will
 * </pre>
 * Movements are idempotent by {@code id}. Errors: 422 INSUFFICIENT_BALANCE (nothing moved), 404 NO_ACCOUNT,
 * 409 ID_REUSED (same id, other parameters), 409 VOIDED (a debit id voided before it arrived), 400 BAD_AMOUNT.
 * Entries are {@code {id, amountFen, balanceAfterFen, kind, memo, at, counterpartPsnNo?}}; the family kinds are
 * FAMILY_SHARING (a relative's purchase), FAMILY_SHARING_UNDO (given back by cancel or reversal),
 * WALLET_TRANSFER, WALLET_RETURN, TRANSFER_OUT / TRANSFER_IN, each naming the relative in counterpartPsnNo.
 * <p>Family sharing (家庭共济): the gateway decides who may bind whom and when (consent, limits, quiet hours);
 * this system keeps the bindings, wallets and transfers and moves the money atomically.
 * <pre>
 * POST   /accounts/sharing/bindings            {id, sharerPsnNo, memberPsnNo, relation,
 *                                               uses: {institutions, contributions, wallet}} → 201 the binding;
 *                                              200 the same for a replay; 409 ID_REUSED; 404 NO_ACCOUNT (sharer);
 *                                              404 NOT_FOUND (member); 409 ALREADY_BOUND + bindingId; 400
 * GET    /accounts/sharing/bindings?sharer=X | ?member=Y   {bindings: [...]} active ones, oldest first
 * GET    /accounts/sharing/bindings/{id}       the binding, any status; 404
 * PUT    /accounts/sharing/bindings/{id}/uses  {institutions, contributions, wallet} → the binding; 409 ENDED
 * DELETE /accounts/sharing/bindings/{id}       the binding ENDED (again: as it is)
 * GET    /accounts/wallets/{psnNo}             {psnNo, status OPEN|FROZEN|NONE, balanceFen, capFen}; 404 NOT_FOUND
 * POST   /accounts/wallet-transfers            {id, fromPsnNo, toPsnNo, amountFen} → 201 the transfer; 200 replay;
 *                                              409 ID_REUSED | VOIDED; 422 NOT_BOUND | NO_WALLET |
 *                                              INSUFFICIENT_BALANCE; 400 BAD_AMOUNT
 * GET    /accounts/wallet-transfers/{id}       the transfer; 404 NOT_FOUND when it was never taken
 * POST   /accounts/wallet-transfers/{id}/void  the transfer as it stands, else {id, status: VOIDED} for good
 * GET    /accounts/wallet-transfers?psnNo=X    {transfers: [...]} sent or received, newest first
 * POST   /_sandbox/accounts/wallets/{psnNo}    {status?, capFen?} (admin) → the wallet; 409 NOT_EMPTY closing one
 * POST   /_sandbox/accounts/wallet-returns     (admin) the 06:00 return now → {returned: n}
 * </pre>
 * A binding: {@code {id, sharerPsnNo, memberPsnNo, relation, uses, status ACTIVE|ENDED, since, endedAt}}; a
 * transfer: {@code {id, fromPsnNo, toPsnNo, amountFen, status SENT|RECEIVED|RETURNED, at, receivedAt,
 * returnedAt}}; times ISO-8601 to the second, +08:00. A transfer the wallet cannot take (frozen, over its cap)
 * stays SENT until the return at 06:00 business time gives it back to the sharer.
 */
public final class AccountsService implements SandboxService {

  private final Ledger ledger;
  private final SharingRoutes sharing;
  private final WalletRoutes wallets;

  public AccountsService(SandboxWorld world, Vertx vertx) {
    this(world, vertx, Clock.system(BusinessTime.ZONE));
  }

  /** Starts the daily wallet return on {@code vertx}'s event loop. */
  public AccountsService(SandboxWorld world, Vertx vertx, Clock clock) {
    this.ledger = world.ledger();
    this.sharing = new SharingRoutes(world.sharing(), clock);
    this.wallets = new WalletRoutes(world.registry(), world.wallets(), world.walletTransfers(), clock);
    new WalletReturns(vertx, clock, wallets::runReturns).start();
  }

  @Override
  public String name() {
    return "accounts";
  }

  @Override
  public void mount(Router router) {
    // Before /accounts/:psnNo, which would take /accounts/wallet-transfers for a person.
    sharing.mount(router);
    wallets.mount(router);
    router.get("/accounts/:psnNo").handler(rc -> {
      String psnNo = rc.pathParam("psnNo");
      long balance = ledger.balance(psnNo);
      if (balance < 0) {
        SandboxHttp.error(rc, 404, "NO_ACCOUNT", "no personal account");
        return;
      }
      JsonArray entries = new JsonArray();
      ledger.entries(psnNo).forEach(e -> entries.add(e.toJson()));
      SandboxHttp.ok(rc, new JsonObject().put("psnNo", psnNo).put("balanceFen", balance).put("entries", entries));
    });
    router.post("/accounts/debits").handler(rc -> move(rc, false));
    router.get("/accounts/debits/:id").handler(rc -> {
      String state = ledger.debitState(rc.pathParam("id"));
      if (state == null) {
        SandboxHttp.error(rc, 404, "NOT_FOUND", "no such debit");
      } else {
        SandboxHttp.ok(rc, new JsonObject().put("id", rc.pathParam("id")).put("status", state));
      }
    });
    router.post("/accounts/debits/:id/void").handler(rc -> SandboxHttp.ok(rc, new JsonObject()
        .put("id", rc.pathParam("id")).put("status", ledger.voidDebit(rc.pathParam("id")))));
    router.post("/accounts/credits").handler(rc -> move(rc, true));
    router.post("/accounts/transfers").handler(rc -> {
      JsonObject b = SandboxHttp.body(rc);
      if (b == null || !has(rc, b, "id", "fromPsnNo", "toPsnNo", "amountFen")) {
        return;
      }
      answer(rc, ledger.transfer(b.getString("id"), b.getString("fromPsnNo"), b.getString("toPsnNo"),
          b.getLong("amountFen"), b.getString("memo", "")), b.getString("fromPsnNo"));
    });
  }

  @Override
  public void mountAdmin(Router router) {
    wallets.mountAdmin(router);
  }

  private void move(RoutingContext rc, boolean credit) {
    JsonObject b = SandboxHttp.body(rc);
    if (b == null || !has(rc, b, "id", "psnNo", "amountFen")) {
      return;
    }
    String psnNo = b.getString("psnNo");
    Ledger.Result r = credit
        ? ledger.credit(b.getString("id"), psnNo, b.getLong("amountFen"), b.getString("kind", "CREDIT"), b.getString("memo", ""))
        : ledger.debit(b.getString("id"), psnNo, b.getLong("amountFen"), b.getString("kind", "DEBIT"), b.getString("memo", ""));
    answer(rc, r, psnNo);
  }

  private void answer(RoutingContext rc, Ledger.Result r, String psnNo) {
    if (r.ok()) {
      JsonArray entries = new JsonArray();
      r.entries().forEach(e -> entries.add(e.toJson()));
      SandboxHttp.ok(rc, new JsonObject().put("ok", true).put("balanceFen", ledger.balance(psnNo))
          .put("entries", entries));
      return;
    }
    int status = switch (r.error()) {
      case "INSUFFICIENT_BALANCE" -> 422;
      case "NO_ACCOUNT" -> 404;
      case "ID_REUSED", "VOIDED" -> 409;
      default -> 400;
    };
    SandboxHttp.error(rc, status, r.error(), r.error().toLowerCase().replace('_', ' '));
  }

  private static boolean has(RoutingContext rc, JsonObject body, String... fields) {
    for (String f : fields) {
      if (body.getValue(f) == null) {
        SandboxHttp.error(rc, 400, "BAD_REQUEST", f + " is required");
        return false;
      }
    }
    if (body.getValue("amountFen") instanceof Number n && n.longValue() != n.doubleValue()) {
      SandboxHttp.error(rc, 400, "BAD_AMOUNT", "amountFen must be whole fen");
      return false;
    }
    return true;
  }
}
