package io.yibao.sandbox.settlement;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Http;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import io.yibao.sandbox.registry.Pharmacy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settlement center over HTTP, as a pharmacy terminal (through the gateway) talks to it. */
class SettlementServiceTest {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final String PHARMACY = Personas.PHARMACY;
  // 甲 2180, 乙 10 % 3560, 丙 2590 (catalogue prices, fen)
  private static final String OMEPRAZOLE = "XA02BCA211A001010101467";
  private static final String ATORVASTATIN = "XC10AAA199A001010103152";
  private static final String VITAMIN_C = "XA11GAW013B022010103320";
  private static final String BP_MONITOR = "C02030100100002014479";
  private static final String SPLIT_FIELDS = "medfee_sumamt fulamt_ownpay_amt overlmt_selfpay preselfpay_amt "
      + "inscp_scp_amt hifp_pay fund_pay_sumamt psn_part_amt acct_pay acct_mulaid_pay psn_cash_pay balc";

  private final AtomicInteger msgSequence = new AtomicInteger();
  private Sandbox sandbox;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(SandboxOptions.forTests());
    http = new Http(sandbox.port());
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  // ---- 2101 / 2102 ----

  @Test
  void preSettlementMovesNothing() {
    JsonObject first = ok(call("2101", msgid(), purchase(Personas.EMPLOYEE, "310", true,
        line(OMEPRAZOLE, 2, 2_180), line(ATORVASTATIN, 1, 3_560), line(VITAMIN_C, 1, 2_590))));
    // 4360 + 3560 + 2590; in scope 4360 + 3204 = 7564, all to the deductible: the account would pay it all.
    assertEquals(10_510, first.getLong("medfee_sumamt"));
    assertEquals(7_564, first.getLong("inscp_scp_amt"));
    assertEquals(0, first.getLong("fund_pay_sumamt"));
    assertEquals(10_510, first.getLong("acct_pay"));
    assertEquals(Personas.EMPLOYEE_BALANCE - 10_510, first.getLong("balc"));
    assertNull(first.getString("setl_id"), "a pre-settlement settles nothing");

    assertEquals(Personas.EMPLOYEE_BALANCE, balance(Personas.EMPLOYEE));
    JsonObject again = ok(call("2101", msgid(), purchase(Personas.EMPLOYEE, "310", true,
        line(OMEPRAZOLE, 2, 2_180), line(ATORVASTATIN, 1, 3_560), line(VITAMIN_C, 1, 2_590))));
    assertEquals(first, again, "accumulators did not move either");
    assertEquals(0, totalsToday().getLong("count"));
  }

