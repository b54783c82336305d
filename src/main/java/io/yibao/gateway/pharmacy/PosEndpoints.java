package io.yibao.gateway.pharmacy;

import io.yibao.gateway.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.insurancecode.InsuranceCodes;
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
import java.util.List;
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
      // The session is checked beside the visit's write (not before the registry is asked): it costs no round trip
      // of its own, and a signed-out resident's code still gets CODE_EXPIRED, its visit discarded unseen.
      case CONSUMED -> person(consumed.live().psnNo()).compose(p -> {
        Future<Boolean> alive = sessionAlive(consumed.live());
        Future<JsonObject> opened = openVisit(terminal, consumed.live(), p);
        return Future.join(alive, opened).transform(both -> {
          if (alive.succeeded() && alive.result()) {
            return opened;
          }
          Future<Void> discarded = opened.succeeded()
              ? visits.discard(terminal.fixmedinsCode(), opened.result().getString("visitToken"))
              : Future.succeededFuture();
          return discarded.transform(x -> alive.failed() ? Future.failedFuture(alive.cause())
              : Future.failedFuture(new ProblemException(ProblemCode.CODE_EXPIRED, "The resident signed out")));
        });
      });
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
    return visits.get(terminal.fixmedinsCode(), token).compose(v -> {
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

  /**
   * Settles once per Idempotency-Key: the first answer is replayed to every retry. A purchase that will be sent is
   * queued for recovery beside the idempotency claim, and the visit is read beside it too (a read, and a queue entry
   * whose record never comes to be is dropped by recovery): the claim, the intent and what the record needs cost one
   * round trip.
   */
  private void settle(RoutingContext rc) {
    Terminal terminal = Terminal.of(rc);
    JsonObject body = rc.body().asJsonObject();
    String id = io.yibao.gateway.crypto.Secrets.randomId(16);
    String token = body.getString("visitToken");
    SettlementRecords.Ref ref = new SettlementRecords.Ref(terminal.fixmedinsCode(), id);
    boolean sent = !needsConfirmation(body);
    Future<Void> queued = sent ? settlements.queue(ref) : Future.succeededFuture();
    Future<Map<String, String>> visit = visits.get(terminal.fixmedinsCode(), token);
    // The answer goes out before its storing: a retry whose answer was lost finds the settlement through the visit.
    idempotency.respondBeforeTheStore(rc, "pos:" + terminal.terminalId(), attempt -> Future.all(queued, visit)
        .compose(x -> settleOnce(terminal, body, attemptDigest(attempt), id, visit.result(), true)), () -> {
          if (sent) {
            settlements.recovered(ref); // nothing was opened under this id: drop its queue entry now rather than later
          }
        });
  }

  private boolean needsConfirmation(JsonObject body) {
    return total(body.getJsonArray("items")) > config.confirmationThresholdFen();
  }

  /** Names the request a settlement was made for, so that its retry can find it even when its answer was lost. */
  static String attemptDigest(Idempotency.Attempt attempt) {
    return RedisKeys.digest(attempt.scope() + "\n" + attempt.key() + "\n" + attempt.fingerprint());
  }

  /**
   * One settlement for a visit {@code v} (as read beside the claim; null when gone), queued already when it will be
   * sent. Opened in one step: the visit checked, the record created with its message id, the visit tied to it
   * (settlement-open.lua); the resident's index written beside that (another slot). Only then is 2102 sent. An index
   * that could not be written unties the visit again and fails the record as never sent, so the 503 leaves the visit
   * usable. After the tie, the retry with the same Idempotency-Key finds the settlement through the visit (even when
   * the first answer was never stored).
   */
  private Future<Idempotency.Answer> settleOnce(Terminal terminal, JsonObject body, String attempt, String id,
                                                Map<String, String> v, boolean mayFree) {
    String token = body.getString("visitToken");
    if (v == null) {
      return dropQueued(terminal, id).compose(x -> Future.failedFuture(visitGone()));
    }
    if (!terminal.terminalId().equals(v.get("term"))) {
      return dropQueued(terminal, id).compose(x -> Future.failedFuture(anotherTerminalsVisit()));
    }
    if (v.get("stl") != null) {
      return dropQueued(terminal, id).compose(x -> alreadyTaken(terminal, body, attempt, v.get("stl"), mayFree));
    }
    boolean needsConfirmation = needsConfirmation(body);
    Map<String, String> r = purchase(v, body, id);
    r.put("idem", attempt);
    if (needsConfirmation) {
      r.put("status", Status.AWAITING_CONFIRMATION.name());
      r.put("confirmBy", Long.toString(System.currentTimeMillis() + config.confirmationSeconds() * 1000L));
    } else {
      r.put("status", Status.PENDING.name());
    }
    Map<String, String> own = new HashMap<>(r);
    for (String fromVisit : List.of("term", "fix", "psn", "acct", "insutype", "admdvs", "cert")) {
      own.remove(fromVisit);
    }
    own.put("fix", terminal.fixmedinsCode());
    Future<SettlementRecords.Opened> opened = records.open(token, terminal.terminalId(), own,
        needsConfirmation ? null : settlements.national().nowSeconds());
    Future<Void> indexed = records.index(v.get("acct"), id, terminal.fixmedinsCode(), r.get("createdAt"),
        r.get("confirmBy"));
    return Future.join(opened, indexed).transform(both -> {
      if (opened.failed()) {
        // The script may have run all the same (an answer lost): its queue entry stays, for recovery to resolve.
        return Future.failedFuture(opened.cause());
      }
      SettlementRecords.Opened o = opened.result();
      if (o.outcome() != SettlementRecords.Outcome.OPENED) {
        Future<Void> undone = records.unindex(v.get("acct"), id).compose(x -> dropQueued(terminal, id));
        return switch (o.outcome()) {
          case TAKEN -> undone.compose(x -> alreadyTaken(terminal, body, attempt, o.existingSettlement(), mayFree));
          case OTHER_TERMINAL -> undone.compose(x -> Future.failedFuture(anotherTerminalsVisit()));
          default -> undone.compose(x -> Future.failedFuture(visitGone()));
        };
      }
      Map<String, String> record = o.record();
      if (indexed.failed()) {
        return notSent(terminal, token, record).transform(x -> Future.failedFuture(indexed.cause()));
      }
      return needsConfirmation ? Future.succeededFuture(answerOf(record)) : sendClaimed(terminal, token, record);
    });
  }

  /** The visit has settlement {@code existing}: this request's own (answered as it stands), or another's. */
  private Future<Idempotency.Answer> alreadyTaken(Terminal terminal, JsonObject body, String attempt, String existing,
                                                  boolean mayFree) {
    return taken(terminal, existing, attempt).compose(found -> found != null ? Future.succeededFuture(found)
        // This request's own settlement that never reached the core, whose visit could not be freed then
        : mayFree ? visits.releaseSettlement(terminal.fixmedinsCode(), body.getString("visitToken"), existing)
            .compose(x -> retry(terminal, body, attempt))
        : Future.failedFuture(visitTaken(existing)));
  }

  /** Settles the visit again under a new id, once its own never-sent settlement let go of it. */
  private Future<Idempotency.Answer> retry(Terminal terminal, JsonObject body, String attempt) {
    String id = io.yibao.gateway.crypto.Secrets.randomId(16);
    SettlementRecords.Ref ref = new SettlementRecords.Ref(terminal.fixmedinsCode(), id);
    Future<Void> queued = needsConfirmation(body) ? Future.succeededFuture() : settlements.queue(ref);
    return queued.compose(x -> visits.get(terminal.fixmedinsCode(), body.getString("visitToken")))
        .compose(v -> settleOnce(terminal, body, attempt, id, v, false));
  }

  /** The queue entry of a settlement id that was never opened: dropped now rather than by recovery. */
  private Future<Void> dropQueued(Terminal terminal, String id) {
    return settlements.recovered(new SettlementRecords.Ref(terminal.fixmedinsCode(), id)).otherwiseEmpty();
  }

  /**
   * An opened settlement that must not be sent (its resident's index could not be written): it fails as never sent
   * and lets go of its visit, so that the retry the 503 invites can settle it. If these writes fail too, recovery
   * reverses the PENDING record (never sent) and the retry with the same Idempotency-Key finds it through the visit.
   */
  private Future<Void> notSent(Terminal terminal, String token, Map<String, String> r) {
    Status from = Status.valueOf(r.get("status"));
    return records.transition(r, from, Status.FAILED, "err", "not sent: the settlement could not be recorded",
            "notSent", "1")
        .compose(move -> move.moved() ? Future.join(
            from == Status.PENDING ? settlements.recovered(SettlementRecords.Ref.of(r)) : Future.succeededFuture(),
            visits.releaseSettlement(terminal.fixmedinsCode(), token, r.get("id")),
            records.unindex(r.get("acct"), r.get("id"))).mapEmpty()
            : Future.succeededFuture())
        .<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<Idempotency.Answer> sendClaimed(Terminal terminal, String token, Map<String, String> r) {
    return settlements.send(r, Status.FAILED).map(PosEndpoints::answerOf)
        .recover(failure -> failure instanceof CoreCallException core && !core.mayHaveHappened()
            // Never sent: free the visit, so the retry the 503 invites can settle it.
            ? visits.releaseSettlement(terminal.fixmedinsCode(), token, r.get("id"))
                .transform(y -> Future.failedFuture(failure))
            : Future.failedFuture(failure));
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
