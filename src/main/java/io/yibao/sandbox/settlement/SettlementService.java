package io.yibao.sandbox.settlement;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.SandboxService;
import io.yibao.sandbox.SandboxWorld;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Map;

/**
 * The settlement center (结算中心) for designated pharmacies, after the national designated-institution interface
 * (定点医药机构接口规范):
 * <pre>
 * POST /settlement/{infno}     national envelope {infno, msgid, fixmedins_code, ..., input}; always HTTP 200
 *                              {infcode 0|-1|-2, inf_refmsgid, refmsg_time, err_msg, output}
 *        2101 pre-settlement, 2102 settlement (idempotent by msgid), 2103 cancel, 2601 reversal, 3201 reconciliation
 * GET  /settlement/messages/{msgid}          what became of a 2102 or 2103 message whose answer was lost
 * GET  /settlement/settlements/{setl_id}     one settlement with its lines (like 5203)
 * GET  /settlement/totals?fixmedins_code=…&amp;date=YYYY-MM-DD   the pharmacy's settled sums that day
 * GET  /settlement/catalogue                 the medical-insurance catalogue the pharmacies sell from
 * GET  /_sandbox/settlement/settlements?psn_no=…   admin: the center's ledger of a person (every settlement, any
 *                                                  status), for tests to compare with what the gateway says
 * </pre>
 * The three reads stand for the platform's query services: a terminal that lost an answer asks them, never
 * guesses. A malformed envelope (not JSON; infno, msgid, fixmedins_code or input missing; msgid not
 * {@code fixmedins_code + yyyyMMddHHmmss + 4 digits}) is a caller bug and answers HTTP 400; an unknown infno 404.
 * <p>Inputs and outputs (amounts in fen, JSON integers):
 * <pre>
 * 2101/2102 in  {psn_no, mdtrt_cert_type "01"|"02"|"03", mdtrt_cert_no, insutype, med_type "41",
 *                acct_used_flag "1"|"0", drugdetail [{med_list_codg, cnt, pric}]}
 *           out {psn_no, insutype, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt,
 *                hifp_pay, fund_pay_sumamt, psn_part_amt, acct_pay, acct_mulaid_pay, psn_cash_pay, balc,
 *                (acct_used_flag "1": acct_pay from the person's own account, 0 without one; acct_mulaid_pay
 *                what is left of psn_part_amt, up to the balance, from the family-sharing account (家庭共济) of the
 *                sharer of the oldest active binding for the person allowing institutions, 0 when none;
 *                psn_cash_pay the rest; balc the person's own balance after acct_pay)
 *                mdtrtarea_admvs (the pharmacy's region), insuplc_admdvs (the person's), remote_flag "0" same
 *                pooling area | "1" away, with a filing covering the pharmacy that day | "2" away, without one,
 *                fund_ratio_bp (the ratio applied: the policy's local, filed or unfiled ratio), filing_id (for "1")}
 *                + for 2102 {setl_id, mdtrt_id, setl_time}
 * 2103      in  {psn_no, setl_id}
 *           out {setl_id, mdtrt_id, psn_no, status "CANCELLED", medfee_sumamt, fund_pay_sumamt, acct_pay,
 *                acct_mulaid_pay, psn_cash_pay, balc, cncl_time}   (amounts are what was given back, acct_mulaid_pay
 *                to the sharer; balc the person's own balance after it)
 * 2601      in  {psn_no, omsgid, oinfno "2102"}
 *           out {reversed true, omsgid, oinfno, + the 2103 fields with status "REVERSED"}
 *             | {reversed false, omsgid, oinfno, status "NONE"}                   nothing settled under omsgid
 *             | {reversed false, omsgid, oinfno, status "CANCELLED", setl_id}     already cancelled
 * 3201      in  {fixmedins_code, stmt_begndate, stmt_enddate (YYYY-MM-DD), medfee_sumamt, fund_pay_sumamt, acct_pay,
 *                fixmedins_setl_cnt}
 *           out {stmt_rslt "0" 平 | "1" 不平, stmt_rslt_dscr, fixmedins_code, stmt_begndate, stmt_enddate, and the
 *                center's medfee_sumamt, fund_pay_sumamt, acct_pay, psn_cash_pay, fixmedins_setl_cnt}
 * </pre>
 */
public final class SettlementService implements SandboxService {

  private static final int MSGID_LENGTH = 30;
  private static final int INSTITUTION_CODE_LENGTH = 12;
  private static final DateTimeFormatter MSGID_TIME =
      DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter REF_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  /** The settlement center's own code at the head of its answers' message ids (inf_refmsgid). */
  private static final String CENTER_CODE = "H11000";

  private final Settlements book;
  private final Catalogue catalogue;
  private final Clock clock;
  private long refSequence;

  public SettlementService(SandboxWorld world) {
    this(world, Catalogue.standard(), Policy.defaults(), Clock.system(Settlements.BUSINESS_ZONE));
  }