  @Test
  void settlementDebitsTheAccountExactlyByAcctPay() {
    JsonObject input = purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 10, 2_180),
        line(ATORVASTATIN, 2, 3_560));
    JsonObject preview = ok(call("2101", msgid(), input));
    JsonObject settled = ok(call("2102", msgid(), input));

    assertNotNull(settled.getString("setl_id"));
    assertNotNull(settled.getString("mdtrt_id"));
    assertNotNull(settled.getString("setl_time"));
    assertEquals("310", settled.getString("insutype"));
    assertEquals(Personas.EMPLOYEE, settled.getString("psn_no"));
    for (String field : SPLIT_FIELDS.split(" ")) {
      assertEquals(preview.getLong(field), settled.getLong(field), field + ": settlement splits as previewed");
    }
    // 21800 + 7120 = 28920; in scope 21800 + 6408 = 28208; 20000 to the deductible, 8208 × 70 % = 5745.6 → 5745.
    assertEquals(28_920, settled.getLong("medfee_sumamt"));
    assertEquals(5_745, settled.getLong("hifp_pay"));
    assertEquals(28_920 - 5_745, settled.getLong("acct_pay"));
    assertEquals(0, settled.getLong("psn_cash_pay"));
    assertEquals(Personas.EMPLOYEE_BALANCE - settled.getLong("acct_pay"), balance(Personas.EMPLOYEE));
    assertEquals(balance(Personas.EMPLOYEE), settled.getLong("balc"));

    JsonObject stored = getJson("/settlement/settlements/" + settled.getString("setl_id"));
    assertEquals("SETTLED", stored.getString("status"));
    assertEquals(settled, stored.getJsonObject("setlinfo"));
    assertEquals(2, stored.getJsonArray("setldetail").size());
  }

  @Test
  void theSameMsgidTwiceSettlesOnce() {
    String msgid = msgid();
    JsonObject input = purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 3, 2_180));
    JsonObject first = ok(call("2102", msgid, input));
    JsonObject retry = ok(call("2102", msgid, input.copy()));

    assertEquals(first, retry, "a retry gets the first answer");
    assertEquals(Personas.EMPLOYEE_BALANCE - first.getLong("acct_pay"), balance(Personas.EMPLOYEE),
        "debited once");
    assertEquals(1, totalsToday().getLong("count"));

    JsonObject other = call("2102", msgid, purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 4, 2_180)));
    assertEquals(-2, other.getInteger("infcode"));
    assertTrue(other.getString("err_msg").contains("msgid reused"), other.encode());
    assertEquals(Personas.EMPLOYEE_BALANCE - first.getLong("acct_pay"), balance(Personas.EMPLOYEE));
  }

  @Test
  void aShortBalancePaysWhatItHasAndCashTheRest() {
    // 丙 10 × 19800 = 198000, all self-paid; the father's account holds 128000.
    JsonObject settled = ok(call("2102", msgid(), purchase(Personas.FATHER, "310", true, line(BP_MONITOR, 10, 19_800))));
    assertEquals(198_000, settled.getLong("psn_part_amt"));
    assertEquals(Personas.FATHER_BALANCE, settled.getLong("acct_pay"));
    assertEquals(198_000 - Personas.FATHER_BALANCE, settled.getLong("psn_cash_pay"));
    assertEquals(0, settled.getLong("balc"));
    assertEquals(0, balance(Personas.FATHER));
  }

  @Test
  void aResidentWithoutAccountPaysCash() {
    // 甲 4360: below the resident deductible of 10000, so no fund; no account to use.
    JsonObject settled = ok(call("2102", msgid(), purchase(Personas.CHILD, "390", true, line(OMEPRAZOLE, 2, 2_180))));
    assertEquals(0, settled.getLong("fund_pay_sumamt"));
    assertEquals(0, settled.getLong("acct_pay"));
    assertEquals(4_360, settled.getLong("psn_cash_pay"));
    assertEquals(0, settled.getLong("balc"));
  }

  // ---- 2103 ----

  @Test
  void cancelRestoresBalanceAndAccumulators() {
    JsonObject probe = purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 5, 2_180));
    JsonObject before = ok(call("2101", msgid(), probe));
    // 10 × 2180 = 21800 uses the whole deductible, so afterwards the same probe is partly paid by the fund.
    JsonObject settled = ok(call("2102", msgid(), purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 10, 2_180))));
    JsonObject during = ok(call("2101", msgid(), probe));
    assertNotEquals(before.getLong("fund_pay_sumamt"), during.getLong("fund_pay_sumamt"));

    JsonObject cancelled = ok(call("2103", msgid(), cancelInput(Personas.EMPLOYEE, settled.getString("setl_id"))));
    assertEquals("CANCELLED", cancelled.getString("status"));
    assertEquals(settled.getLong("acct_pay"), cancelled.getLong("acct_pay"));
    assertEquals(Personas.EMPLOYEE_BALANCE, cancelled.getLong("balc"));
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(Personas.EMPLOYEE));
    assertEquals(before, ok(call("2101", msgid(), probe)), "deductible and fund accumulators are back");

    JsonObject again = ok(call("2103", msgid(), cancelInput(Personas.EMPLOYEE, settled.getString("setl_id"))));
    assertEquals(cancelled, again, "cancelling twice answers the same");
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(Personas.EMPLOYEE));
    assertEquals("CANCELLED", getJson("/settlement/messages/" + settledMsgid(settled)).getString("status"));
  }

  @Test
  void onlyTheSettlingPharmacyMayCancel() {
    JsonObject settled = ok(call("2102", msgid(), purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 2_180))));
    String other = otherPharmacy();
    JsonObject refused = call("2103", other, msgid(other), cancelInput(Personas.EMPLOYEE, settled.getString("setl_id")));
    assertEquals(-2, refused.getInteger("infcode"));
    assertNotNull(refused.getString("err_msg"));
    assertEquals(Personas.EMPLOYEE_BALANCE - 2_180, balance(Personas.EMPLOYEE));

    JsonObject wrongPerson = call("2103", msgid(), cancelInput(Personas.FATHER, settled.getString("setl_id")));
    assertEquals(-2, wrongPerson.getInteger("infcode"));
    JsonObject unknown = call("2103", msgid(), cancelInput(Personas.EMPLOYEE, "ST-NO-SUCH"));
    assertEquals(-2, unknown.getInteger("infcode"));
    assertEquals("SETTLED", getJson("/settlement/settlements/" + settled.getString("setl_id")).getString("status"));
  }

  // ---- 2601 ----

  @Test
  void reversalUndoesASettledMessageOnce() {
    String msgid = msgid();
    JsonObject settled = ok(call("2102", msgid, purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 4, 2_180))));
    assertEquals("SETTLED", getJson("/settlement/messages/" + msgid).getString("status"));

    JsonObject reversed = ok(call("2601", msgid(), reversalInput(Personas.EMPLOYEE, msgid)));
    assertTrue(reversed.getBoolean("reversed"));
    assertEquals(settled.getString("setl_id"), reversed.getString("setl_id"));
    assertEquals("REVERSED", reversed.getString("status"));
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(Personas.EMPLOYEE));

    JsonObject again = ok(call("2601", msgid(), reversalInput(Personas.EMPLOYEE, msgid)));
    assertEquals(reversed, again, "reversing twice answers the same and moves nothing");
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(Personas.EMPLOYEE));

    JsonObject message = getJson("/settlement/messages/" + msgid);
    assertEquals("REVERSED", message.getString("status"));
    assertEquals(settled.getString("setl_id"), message.getString("setl_id"));
    assertEquals(settled, message.getJsonObject("output"));
    assertEquals(-2, call("2103", msgid(), cancelInput(Personas.EMPLOYEE, settled.getString("setl_id")))
        .getInteger("infcode"), "a reversed settlement cannot be cancelled");
    assertEquals(0, totalsToday().getLong("count"));
  }

  @Test
  void reversingAnUnknownMessageIsSafeAndBarsItsLateArrival() {
    String lost = msgid();
    JsonObject nothing = ok(call("2601", msgid(), reversalInput(Personas.EMPLOYEE, lost)));
    assertFalse(nothing.getBoolean("reversed"));
    assertEquals("NONE", getJson("/settlement/messages/" + lost).getString("status"));

    // The original arrives after its reversal (a slow network): it must not settle.
    JsonObject late = call("2102", lost, purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 2_180)));
    assertEquals(-2, late.getInteger("infcode"));
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(Personas.EMPLOYEE));
    assertEquals("NONE", getJson("/settlement/messages/" + lost).getString("status"));
  }

  @Test
  void reversingACancelledSettlementFindsNothingLeftToUndo() {
    String msgid = msgid();
    JsonObject settled = ok(call("2102", msgid, purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 2_180))));
    ok(call("2103", msgid(), cancelInput(Personas.EMPLOYEE, settled.getString("setl_id"))));
    JsonObject reversal = ok(call("2601", msgid(), reversalInput(Personas.EMPLOYEE, msgid)));
    assertFalse(reversal.getBoolean("reversed"));
    assertEquals("CANCELLED", reversal.getString("status"));
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(Personas.EMPLOYEE));
  }

  // ---- 3201 and totals ----

  @Test
  void totalsAndReconciliationCountOnlySettledSettlements() {
    JsonObject a = ok(call("2102", msgid(), purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 10, 2_180))));
    JsonObject b = ok(call("2102", msgid(), purchase(Personas.CHILD, "390", false,
        line(ATORVASTATIN, 5, 3_560), line(VITAMIN_C, 1, 2_590))));
    JsonObject c = ok(call("2102", msgid(), purchase(Personas.FATHER, "310", true, line(OMEPRAZOLE, 1, 2_180))));
    ok(call("2103", msgid(), cancelInput(Personas.FATHER, c.getString("setl_id"))));

    JsonObject totals = totalsToday();
    assertEquals(2, totals.getLong("count"));
    assertEquals(sum("medfee_sumamt", a, b), totals.getLong("medfee_sumamt"));
    assertEquals(sum("fund_pay_sumamt", a, b), totals.getLong("fund_pay_sumamt"));
    assertEquals(sum("acct_pay", a, b), totals.getLong("acct_pay"));
    assertEquals(sum("psn_cash_pay", a, b), totals.getLong("psn_cash_pay"));
    assertTrue(totals.getLong("psn_cash_pay") > 0 && totals.getLong("acct_pay") > 0);

    String today = LocalDate.now(SHANGHAI).toString();
    JsonObject equal = ok(call("3201", msgid(), reconciliation(today, today,
        sum("medfee_sumamt", a, b), sum("fund_pay_sumamt", a, b), sum("acct_pay", a, b), 2)));
    assertEquals("0", equal.getString("stmt_rslt"));
    assertEquals(totals.getLong("medfee_sumamt"), equal.getLong("medfee_sumamt"));
    assertEquals(2, equal.getLong("fixmedins_setl_cnt"));

    JsonObject withCancelled = ok(call("3201", msgid(), reconciliation(today, today,
        sum("medfee_sumamt", a, b, c), sum("fund_pay_sumamt", a, b, c), sum("acct_pay", a, b, c), 3)));
    assertEquals("1", withCancelled.getString("stmt_rslt"), "the pharmacy still counts the cancelled one");

    String yesterday = LocalDate.now(SHANGHAI).minusDays(1).toString();
    JsonObject empty = ok(call("3201", msgid(), reconciliation(yesterday, yesterday, 0, 0, 0, 0)));
    assertEquals("0", empty.getString("stmt_rslt"));

    String other = otherPharmacy();
    assertEquals(0, getJson("/settlement/totals?fixmedins_code=" + other + "&date=" + today).getLong("count"));
    assertEquals(-2, call("3201", other, msgid(other), reconciliation(today, today, 0, 0, 0, 0))
        .getInteger("infcode"), "a pharmacy reconciles only its own settlements");
  }

  // ---- lost answers ----

  @Test
  void whenTheAnswerIsLostTheMessageQueryTellsWhatHappened() {
    postJson("/_sandbox/faults", new JsonObject().put("service", "settlement").put("hang", true)
        .put("hangAfterWork", true));
    String msgid = msgid();
    HttpRequest request = http.request("/settlement/2102").timeout(Duration.ofMillis(500))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(envelope("2102", PHARMACY, msgid,
            purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 2, 2_180))).encode()))
        .build();
    UncheckedIOException lost = assertThrows(UncheckedIOException.class, () -> http.send(request));
    assertInstanceOf(HttpTimeoutException.class, lost.getCause());

    http.send(http.request("/_sandbox/faults").DELETE().build());
    Await.until("the lost settlement to show", Duration.ofSeconds(5),
        () -> "SETTLED".equals(getJson("/settlement/messages/" + msgid).getString("status")));
    JsonObject message = getJson("/settlement/messages/" + msgid);
    assertEquals(4_360, message.getJsonObject("output").getLong("acct_pay"));
    assertEquals(Personas.EMPLOYEE_BALANCE - 4_360, balance(Personas.EMPLOYEE));
    assertEquals("NONE", getJson("/settlement/messages/" + msgid()).getString("status"));
  }

  // ---- refusals ----

  @Test
  void businessErrorsAreRefusedWithInfcodeMinusTwoAndMoveNothing() {
    assertRefused(purchase("11999999999999999999", "310", true, line(OMEPRAZOLE, 1, 2_180)), "unknown person");
    assertRefused(purchase(Personas.EMPLOYEE, "310", true, line("XX0000000000000000000", 1, 100)), "unknown item");
    assertRefused(purchase(Personas.EMPLOYEE, "390", true, line(OMEPRAZOLE, 1, 2_180)), "insured otherwise");
    assertRefused(purchase(Personas.EMPLOYEE, "310", true,
        new JsonObject().put("med_list_codg", OMEPRAZOLE).put("cnt", 1.5).put("pric", 2_180)), "fractional count");
    assertRefused(purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 0)), "no price");
    assertRefused(purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 2_180)).put("med_type", "11"),
        "not a pharmacy purchase");
    assertRefused(purchase(Personas.EMPLOYEE, "310", true), "nothing bought");
    assertRefused(purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 2_180)).put("acct_used_flag", "Y"),
        "bad account flag");
    assertRefused(purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 2_180))
        .put("mdtrt_cert_type", "02").put("mdtrt_cert_no", "110105198803150000"), "someone else's ID number");

    postJson("/_sandbox/registry/persons/" + Personas.EMPLOYEE + "/status", new JsonObject().put("status", "SUSPENDED"));
    assertRefused(purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 2_180)), "suspended person");

    assertEquals(-2, call("2102", "P99999999999", msgid("P99999999999"),
        purchase(Personas.CHILD, "390", true, line(OMEPRAZOLE, 1, 2_180))).getInteger("infcode"), "unknown pharmacy");
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(Personas.EMPLOYEE));
    assertEquals(0, totalsToday().getLong("count"));
  }

  @Test
  void theEmployeesIdNumberIsAValidCredential() {
    Person employee = sandbox.world().registry().person(Personas.EMPLOYEE);
    JsonObject input = purchase(Personas.EMPLOYEE, "310", false, line(OMEPRAZOLE, 1, 2_180))
        .put("mdtrt_cert_type", "02").put("mdtrt_cert_no", employee.idNumber());
    assertEquals(2_180, ok(call("2102", msgid(), input)).getLong("psn_cash_pay"));
  }

  @Test
  void malformedEnvelopesAreHttpErrors() {
    JsonObject input = purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 2_180));
    assertEquals(400, post("/settlement/2101", "{not json").statusCode());
    assertEquals(400, post("/settlement/2101", envelope("2101", PHARMACY, msgid(), input).put("infno", "2102")
        .encode()).statusCode(), "infno differs from the path");
    JsonObject noInput = envelope("2101", PHARMACY, msgid(), input);
    noInput.remove("input");
    assertEquals(400, post("/settlement/2101", noInput.encode()).statusCode());
    assertEquals(400, post("/settlement/2101", envelope("2101", PHARMACY, msgid().substring(1), input).encode())
        .statusCode(), "msgid of 29 characters");
    String foreign = msgid(otherPharmacy());
    assertEquals(400, post("/settlement/2101", envelope("2101", PHARMACY, foreign, input).encode()).statusCode(),
        "msgid of another institution");
    assertEquals(400, post("/settlement/2101", envelope("2101", PHARMACY, PHARMACY + "20251332120000" + "0001", input)
        .encode()).statusCode(), "msgid with no real time in it");
    HttpResponse<String> unknown = post("/settlement/9999", envelope("9999", PHARMACY, msgid(), input).encode());
    assertEquals(404, unknown.statusCode());
    assertEquals(404, http.get("/settlement/settlements/ST-NO-SUCH").statusCode());
    assertEquals(400, http.get("/settlement/totals?fixmedins_code=" + PHARMACY + "&date=today").statusCode());
  }

  @Test
  void answersCarryTheNationalEnvelope() {
    JsonObject answer = call("2101", msgid(), purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 2_180)));
    assertEquals(0, answer.getInteger("infcode"));
    assertEquals(30, answer.getString("inf_refmsgid").length());
    assertNotNull(ZonedDateTime.parse(answer.getString("refmsg_time")));
    assertTrue(answer.containsKey("err_msg") && answer.getValue("err_msg") == null);
    assertNotNull(answer.getJsonObject("output"));
    JsonObject second = call("2101", msgid(), purchase(Personas.EMPLOYEE, "310", true, line(OMEPRAZOLE, 1, 2_180)));
    assertNotEquals(answer.getString("inf_refmsgid"), second.getString("inf_refmsgid"));
  }

  // ---- catalogue ----

  @Test
  void personasListCatalogueSamplesOfEachCategory() {
    JsonArray samples = getJson("/_sandbox/personas").getJsonArray("catalogue");
    JsonArray items = getJson("/settlement/catalogue").getJsonArray("items");
    for (String category : List.of("甲", "乙", "丙")) {
      assertTrue(samples.stream().filter(s -> category.equals(((JsonObject) s).getString("category"))).count() >= 2,
          "samples of " + category);
    }
    for (Object sample : samples) {
      assertTrue(items.contains(sample), "sample in the catalogue: " + sample);
      assertTrue(((JsonObject) sample).getLong("unitPriceFen") > 0);
    }
    assertTrue(items.size() >= 25);
  }

  // ---- helpers ----

  private void assertRefused(JsonObject input, String why) {
    JsonObject pre = call("2101", msgid(), input);
    assertEquals(-2, pre.getInteger("infcode"), why + ": " + pre.encode());
    assertNotNull(pre.getString("err_msg"), why);
    assertEquals(-2, call("2102", msgid(), input).getInteger("infcode"), why);
  }

  private static JsonObject purchase(String psnNo, String insutype, boolean useAccount, JsonObject... lines) {
    return new JsonObject().put("psn_no", psnNo).put("mdtrt_cert_type", "01")
        .put("mdtrt_cert_no", "demo-credential-token").put("insutype", insutype).put("med_type", "41")
        .put("acct_used_flag", useAccount ? "1" : "0").put("drugdetail", new JsonArray(List.of((Object[]) lines)));
  }

  private static JsonObject line(String code, long cnt, long pric) {
    return new JsonObject().put("med_list_codg", code).put("cnt", cnt).put("pric", pric);
  }

  private static JsonObject cancelInput(String psnNo, String setlId) {
    return new JsonObject().put("psn_no", psnNo).put("setl_id", setlId);
  }

  private static JsonObject reversalInput(String psnNo, String omsgid) {
    return new JsonObject().put("psn_no", psnNo).put("omsgid", omsgid).put("oinfno", "2102");
  }

  private static JsonObject reconciliation(String from, String to, long medfee, long fund, long acct, long count) {
    return new JsonObject().put("fixmedins_code", PHARMACY).put("stmt_begndate", from).put("stmt_enddate", to)
        .put("medfee_sumamt", medfee).put("fund_pay_sumamt", fund).put("acct_pay", acct)
        .put("fixmedins_setl_cnt", count);
  }

  private static long sum(String field, JsonObject... outputs) {
    long total = 0;
    for (JsonObject o : outputs) {
      total += o.getLong(field);
    }
    return total;
  }

  private String msgid() {
    return msgid(PHARMACY);
  }

  /** Institution code + yyyyMMddHHmmss + a 4-digit sequence, unique within the test. */
  private String msgid(String fixmedinsCode) {
    return fixmedinsCode + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").format(ZonedDateTime.now(SHANGHAI))
        + String.format("%04d", msgSequence.incrementAndGet());
  }

  private String otherPharmacy() {
    return sandbox.world().registry().pharmacies().stream().map(Pharmacy::fixmedinsCode)
        .filter(code -> !code.equals(PHARMACY)).findFirst().orElseThrow();
  }

  private static JsonObject envelope(String infno, String fixmedinsCode, String msgid, JsonObject input) {
    return new JsonObject().put("infno", infno).put("msgid", msgid).put("mdtrtarea_admvs", "110105")
        .put("insuplc_admdvs", "110105").put("recer_sys_code", "YBGW").put("infver", "V1.0").put("opter_type", "1")
        .put("opter", "T11010500001-01").put("fixmedins_code", fixmedinsCode)
        .put("inf_time", ZonedDateTime.now(SHANGHAI).toString()).put("sign_no", "SIGN-DEMO").put("input", input);
  }

  private JsonObject call(String infno, String msgid, JsonObject input) {
    return call(infno, PHARMACY, msgid, input);
  }

  private JsonObject call(String infno, String fixmedinsCode, String msgid, JsonObject input) {
    HttpResponse<String> response = post("/settlement/" + infno, envelope(infno, fixmedinsCode, msgid, input).encode());
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  /** The output of an infcode 0 answer. */
  private static JsonObject ok(JsonObject answer) {
    assertEquals(0, answer.getInteger("infcode"), answer.encode());
    return answer.getJsonObject("output");
  }

  private HttpResponse<String> post(String path, String body) {
    return http.postJson(path, body);
  }

  private void postJson(String path, JsonObject body) {
    HttpResponse<String> response = http.postJson(path, body.encode());
    assertEquals(200, response.statusCode(), response.body());
  }

  private JsonObject getJson(String path) {
    HttpResponse<String> response = http.get(path);
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  private long balance(String psnNo) {
    return getJson("/accounts/" + psnNo).getLong("balanceFen");
  }

  private JsonObject totalsToday() {
    return getJson("/settlement/totals?fixmedins_code=" + PHARMACY + "&date=" + LocalDate.now(SHANGHAI));
  }

  private String settledMsgid(JsonObject settled) {
    return getJson("/settlement/settlements/" + settled.getString("setl_id")).getString("msgid");
  }
}
