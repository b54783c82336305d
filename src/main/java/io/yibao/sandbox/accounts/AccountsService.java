package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.SandboxService;

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
 */
public final class AccountsService implements SandboxService {

  private final Ledger ledger;

  public AccountsService(Ledger ledger) {
    this.ledger = ledger;
  }

  @Override
  public String name() {
    return "accounts";
  }

  @Override
  public void mount(Router router) {
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