  public SettlementService(SandboxWorld world, Catalogue catalogue, Map<String, Policy> policies, Clock clock) {
    this.book = new Settlements(world.registry(), world.ledger(), world.sharing(), world.filings(), catalogue,
        policies, clock);
    this.catalogue = catalogue;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "settlement";
  }

  @Override
  public void mount(Router router) {
    router.get("/settlement/catalogue").handler(rc ->
        SandboxHttp.ok(rc, new JsonObject().put("items", catalogue.toJson())));
    router.get("/settlement/messages/:msgid").handler(rc -> SandboxHttp.ok(rc, book.message(rc.pathParam("msgid"))));
    router.get("/settlement/settlements/:setlId").handler(rc -> {
      JsonObject settlement = book.settlement(rc.pathParam("setlId"));
      if (settlement == null) {
        SandboxHttp.error(rc, 404, "NOT_FOUND", "no such settlement");
      } else {
        SandboxHttp.ok(rc, settlement);
      }
    });
    router.get("/settlement/totals").handler(this::totals);
    router.post("/settlement/:infno").handler(this::transact);
  }

  /** {@code GET /_sandbox/settlement/settlements?psn_no=…}: the center's own ledger of a person. */
  @Override
  public void mountAdmin(Router router) {
    router.get("/_sandbox/settlement/settlements").handler(rc -> {
      String psnNo = rc.queryParams().get("psn_no");
      if (psnNo == null) {
        SandboxHttp.error(rc, 400, "BAD_REQUEST", "psn_no is required");
      } else {
        SandboxHttp.ok(rc, new JsonObject().put("settlements", book.settlementsOf(psnNo)));
      }
    });
  }

  private void transact(RoutingContext rc) {
    String infno = rc.pathParam("infno");
    if (!Settlements.INFNOS.contains(infno)) {
      SandboxHttp.error(rc, 404, "NO_SUCH_INFNO", "unsupported transaction " + infno);
      return;
    }
    JsonObject envelope = SandboxHttp.body(rc);
    if (envelope == null) {
      return;
    }
    if (!infno.equals(envelope.getValue("infno"))) {
      SandboxHttp.error(rc, 400, "BAD_ENVELOPE", "infno is required and must match the path");
      return;
    }
    if (!(envelope.getValue("fixmedins_code") instanceof String fixmedinsCode)
        || fixmedinsCode.length() != INSTITUTION_CODE_LENGTH) {
      SandboxHttp.error(rc, 400, "BAD_ENVELOPE", "fixmedins_code of 12 characters is required");
      return;
    }
    if (!(envelope.getValue("msgid") instanceof String msgid) || !wellFormed(msgid, fixmedinsCode)) {
      SandboxHttp.error(rc, 400, "BAD_MSGID", "msgid must be fixmedins_code + yyyyMMddHHmmss + 4 digits");
      return;
    }
    if (!(envelope.getValue("input") instanceof JsonObject input)) {
      SandboxHttp.error(rc, 400, "BAD_ENVELOPE", "input object is required");
      return;
    }
    Settlements.Outcome outcome;
    try {
      outcome = book.handle(infno, msgid, fixmedinsCode, input);
    } catch (RuntimeException e) {
      // Only what nobody foresaw lands here; -1 tells the caller the outcome is unknown and to reverse.
      outcome = Settlements.Outcome.systemError();
    }
    ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(Settlements.BUSINESS_ZONE);
    SandboxHttp.ok(rc, new JsonObject()
        .put("infcode", outcome.infcode())
        .put("inf_refmsgid", CENTER_CODE + REF_TIME.format(now) + String.format("%010d", ++refSequence))
        .put("refmsg_time", Settlements.TIME.format(now))
        .put("err_msg", outcome.errMsg())
        .put("output", outcome.output()));
  }

  /** fixmedins_code (12) + yyyyMMddHHmmss (a real instant) + 4-digit sequence. */
  static boolean wellFormed(String msgid, String fixmedinsCode) {
    if (msgid.length() != MSGID_LENGTH || !msgid.startsWith(fixmedinsCode)) {
      return false;
    }
    String sequence = msgid.substring(26);
    if (!sequence.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    try {
      LocalDateTime.parse(msgid.substring(12, 26), MSGID_TIME);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private void totals(RoutingContext rc) {
    String fixmedinsCode = rc.queryParams().get("fixmedins_code");
    String date = rc.queryParams().get("date");
    if (fixmedinsCode == null || date == null) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "fixmedins_code and date are required");
      return;
    }
    LocalDate day;
    try {
      day = LocalDate.parse(date);
    } catch (DateTimeParseException e) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "date must be YYYY-MM-DD");
      return;
    }
    SandboxHttp.ok(rc, book.totals(fixmedinsCode, day, day).toJson()
        .put("fixmedins_code", fixmedinsCode).put("date", day.toString()));
  }
}
