package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.code.InsuranceCodes;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.core.CoreClients;
import io.yibao.gateway.http.Validated;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.idempotency.Idempotency;
import io.yibao.gateway.pharmacy.SettlementRecords.Status;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisStore;

import java.time.LocalDate;
import java.time.Period;
import java.util.HashMap;
import java.util.Map;

/**
 * The pharmacy terminal's API, {@code /pos/v1}: scan a resident's code (1101-like person information and a visit
 * token), preview (2101), settle (2102, exactly once, with Idempotency-Key), follow a settlement, cancel it
 * (2103, same pharmacy and business day) and reconcile the day (3201). A terminal only ever sees its own
 * pharmacy's settlements.
 */
public final class PosEndpoints {

  private final GatewayConfig.Pharmacy config;
  private final InsuranceCodes codes;
  private final Visits visits;
  private final PharmacySettlements settlements;
  private final SettlementRecords records;
  private final Idempotency idempotency;
  private final RedisStore redis;
  private final CoreClient registry;

  public PosEndpoints(GatewayConfig.Pharmacy config, InsuranceCodes codes, Visits visits,
                      PharmacySettlements settlements, Idempotency idempotency, RedisStore redis, CoreClients core) {
    this.config = config;
    this.codes = codes;
    this.visits = visits;
    this.settlements = settlements;
    this.records = settlements.records();
    this.idempotency = idempotency;
    this.redis = redis;
    this.registry = core.client("registry");
  }

  public void register(Operations operations) {
    operations.on("resolveCode", this::resolve)
        .on("previewSettlement", this::preview)
        .on("createSettlement", this::settle)
        .on("getSettlement", this::get)
        .on("cancelSettlement", this::cancel)
        .on("getReconciliation", this::reconciliation);
  }

  // --- scan -------------------------------------------------------------------------------------------------------

