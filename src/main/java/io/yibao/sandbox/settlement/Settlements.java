package io.yibao.sandbox.settlement;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.sandbox.accounts.Ledger;
import io.yibao.sandbox.accounts.SharingBinding;
import io.yibao.sandbox.accounts.SharingBindings;
import io.yibao.sandbox.filing.Filings;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Registry;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settlement center's book: every pharmacy settlement, what became of each message, and each person's
 * yearly accumulators; and the rules of the transactions that change them. Answers are national-interface
 * outcomes (infcode 0 or -2 with an output); the envelope around them is {@link SettlementService}'s. The fund's
 * ratio depends on where the pharmacy is ({@link CareArea}): care away from home asks the filing system's
 * {@link Filings} whether a filing covers it.
 * <p>
 * What the person's own account does not pay may be paid by a relative's family-sharing account (家庭共济,
 * {@code acct_mulaid_pay}): the sharer of the oldest active binding for the person that allows purchases at
 * institutions ({@link SharingBindings#payerFor}).
 * <p>
 * Not thread-safe: it lives on the sandbox's single event loop. The personal accounts are moved through the
 * {@link Ledger} with ids derived from the setl_id, so a movement can never happen twice.
 */
public final class Settlements {

  public static final String PRE_SETTLE = "2101";
  public static final String SETTLE = "2102";
  public static final String CANCEL = "2103";
  public static final String REVERSE = "2601";
  public static final String RECONCILE = "3201";
  public static final Set<String> INFNOS = Set.of(PRE_SETTLE, SETTLE, CANCEL, REVERSE, RECONCILE);

  static final ZoneId BUSINESS_ZONE = ZoneId.of("Asia/Shanghai");
  /** Times in answers: ISO-8601 to the second, with the offset, in business time. */
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  /** Bounds that keep every amount far from overflow and catch a terminal sending yuan-with-decimals as fen. */
  private static final int MAX_LINES = 100;
  private static final long MAX_CNT = 9_999;
  private static final long MAX_PRIC_FEN = 10_000_000;

  public enum Status { SETTLED, CANCELLED, REVERSED }

  /** A national answer: infcode 0 with an output, -2 (business refusal) or -1 (system error) with a message. */
  public record Outcome(int infcode, String errMsg, JsonObject output) {
    static Outcome ok(JsonObject output) {
      return new Outcome(0, null, output);
    }

    static Outcome refused(String errMsg) {
      return new Outcome(-2, errMsg, new JsonObject());
    }

    public static Outcome systemError() {
      return new Outcome(-1, "系统错误，结果未知，请冲正", new JsonObject());
    }
  }

  /** Sums of settled settlements. */
  public record Totals(long count, long medfeeSumamt, long fundPaySumamt, long acctPay, long psnCashPay) {
    public JsonObject toJson() {
      return new JsonObject().put("count", count).put("medfee_sumamt", medfeeSumamt)
          .put("fund_pay_sumamt", fundPaySumamt).put("acct_pay", acctPay).put("psn_cash_pay", psnCashPay);
    }
  }

  /** One settlement. Its status and undo answer change when it is cancelled or reversed; nothing else does. */
  private static final class Settlement {
    final String setlId;
    final String mdtrtId;
    final String msgid;
    final String fixmedinsCode;
    final String psnNo;
    /** Whose family-sharing account paid {@code split.acctMulaidPay()}; null when none did. */
    final String sharerPsnNo;
    final LocalDate businessDay;
    final JsonObject input;
    final PolicyEngine.Split split;
    final JsonObject output;
    Status status = Status.SETTLED;
    JsonObject undoOutput;

    Settlement(String setlId, String mdtrtId, String msgid, String fixmedinsCode, String psnNo, String sharerPsnNo,
               LocalDate businessDay, JsonObject input, PolicyEngine.Split split, JsonObject output) {
      this.setlId = setlId;
      this.mdtrtId = mdtrtId;
      this.msgid = msgid;
      this.fixmedinsCode = fixmedinsCode;
      this.psnNo = psnNo;
      this.sharerPsnNo = sharerPsnNo;
      this.businessDay = businessDay;
      this.input = input;
      this.split = split;
      this.output = output;
    }
  }

  /**
   * A purchase that passed every check, ready for the policy engine, and where it is made. {@code payer} is the
   * binding whose sharer pays what the person's account does not, null when none (or the accounts are not used).
   */
  private record Purchase(Person person, Policy policy, List<PolicyEngine.Line> lines, boolean useAccount,
                          CareArea area, SharingBinding payer) {
  }

  /** A business refusal (infcode -2), thrown from wherever a check fails. */
  private static final class Refusal extends RuntimeException {
    Refusal(String message) {
      super(message, null, false, false);
    }
  }

  private final Registry registry;
  private final Ledger ledger;
  private final SharingBindings sharing;
  private final Filings filings;
  private final Catalogue catalogue;
  private final Map<String, Policy> policies;
  private final Clock clock;

  private final Map<String, Settlement> bySetlId = new LinkedHashMap<>();
  private final Map<String, Settlement> byMsgid = new HashMap<>();
  /** 2103 message ids that cancelled (or found cancelled) a settlement: what a lost cancel answer became. */
  private final Map<String, Settlement> byCancelMsgid = new HashMap<>();
  /** 2102 message ids reversed before anything settled under them: a late-arriving original must not settle. */
  private final Set<String> reversedUnsettled = new HashSet<>();
  /** Accumulators by psn_no and calendar year ({@code psnNo/year}). */
  private final Map<String, PolicyEngine.YearToDate> yearToDate = new HashMap<>();
  private long sequence;

  public Settlements(Registry registry, Ledger ledger, SharingBindings sharing, Filings filings,
                     Catalogue catalogue, Map<String, Policy> policies, Clock clock) {
    this.registry = registry;
    this.ledger = ledger;
    this.sharing = sharing;
    this.filings = filings;
    this.catalogue = catalogue;
    this.policies = Map.copyOf(policies);
    this.clock = clock;
  }

  /** Runs one transaction ({@code infno} one of {@link #INFNOS}) for the pharmacy {@code fixmedinsCode}. */
  public Outcome handle(String infno, String msgid, String fixmedinsCode, JsonObject input) {
    try {
      if (registry.pharmacy(fixmedinsCode) == null) {
        throw new Refusal("定点医药机构不存在: " + fixmedinsCode);
      }
      return switch (infno) {
        case PRE_SETTLE -> preSettle(fixmedinsCode, input);
        case SETTLE -> settle(msgid, fixmedinsCode, input);
        case CANCEL -> cancel(msgid, fixmedinsCode, input);
        case REVERSE -> reverse(fixmedinsCode, input);
        case RECONCILE -> reconcile(fixmedinsCode, input);
        default -> throw new IllegalArgumentException("unsupported infno " + infno);
      };
    } catch (Refusal r) {
      return Outcome.refused(r.getMessage());
    }
  }

  // ---- 2101 / 2102 ----

  private Outcome preSettle(String fixmedinsCode, JsonObject input) {
    ZonedDateTime now = now();
    Purchase p = purchase(fixmedinsCode, input, now.toLocalDate());
    PolicyEngine.Split split = split(p, now);
    return Outcome.ok(splitJson(p, split));
  }

  private Outcome settle(String msgid, String fixmedinsCode, JsonObject input) {
    Settlement seen = byMsgid.get(msgid);
    if (seen != null) {
      // A retry of a message whose answer was lost: the first answer again, nothing moves twice.
      if (!seen.input.equals(input)) {
        throw new Refusal("msgid reused: 该报文ID已用于内容不同的结算");
      }
      return Outcome.ok(seen.output.copy());
    }
    if (reversedUnsettled.contains(msgid)) {
      throw new Refusal("该报文已冲正，不能再结算");
    }
    ZonedDateTime now = now();
    Purchase p = purchase(fixmedinsCode, input, now.toLocalDate());
    PolicyEngine.Split split = split(p, now);
    String stamp = ID_TIME.format(now);
    long seq = ++sequence;
    String setlId = "ST" + stamp + String.format("%06d", seq);
    String mdtrtId = "MD" + stamp + String.format("%06d", seq);
    String sharer = split.acctMulaidPay() > 0 ? p.payer().sharerPsnNo() : null;
    List<Ledger.Debit> debits = new ArrayList<>(2);
    if (split.acctPay() > 0) {
      debits.add(new Ledger.Debit(ledgerId(setlId), p.person().psnNo(), split.acctPay(), "SETTLEMENT",
          "药店结算 " + setlId, null));
    }
    if (sharer != null) {
      debits.add(new Ledger.Debit(mulaidId(setlId), sharer, split.acctMulaidPay(), "FAMILY_SHARING",
          "家庭共济 药店结算 " + setlId + " " + p.person().psnNo(), p.person().psnNo()));
    }
    if (!debits.isEmpty()) {
      // Both accounts in one step. Requests run on one event loop, so nothing else moved them since the split
      // read the balances: a refusal is unexpected; answer -1 and let the caller reverse, which finds nothing.
      Ledger.Result debit = ledger.debitTogether(debits);
      if (!debit.ok()) {
        throw new IllegalStateException("personal account debit refused: " + debit.error());
      }
    }
    String key = yearKey(p.person().psnNo(), now.getYear());
    yearToDate.put(key, yearToDate(key).plus(split));
    JsonObject output = splitJson(p, split).put("setl_id", setlId).put("mdtrt_id", mdtrtId)
        .put("setl_time", TIME.format(now));
    Settlement s = new Settlement(setlId, mdtrtId, msgid, fixmedinsCode, p.person().psnNo(), sharer, now.toLocalDate(),
        input.copy(), split, output);
    bySetlId.put(setlId, s);
    byMsgid.put(msgid, s);
    return Outcome.ok(output.copy());
  }

  private Purchase purchase(String fixmedinsCode, JsonObject input, LocalDate businessDay) {
    Person person = activePerson(text(input, "psn_no"));
    String insutype = text(input, "insutype");
    if (!insutype.equals(person.insuType())) {
      throw new Refusal("人员未参加该险种: " + insutype);
    }
    Policy policy = policies.get(insutype);
    if (policy == null) {
      throw new Refusal("险种不支持药店结算: " + insutype);
    }
    String certType = text(input, "mdtrt_cert_type");
    String certNo = text(input, "mdtrt_cert_no");
    switch (certType) {
      case "01", "03" -> {
        // 01 electronic credential, 03 social security card: the credential service vouches for them.
      }
      case "02" -> {
        if (!certNo.equalsIgnoreCase(person.idNumber())) {
          throw new Refusal("就诊凭证与人员不符");
        }
      }
      default -> throw new Refusal("就诊凭证类型不支持: " + certType);
    }
    if (!"41".equals(text(input, "med_type"))) {
      throw new Refusal("医疗类别须为 41 (定点药店购药)");
    }
    String flag = text(input, "acct_used_flag");
    if (!flag.equals("0") && !flag.equals("1")) {
      throw new Refusal("acct_used_flag 须为 0 或 1");
    }
    if (!(input.getValue("drugdetail") instanceof JsonArray details) || details.isEmpty()) {
      throw new Refusal("缺少 drugdetail");
    }
    if (details.size() > MAX_LINES) {
      throw new Refusal("drugdetail 超过 " + MAX_LINES + " 条");
    }
    List<PolicyEngine.Line> lines = new ArrayList<>(details.size());
    for (int i = 0; i < details.size(); i++) {
      if (!(details.getValue(i) instanceof JsonObject detail)) {
        throw new Refusal("drugdetail[" + i + "] 不是对象");
      }
      String code = text(detail, "med_list_codg");
      Catalogue.Item item = catalogue.item(code);
      if (item == null) {
        throw new Refusal("医保目录编码不存在: " + code);
      }
      lines.add(new PolicyEngine.Line(item, whole(detail, "cnt", 1, MAX_CNT),
          whole(detail, "pric", 1, MAX_PRIC_FEN)));
    }
    CareArea area = CareArea.of(person, registry.pharmacy(fixmedinsCode), policy, filings, businessDay);
    boolean useAccount = flag.equals("1");
    SharingBinding payer = useAccount ? sharing.payerFor(person.psnNo()) : null;
    return new Purchase(person, policy, lines, useAccount, area, payer);
  }

  private PolicyEngine.Split split(Purchase p, ZonedDateTime now) {
    long familyBalance = p.payer() == null ? -1 : ledger.balance(p.payer().sharerPsnNo());
    return PolicyEngine.split(p.policy(), p.area().ratioBp(), p.lines(),
        yearToDate(yearKey(p.person().psnNo(), now.getYear())), ledger.balance(p.person().psnNo()), familyBalance,
        p.useAccount());
  }

  private static JsonObject splitJson(Purchase p, PolicyEngine.Split s) {
    JsonObject output = new JsonObject()
        .put("psn_no", p.person().psnNo())
        .put("insutype", p.policy().insutype())
        .put("medfee_sumamt", s.medfeeSumamt())
        .put("fulamt_ownpay_amt", s.fulamtOwnpayAmt())
        .put("overlmt_selfpay", s.overlmtSelfpay())
        .put("preselfpay_amt", s.preselfpayAmt())
        .put("inscp_scp_amt", s.inscpScpAmt())
        .put("hifp_pay", s.hifpPay())
        .put("fund_pay_sumamt", s.fundPaySumamt())
        .put("psn_part_amt", s.psnPartAmt())
        .put("acct_pay", s.acctPay())
        .put("acct_mulaid_pay", s.acctMulaidPay())
        .put("psn_cash_pay", s.psnCashPay())
        .put("balc", s.balc());
    return p.area().addTo(output);
  }

  // ---- 2103 / 2601 ----

  private Outcome cancel(String msgid, String fixmedinsCode, JsonObject input) {
    String psnNo = text(input, "psn_no");
    String setlId = text(input, "setl_id");
    Settlement s = bySetlId.get(setlId);
    if (s == null) {
      throw new Refusal("结算记录不存在: " + setlId);
    }
    checkOwner(s, fixmedinsCode, psnNo);
    Outcome outcome = switch (s.status) {
      case CANCELLED -> Outcome.ok(s.undoOutput.copy());
      case REVERSED -> throw new Refusal("该结算已冲正，无需撤销");
      case SETTLED -> {
        if (!s.businessDay.equals(now().toLocalDate())) {
          throw new Refusal("只能撤销当日的结算");
        }
        yield Outcome.ok(undo(s, Status.CANCELLED).copy());
      }
    };
    byCancelMsgid.put(msgid, s);
    return outcome;
  }

  /**
   * Reversal (冲正) makes sure a 2102 message has no effect, whatever became of it, so a caller that does not know
   * the outcome can always send it. Unlike cancel it has no same-day rule: a settlement sent at 23:59:59 whose
   * answer is lost must still be reversible after midnight.
   */
  private Outcome reverse(String fixmedinsCode, JsonObject input) {
    String psnNo = text(input, "psn_no");
    String omsgid = text(input, "omsgid");
    String oinfno = text(input, "oinfno");
    if (!SETTLE.equals(oinfno)) {
      throw new Refusal("只能冲正 2102 药店结算");
    }
    JsonObject answer = new JsonObject().put("omsgid", omsgid).put("oinfno", oinfno);
    Settlement s = byMsgid.get(omsgid);
    if (s == null) {
      if (!omsgid.startsWith(fixmedinsCode)) {
        throw new Refusal("不能冲正其他机构的报文");
      }
      reversedUnsettled.add(omsgid);
      return Outcome.ok(answer.put("reversed", false).put("status", "NONE"));
    }
    checkOwner(s, fixmedinsCode, psnNo);
    return switch (s.status) {
      case SETTLED -> Outcome.ok(undo(s, Status.REVERSED).copy().mergeIn(answer).put("reversed", true));
      case REVERSED -> Outcome.ok(s.undoOutput.copy().mergeIn(answer).put("reversed", true));
      // Already cancelled: nothing of it is left to undo, which is what the caller wants to be sure of.
      case CANCELLED -> Outcome.ok(answer.put("reversed", false).put("status", Status.CANCELLED.name())
          .put("setl_id", s.setlId));
    };
  }

  private static void checkOwner(Settlement s, String fixmedinsCode, String psnNo) {
    if (!s.fixmedinsCode.equals(fixmedinsCode)) {
      throw new Refusal("该结算不属于本机构");
    }
    if (!s.psnNo.equals(psnNo)) {
      throw new Refusal("结算记录与人员不符");
    }
  }

  /** Puts the money and the accumulators back exactly as the settlement took them; remembers the answer. */
  private JsonObject undo(Settlement s, Status to) {
    PolicyEngine.Split split = s.split;
    if (split.acctPay() > 0) {
      Ledger.Result credit = ledger.credit(ledgerId(s.setlId) + ":undo", s.psnNo, split.acctPay(),
          "SETTLEMENT_" + to.name(), "药店结算退回 " + s.setlId);
      if (!credit.ok()) {
        throw new IllegalStateException("personal account credit refused: " + credit.error());
      }
    }
    if (split.acctMulaidPay() > 0) {
      Ledger.Result credit = ledger.credit(mulaidId(s.setlId) + ":undo", s.sharerPsnNo, split.acctMulaidPay(),
          "FAMILY_SHARING_UNDO", "家庭共济退回 " + s.setlId + " " + s.psnNo, s.psnNo);
      if (!credit.ok()) {
        throw new IllegalStateException("family-sharing credit refused: " + credit.error());
      }
    }
    String key = yearKey(s.psnNo, s.businessDay.getYear());
    yearToDate.put(key, yearToDate(key).minus(split));
    long balance = ledger.balance(s.psnNo);
    s.status = to;
    s.undoOutput = new JsonObject()
        .put("setl_id", s.setlId).put("mdtrt_id", s.mdtrtId).put("psn_no", s.psnNo)
        .put("status", to.name())
        .put("medfee_sumamt", split.medfeeSumamt())
        .put("fund_pay_sumamt", split.fundPaySumamt())
        .put("acct_pay", split.acctPay())
        .put("acct_mulaid_pay", split.acctMulaidPay())
        .put("psn_cash_pay", split.psnCashPay())
        .put("balc", Math.max(0, balance))
        .put("cncl_time", TIME.format(now()));
    return s.undoOutput;
  }

  // ---- 3201 and queries ----

  private Outcome reconcile(String fixmedinsCode, JsonObject input) {
    if (!fixmedinsCode.equals(text(input, "fixmedins_code"))) {
      throw new Refusal("只能对本机构的账");
    }
    LocalDate from = date(input, "stmt_begndate");
    LocalDate to = date(input, "stmt_enddate");
    if (to.isBefore(from)) {
      throw new Refusal("对账结束日期早于开始日期");
    }
    long medfee = whole(input, "medfee_sumamt", 0, Long.MAX_VALUE);
    long fund = whole(input, "fund_pay_sumamt", 0, Long.MAX_VALUE);
    long acct = whole(input, "acct_pay", 0, Long.MAX_VALUE);
    long count = whole(input, "fixmedins_setl_cnt", 0, Long.MAX_VALUE);
    Totals center = totals(fixmedinsCode, from, to);
    boolean balanced = center.medfeeSumamt() == medfee && center.fundPaySumamt() == fund
        && center.acctPay() == acct && center.count() == count;
    return Outcome.ok(new JsonObject()
        .put("stmt_rslt", balanced ? "0" : "1")
        .put("stmt_rslt_dscr", balanced ? "平" : "不平")
        .put("fixmedins_code", fixmedinsCode)
        .put("stmt_begndate", from.toString())
        .put("stmt_enddate", to.toString())
        .put("medfee_sumamt", center.medfeeSumamt())
        .put("fund_pay_sumamt", center.fundPaySumamt())
        .put("acct_pay", center.acctPay())
        .put("psn_cash_pay", center.psnCashPay())
        .put("fixmedins_setl_cnt", center.count()));
  }

  /** Sums of the pharmacy's SETTLED settlements (cancelled and reversed ones excluded) on days from..to. */
  public Totals totals(String fixmedinsCode, LocalDate from, LocalDate to) {
    long count = 0;
    long medfee = 0;
    long fund = 0;
    long acct = 0;
    long cash = 0;
    for (Settlement s : bySetlId.values()) {
      if (s.status == Status.SETTLED && s.fixmedinsCode.equals(fixmedinsCode)
          && !s.businessDay.isBefore(from) && !s.businessDay.isAfter(to)) {
        count++;
        medfee += s.split.medfeeSumamt();
        fund += s.split.fundPaySumamt();
        acct += s.split.acctPay();
        cash += s.split.psnCashPay();
      }
    }
    return new Totals(count, medfee, fund, acct, cash);
  }

  /**
   * What became of a 2102 message: {@code {msgid, infno, status: SETTLED|CANCELLED|REVERSED|NONE, setl_id?, output?}};
   * {@code output} is the 2102 answer as first given. NONE also for a message reversed before it ever settled.
   * For a 2103 message that cancelled its settlement: {@code status CANCELLED, infno 2103}, output the cancel's
   * answer; NONE while no 2103 under that id has cancelled anything.
   */
  public JsonObject message(String msgid) {
    Settlement s = byMsgid.get(msgid);
    JsonObject out = new JsonObject().put("msgid", msgid);
    Settlement cancelled = byCancelMsgid.get(msgid);
    if (cancelled != null) {
      return out.put("infno", CANCEL).put("status", Status.CANCELLED.name()).put("setl_id", cancelled.setlId)
          .put("output", cancelled.undoOutput.copy());
    }
    if (s == null) {
      return out.put("status", "NONE");
    }
    return out.put("infno", SETTLE).put("status", s.status.name()).put("setl_id", s.setlId)
        .put("output", s.output.copy());
  }

  /**
   * The ledger of one person: every settlement the center ever made for them, whatever became of it (SETTLED,
   * CANCELLED, REVERSED), oldest first. What a test compares with what the gateway says it settled.
   */
  public JsonArray settlementsOf(String psnNo) {
    JsonArray out = new JsonArray();
    for (Settlement s : bySetlId.values()) {
      if (s.psnNo.equals(psnNo)) {
        out.add(new JsonObject().put("setl_id", s.setlId).put("status", s.status.name()).put("msgid", s.msgid)
            .put("fixmedins_code", s.fixmedinsCode).put("business_day", s.businessDay.toString()));
      }
    }
    return out;
  }

  /** A settlement with its lines (5203-like), or null when there is none. */
  public JsonObject settlement(String setlId) {
    Settlement s = bySetlId.get(setlId);
    if (s == null) {
      return null;
    }
    JsonArray lines = new JsonArray();
    for (PolicyEngine.LineSplit l : s.split.lines()) {
      Catalogue.Item item = l.line().item();
      lines.add(new JsonObject().put("med_list_codg", item.code()).put("name", item.name())
          .put("category", item.category().label()).put("cnt", l.line().cnt()).put("pric", l.line().pric())
          .put("det_item_fee_sumamt", l.amount()).put("fulamt_ownpay_amt", l.fulamtOwnpayAmt())
          .put("preselfpay_amt", l.preselfpayAmt()).put("inscp_scp_amt", l.inscpScpAmt()));
    }
    JsonObject out = new JsonObject().put("setl_id", s.setlId).put("status", s.status.name())
        .put("msgid", s.msgid).put("fixmedins_code", s.fixmedinsCode).put("setlinfo", s.output.copy())
        .put("setldetail", lines);
    if (s.undoOutput != null) {
      out.put("undo", s.undoOutput.copy());
    }
    return out;
  }

  // ---- helpers ----

  private Person activePerson(String psnNo) {
    Person person = registry.person(psnNo);
    if (person == null) {
      throw new Refusal("人员不存在: " + psnNo);
    }
    if (!"ACTIVE".equals(person.status())) {
      throw new Refusal("人员参保状态异常，不能结算: " + person.status());
    }
    return person;
  }

  private PolicyEngine.YearToDate yearToDate(String key) {
    return yearToDate.getOrDefault(key, PolicyEngine.YearToDate.NONE);
  }

  private static String yearKey(String psnNo, int year) {
    return psnNo + "/" + year;
  }

  private static String ledgerId(String setlId) {
    return "settlement:" + setlId;
  }

  /** The family-sharing account's movement of a settlement. */
  private static String mulaidId(String setlId) {
    return ledgerId(setlId) + ":mulaid";
  }

  private ZonedDateTime now() {
    return ZonedDateTime.now(clock).withZoneSameInstant(BUSINESS_ZONE);
  }

  private static String text(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof String s) || s.isBlank()) {
      throw new Refusal("缺少 " + field);
    }
    return s;
  }

  /** A JSON integer within bounds: quantities and fen are whole numbers, a decimal is refused, not rounded. */
  private static long whole(JsonObject json, String field, long min, long max) {
    Object value = json.getValue(field);
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new Refusal(field + " 须为整数");
    }
    long n = ((Number) value).longValue();
    if (n < min || n > max) {
      throw new Refusal(field + " 超出范围");
    }
    return n;
  }

  private static LocalDate date(JsonObject json, String field) {
    try {
      return LocalDate.parse(text(json, field));
    } catch (DateTimeParseException e) {
      throw new Refusal(field + " 须为 YYYY-MM-DD");
    }
  }
}
