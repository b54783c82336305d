package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.time.BusinessTime;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.http.Validated;
import io.yibao.gateway.idempotency.Idempotency;
import io.yibao.gateway.pharmacy.SettlementRecords.Status;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.redis.RedisKeys;

import java.time.LocalDate;
import java.time.Period;
import java.util.Map;

/**
 * The pharmacy terminal's API, {@code /pos/v1}: scan a resident's code (1101-like person information and a visit
 * token), preview (2101), settle (2102, exactly once, with Idempotency-Key), follow a settlement, cancel it
 * (2103, same pharmacy and business day) and reconcile the day (3201). A terminal only ever sees its own
 * pharmacy's settlements. Each handler translates HTTP to a call of {@link PharmacySettlements}, which owns the
 * flow, and its answer back.
 */
public final class PosEndpoints {

  private final PharmacySettlements settlements;
  private final Idempotency idempotency;

  public PosEndpoints(PharmacySettlements settlements, Idempotency idempotency) {
    this.settlements = settlements;
    this.idempotency = idempotency;
  }

  public void register(Operations operations) {
    operations.on("resolveCode", this::resolve)
        .on("previewSettlement", this::preview)
        .on("createSettlement", this::settle)
        .on("getSettlement", this::get)
        .on("cancelSettlement", this::cancel)
        .on("getReconciliation", this::reconciliation);
  }

  private void resolve(RoutingContext rc) {
    settlements.scan(Terminal.of(rc), rc.body().asJsonObject().getString("code")).map(scanned -> {
      RegistryClient.Person p = scanned.person();
      JsonObject answer = new JsonObject()
          .put("visitToken", scanned.visitToken())
          .put("expiresAt", SettlementRecords.time(scanned.expiresAtMillis()))
          .put("mdtrt_cert_type", "01")
          .put("person", new JsonObject()
              .put("psn_no", p.psnNo())
              .put("psn_name", Masking.name(p.name()))
              .put("certno", Masking.idNumber(p.idNumber()))
              .put("gend", String.valueOf(p.gender()))
              .put("age", Period.between(p.birthDate(), BusinessTime.today()).getYears())
              .put("insutype", p.insuType().code())
              .put("insuplc_admdvs", p.insuredRegion())
              .put("psn_insu_stas", "1"));
      if (scanned.familySharing() != null) {
        answer.put("familySharing", scanned.familySharing());
      }
      return answer;
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void preview(RoutingContext rc) {
    JsonObject body = rc.body().asJsonObject();
    settlements.preview(Terminal.of(rc), body.getString("visitToken"), Basket.of(body))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  /**
   * Settles once per Idempotency-Key: the first answer is replayed to every retry. The answer goes out before its
   * storing: a retry whose answer was lost finds the settlement through the visit.
   */
  private void settle(RoutingContext rc) {
    Terminal terminal = Terminal.of(rc);
    JsonObject body = rc.body().asJsonObject();
    PharmacySettlements.Purchase purchase = settlements.purchase(terminal, body.getString("visitToken"),
        Basket.of(body));
    // The answer goes out before its storing: a retry whose answer was lost finds the settlement through the visit.
    idempotency.respondBeforeTheStore(rc, "pos:" + terminal.terminalId(),
        attempt -> purchase.settle(attemptDigest(attempt)).map(PosEndpoints::answerOf), purchase::abandonUnlessSettled);
  }

  /** Names the request a settlement was made for, so that its retry can find it even when its answer was lost. */
  static String attemptDigest(Idempotency.Attempt attempt) {
    return RedisKeys.digest(attempt.scope() + "\n" + attempt.key() + "\n" + attempt.fingerprint());
  }

  /** 201 when settled, 202 while open (pending, reversing, cancelling) or awaiting the resident, 422 when refused. */
  static Idempotency.Answer answerOf(Settlement s) {
    JsonObject view = SettlementRecords.view(s, System.currentTimeMillis());
    Status status = Status.valueOf(view.getString("status"));
    if (status == Status.FAILED) {
      throw new ProblemException(ProblemCode.SETTLEMENT_REFUSED, s.error());
    }
    int code = switch (status) {
      case SETTLED -> 201;
      case PENDING, REVERSING, CANCELLING, AWAITING_CONFIRMATION -> 202;
      default -> 200;
    };
    return Idempotency.Answer.json(code, view, Map.of("Location", location(s.id())));
  }

  private static String location(String id) {
    return "/pos/v1/settlements/" + id;
  }

  private void get(RoutingContext rc) {
    settlements.ours(Terminal.of(rc), rc.pathParam("id")).map(s -> SettlementRecords.view(s, System.currentTimeMillis()))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** 200 CANCELLED; 202 CANCELLING while the core's answer is being found out (poll the settlement). */
  private void cancel(RoutingContext rc) {
    String id = rc.pathParam("id");
    settlements.cancel(Terminal.of(rc), id).onComplete(done -> {
      if (done.failed()) {
        Responses.fail(rc, done.cause());
        return;
      }
      Settlement s = done.result();
      rc.response().putHeader("Location", location(id));
      Responses.reply(rc, s.is(Status.CANCELLING) ? 202 : 200,
          Future.succeededFuture(SettlementRecords.view(s, System.currentTimeMillis())));
    });
  }

  private void reconciliation(RoutingContext rc) {
    settlements.reconcile(Terminal.of(rc), Validated.queryString(rc, "date")).map(rec -> {
      NationalInterface.DayTotals ours = rec.ours();
      return new JsonObject()
          .put("date", rec.date())
          .put("fixmedinsCode", rec.fixmedinsCode())
          .put("balanced", rec.balanced())
          .put("gateway", new JsonObject().put("fixmedins_setl_cnt", ours.count())
              .put("medfee_sumamt", ours.medfeeFen()).put("fund_pay_sumamt", ours.fundFen())
              .put("acct_pay", ours.accountFen()).put("psn_cash_pay", ours.cashFen()))
          .put("core", rec.core())
          .put("pendingSettlements", ours.open());
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }
}