  private void resolve(RoutingContext rc) {
    Terminal terminal = Terminal.of(rc);
    String code = rc.body().asJsonObject().getString("code");
    codes.consume(code).compose(consumed -> switch (consumed.scan()) {
      case USED -> Future.<JsonObject>failedFuture(new ProblemException(ProblemCode.CODE_USED, null));
      case EXPIRED -> Future.<JsonObject>failedFuture(new ProblemException(ProblemCode.CODE_EXPIRED, null));
      case CONSUMED -> sessionAlive(consumed.live())
          .compose(alive -> alive ? person(consumed.live().psnNo())
              : Future.failedFuture(new ProblemException(ProblemCode.CODE_EXPIRED, "The resident signed out")))
          .compose(person -> openVisit(terminal, consumed.live(), person));
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** A code dies with the session that asked for it (sign-out, device limit, takeover). */
  private Future<Boolean> sessionAlive(InsuranceCodes.Live live) {
    String sessionKey = io.yibao.gateway.redis.RedisKeys.key("acct:" + live.accountId(), "sess", live.sessionId());
    return redis.send(io.vertx.redis.client.Command.EXISTS, sessionKey).map(r -> r.toInteger() == 1);
  }

  private Future<JsonObject> person(String psnNo) {
    return registry.get("/persons/" + psnNo).compose(r -> {
      if (!r.ok()) {
        return Future.failedFuture(new ProblemException(ProblemCode.CODE_EXPIRED, "Unknown insured person"));
      }
      JsonObject p = r.json();
      if (!"ACTIVE".equals(p.getString("status"))) {
        return Future.failedFuture(new ProblemException(ProblemCode.FORBIDDEN, "The insured status is not active"));
      }
      return Future.succeededFuture(p);
    });
  }

  private Future<JsonObject> openVisit(Terminal terminal, InsuranceCodes.Live live, JsonObject p) {
    Map<String, String> visit = new HashMap<>();
    visit.put("term", terminal.terminalId());
    visit.put("fix", terminal.fixmedinsCode());
    visit.put("psn", live.psnNo());
    visit.put("acct", live.accountId());
    visit.put("insutype", p.getString("insuType"));
    visit.put("admdvs", p.getString("insuAdmdvs"));
    visit.put("cert", live.code());
    return visits.open(visit).map(token -> new JsonObject()
        .put("visitToken", token)
        .put("expiresAt", SettlementRecords.time(System.currentTimeMillis() + visits.ttlMillis()))
        .put("mdtrt_cert_type", "01")
        .put("person", new JsonObject()
            .put("psn_no", p.getString("psnNo"))
            .put("psn_name", Masking.name(p.getString("name")))
            .put("certno", Masking.idNumber(p.getString("idNumber")))
            .put("gend", String.valueOf(p.getInteger("gender")))
            .put("age", Period.between(LocalDate.parse(p.getString("birthDate")),
                LocalDate.now(NationalInterface.SHANGHAI)).getYears())
            .put("insutype", p.getString("insuType"))
            .put("insuplc_admdvs", p.getString("insuAdmdvs"))
            .put("psn_insu_stas", "1")));
  }

  // --- preview and settle ------------------------------------------------------------------------------------------

  /** The visit, which must be this terminal's and unexpired. */
  private Future<Map<String, String>> visit(Terminal terminal, String token) {
    return visits.get(token).compose(v -> {
      if (v == null) {
        return Future.failedFuture(visitGone());
      }
      if (!terminal.terminalId().equals(v.get("term"))) {
        return Future.failedFuture(anotherTerminalsVisit());
      }
      return Future.succeededFuture(v);
    });
  }

  private static ProblemException visitGone() {
    return new ProblemException(ProblemCode.VISIT_EXPIRED, null, "visitToken", Map.of());
  }

  private static ProblemException anotherTerminalsVisit() {
    return new ProblemException(ProblemCode.NOT_YOUR_PHARMACY, "This visit belongs to another terminal", "visitToken",
        Map.of());
  }

  static JsonArray drugdetail(JsonArray items) {
    JsonArray detail = new JsonArray();
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      detail.add(new JsonObject().put("med_list_codg", item.getString("catalogCode"))
          .put("cnt", item.getLong("quantity")).put("pric", item.getLong("unitPriceFen")));
    }
    return detail;
  }

  static long total(JsonArray items) {
    long sum = 0;
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      sum = Math.addExact(sum, Math.multiplyExact(item.getLong("quantity"), item.getLong("unitPriceFen")));
    }
    return sum;
  }

  private void preview(RoutingContext rc) {
    Terminal terminal = Terminal.of(rc);
    JsonObject body = rc.body().asJsonObject();
    visit(terminal, body.getString("visitToken")).compose(v -> {
      Map<String, String> purchase = purchase(v, body, null);
      return settlements.national().newMessageId(terminal.fixmedinsCode()).compose(msgid ->
          settlements.national().send("2101", msgid, terminal.fixmedinsCode(), terminal.terminalId(), v.get("admdvs"),
              PharmacySettlements.input(purchase)));
    }).compose(answer -> answer.ok() ? Future.succeededFuture(answer.output())
        : Future.failedFuture(refused(answer))).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private static ProblemException refused(NationalInterface.Answer answer) {
    return answer.infcode() == -2
        ? new ProblemException(ProblemCode.SETTLEMENT_REFUSED, answer.errMsg())
        : new ProblemException(ProblemCode.CORE_UNAVAILABLE, "The settlement system reported a system error");
  }

  private Map<String, String> purchase(Map<String, String> visit, JsonObject body, String id) {
    JsonArray items = body.getJsonArray("items");
    long now = System.currentTimeMillis();
    Map<String, String> r = new HashMap<>();
    if (id != null) {
      r.put("id", id);
    }
    r.put("fix", visit.get("fix"));
    r.put("term", visit.get("term"));
    r.put("psn", visit.get("psn"));
    r.put("acct", visit.get("acct"));
    r.put("insutype", visit.get("insutype"));
    r.put("admdvs", visit.get("admdvs"));
    r.put("cert", visit.get("cert"));
    r.put("acctUsed", body.getBoolean("useAccount", true) ? "1" : "0");
    r.put("items", drugdetail(items).encode());
    r.put("medfee", Long.toString(total(items)));
    r.put("createdAt", Long.toString(now));
    r.put("bizDate", LocalDate.now(NationalInterface.SHANGHAI).toString());
    return r;
  }

  /** Settles once per Idempotency-Key: the first answer is replayed to every retry. */
  private void settle(RoutingContext rc) {
    Terminal terminal = Terminal.of(rc);
    JsonObject body = rc.body().asJsonObject();
    Idempotency.Attempt attempt = Idempotency.Attempt.of(rc, "pos:" + terminal.terminalId());
    idempotency.once(attempt, () -> settleOnce(terminal, body, attemptDigest(attempt), true)).onComplete(r -> {
      if (r.failed()) {
        Responses.fail(rc, r.cause());
      } else {
        Idempotency.send(rc, r.result());
      }
    });
  }

  /** Names the request a settlement was made for, so that its retry can find it even when its answer was lost. */
  static String attemptDigest(Idempotency.Attempt attempt) {
    return RedisKeys.digest(attempt.scope() + "\n" + attempt.key() + "\n" + attempt.fingerprint());
  }

  /**
   * One settlement for a visit, in this order: the visit is read; the settlement is queued for recovery and
   * recorded (PENDING with its message id, or awaiting the resident); only then is the visit tied to it; then 2102.
   * So a refused write before the tie leaves the visit usable, and after it the retry with the same
   * Idempotency-Key finds the settlement through the visit (even when the first answer was never stored).
   */
  private Future<Idempotency.Answer> settleOnce(Terminal terminal, JsonObject body, String attempt, boolean mayFree) {
    String id = io.yibao.gateway.auth.Secrets.randomId(16);
    String token = body.getString("visitToken");
    boolean needsConfirmation = total(body.getJsonArray("items")) > config.confirmationThresholdFen();
    // A purchase that goes straight to the core needs a message id: fetch it beside the visit, not after (an id
    // left unused when the visit is refused is only a gap in the sequence).
    Future<String> msgid = needsConfirmation ? Future.succeededFuture(null)
        : settlements.national().newMessageId(terminal.fixmedinsCode());
    return Future.all(visit(terminal, token), msgid).compose(both -> {
      Map<String, String> v = both.resultAt(0);
      if (v.get("stl") != null) {
        return taken(terminal, v.get("stl"), attempt).compose(found -> found != null ? Future.succeededFuture(found)
            // This request's own settlement that never reached the core, whose visit could not be freed then
            : mayFree ? visits.releaseSettlement(token, v.get("stl")).compose(x -> settleOnce(terminal, body, attempt, false))
            : Future.failedFuture(visitTaken(v.get("stl"))));
      }
      Map<String, String> r = purchase(v, body, id);
      r.put("idem", attempt);
      if (needsConfirmation) {
        r.put("status", Status.AWAITING_CONFIRMATION.name());
        r.put("confirmBy", Long.toString(System.currentTimeMillis() + config.confirmationSeconds() * 1000L));
      } else {
        r.put("status", Status.PENDING.name());
        r.put("msgid", both.resultAt(1));
      }
      // Queued and recorded (the message id stored) before the core hears of it: whatever happens next can be
      // resolved and reversed by name.
      return settlements.record(r).compose(x -> visits.claimForSettlement(token, terminal.terminalId(), id))
          .compose(claim -> switch (claim.outcome()) {
            case CLAIMED -> needsConfirmation ? Future.succeededFuture(answerOf(r)) : sendClaimed(token, r);
            case TAKEN -> abandon(r).compose(x -> taken(terminal, claim.existingSettlement(), attempt))
                .compose(found -> found != null ? Future.succeededFuture(found)
                    : Future.failedFuture(visitTaken(claim.existingSettlement())));
            case OTHER_TERMINAL -> abandon(r).compose(x -> Future.failedFuture(anotherTerminalsVisit()));
            case GONE -> abandon(r).compose(x -> Future.failedFuture(visitGone()));
          });
    });
  }

  private Future<Idempotency.Answer> sendClaimed(String token, Map<String, String> r) {
    return settlements.send(r, Status.FAILED).map(PosEndpoints::answerOf)
        .recover(failure -> failure instanceof CoreCallException core && !core.mayHaveHappened()
            // Never sent: free the visit, so the retry the 503 invites can settle it.
            ? visits.releaseSettlement(token, r.get("id")).transform(y -> Future.failedFuture(failure))
            : Future.failedFuture(failure));
  }

  /** A settlement recorded for a visit it could not be tied to (taken, gone, another terminal's): never sent, it fails. */
  private Future<Void> abandon(Map<String, String> r) {
    Status from = Status.valueOf(r.get("status"));
    return settlements.records().transition(r, from, Status.FAILED, "err", "not sent: the visit could not be used")
        .compose(move -> move.moved() && from == Status.PENDING ? records.recovered(SettlementRecords.Ref.of(r))
            : Future.succeededFuture())
        .<Void>mapEmpty().recover(ignored -> Future.succeededFuture()); // else recovery reverses it: never sent
  }

  /**
   * The visit already has a settlement: the one this very request made (its first answer was lost, or never
   * stored), answered as it stands now; or another one, and the terminal scans a new code. Answers null for this
   * request's own settlement that was never sent (the core was unavailable): its visit may be used again.
   */
  private Future<Idempotency.Answer> taken(Terminal terminal, String settlementId, String attempt) {
    return records.get(new SettlementRecords.Ref(terminal.fixmedinsCode(), settlementId)).compose(existing -> {
      if (existing == null || !attempt.equals(existing.get("idem"))) {
        return Future.failedFuture(visitTaken(settlementId));
      }
      if (Status.FAILED.name().equals(existing.get("status")) && "1".equals(existing.get("notSent"))) {
        return Future.succeededFuture(null);
      }
      return Future.succeededFuture(answerOf(existing));
    });
  }

  private static ProblemException visitTaken(String settlementId) {
    return new ProblemException(ProblemCode.VISIT_EXPIRED, "This visit already has settlement " + settlementId
        + "; scan a new code for another purchase", "visitToken", Map.of());
  }

  /** 201 when settled, 202 while open (pending, reversing, cancelling) or awaiting the resident, 422 when refused. */
  static Idempotency.Answer answerOf(Map<String, String> r) {
    JsonObject view = SettlementRecords.view(r, System.currentTimeMillis());
    String status = view.getString("status");
    int code = switch (Status.valueOf(status)) {
      case SETTLED -> 201;
      case PENDING, REVERSING, CANCELLING, AWAITING_CONFIRMATION -> 202;
      default -> 200;
    };
    if (Status.FAILED.name().equals(status)) {
      throw new ProblemException(ProblemCode.SETTLEMENT_REFUSED, r.get("err"));
    }
    return Idempotency.Answer.json(code, view, Map.of("Location", "/pos/v1/settlements/" + r.get("id")));
  }

  // --- follow, cancel, reconcile --------------------------------------------------------------------------------

  /** A settlement of the terminal's pharmacy; another pharmacy's does not exist as far as this terminal can tell. */
  private Future<Map<String, String>> ours(Terminal terminal, String id) {
    return records.get(new SettlementRecords.Ref(terminal.fixmedinsCode(), id)).compose(r -> r == null
        ? Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, null))
        : Future.succeededFuture(r));
  }

  private void get(RoutingContext rc) {
    ours(Terminal.of(rc), rc.pathParam("id")).map(r -> SettlementRecords.view(r, System.currentTimeMillis()))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  /** 200 CANCELLED; 202 CANCELLING while the core's answer is being found out (poll the settlement). */
  private void cancel(RoutingContext rc) {
    Terminal terminal = Terminal.of(rc);
    String id = rc.pathParam("id");
    ours(terminal, id).compose(r -> {
      String status = r.get("status");
      if (Status.CANCELLED.name().equals(status) || Status.CANCELLING.name().equals(status)) {
        return Future.succeededFuture(r);
      }
      String today = LocalDate.now(NationalInterface.SHANGHAI).toString();
      if (!Status.SETTLED.name().equals(status) || !today.equals(r.get("bizDate"))) {
        return Future.failedFuture(new ProblemException(ProblemCode.SETTLEMENT_NOT_CANCELLABLE,
            "Only a settled purchase of today can be cancelled"));
      }
      return settlements.cancel(r, terminal.terminalId());
    }).onComplete(done -> {
      if (done.failed()) {
        Responses.fail(rc, done.cause());
        return;
      }
      Map<String, String> r = done.result();
      int status = Status.CANCELLING.name().equals(r.get("status")) ? 202 : 200;
      rc.response().putHeader("Location", "/pos/v1/settlements/" + id);
      Responses.reply(rc, status, Future.succeededFuture(SettlementRecords.view(r, System.currentTimeMillis())));
    });
  }

  /**
   * The gateway's totals of the day, checked against the core's with 3201. The totals are counters kept with each
   * status change, so this reads one hash however busy the pharmacy was.
   */
  private void reconciliation(RoutingContext rc) {
    Terminal terminal = Terminal.of(rc);
    String date = Validated.queryString(rc, "date");
    records.totals(terminal.fixmedinsCode(), date).compose(totals -> {
      JsonObject ours = new JsonObject().put("fixmedins_setl_cnt", totals.get("count"))
          .put("medfee_sumamt", totals.get("medfee")).put("fund_pay_sumamt", totals.get("fund"))
          .put("acct_pay", totals.get("acct")).put("psn_cash_pay", totals.get("cash"));
      return settlements.national().newMessageId(terminal.fixmedinsCode()).compose(msgid -> settlements.national()
          .send("3201", msgid, terminal.fixmedinsCode(), terminal.terminalId(), "", new JsonObject()
              .put("fixmedins_code", terminal.fixmedinsCode()).put("stmt_begndate", date).put("stmt_enddate", date)
              .put("medfee_sumamt", ours.getLong("medfee_sumamt")).put("fund_pay_sumamt", ours.getLong("fund_pay_sumamt"))
              .put("acct_pay", ours.getLong("acct_pay")).put("fixmedins_setl_cnt", ours.getLong("fixmedins_setl_cnt"))))
          .compose(answer -> answer.ok() ? Future.succeededFuture(new JsonObject()
              .put("date", date)
              .put("fixmedinsCode", terminal.fixmedinsCode())
              .put("balanced", "0".equals(answer.output().getString("stmt_rslt")))
              .put("gateway", ours)
              .put("core", answer.output())
              .put("pendingSettlements", totals.get("open")))
              : Future.failedFuture(refused(answer)));
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }
}
