package io.yibao.sandbox.settlement;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Http;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Family sharing at the pharmacy (家庭共济): after the person's own account, a relative's shared account pays
 * the rest of the personal part (acct_mulaid_pay), once, and cancel or reversal gives it back exactly once.
 */
class FamilySharingSettlementTest {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final String PHARMACY = Personas.PHARMACY;
  private static final String OMEPRAZOLE = "XA02BCA211A001010101467"; // 甲, 2180 fen
  private static final String SHARER = Personas.EMPLOYEE;

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

  @Test
  void aResidentRelativesPersonalPartIsPaidByTheSharerOnce() {
    bind("b-1", Personas.SPOUSE, true);
    // 10 × 2180 = 21800 in scope: 10000 to the resident deductible, 11800 × 50 % = 5900 from the fund.
    JsonObject input = purchase(Personas.SPOUSE, "390", true, 10);
    JsonObject preview = ok(call("2101", msgid(), input));
    assertEquals(5_900, preview.getLong("hifp_pay"));
    assertEquals(0, preview.getLong("acct_pay"), "a resident has no account of their own");
    assertEquals(21_800 - 5_900, preview.getLong("acct_mulaid_pay"));
    assertEquals(0, preview.getLong("psn_cash_pay"));
    assertEquals(0, preview.getLong("balc"), "balc is the person's own balance");
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(SHARER), "a pre-settlement moves nothing");

    String msgid = msgid();
    JsonObject settled = ok(call("2102", msgid, input));
    assertEquals(preview.getLong("acct_mulaid_pay"), settled.getLong("acct_mulaid_pay"));
    assertEquals(settled, ok(call("2102", msgid, input.copy())), "a retry answers the first answer");
    assertEquals(Personas.EMPLOYEE_BALANCE - 15_900, balance(SHARER), "debited once");

    List<JsonObject> uses = entries(SHARER, "FAMILY_SHARING");
    assertEquals(1, uses.size());
    assertEquals(-15_900, uses.get(0).getLong("amountFen"));
    assertEquals(Personas.SPOUSE, uses.get(0).getString("counterpartPsnNo"));
    assertEquals("settlement:" + settled.getString("setl_id") + ":mulaid", uses.get(0).getString("id"));
  }

  @Test
  void cancelGivesTheSharerBackExactlyOnce() {
    bind("b-1", Personas.SPOUSE, true);
    JsonObject settled = ok(call("2102", msgid(), purchase(Personas.SPOUSE, "390", true, 10)));
    JsonObject cancel = new JsonObject().put("psn_no", Personas.SPOUSE).put("setl_id", settled.getString("setl_id"));
    JsonObject undone = ok(call("2103", msgid(), cancel));
    assertEquals("CANCELLED", undone.getString("status"));
    assertEquals(15_900, undone.getLong("acct_mulaid_pay"));
    assertEquals(undone, ok(call("2103", msgid(), cancel.copy())), "cancelling again gives nothing more back");
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(SHARER));
    List<JsonObject> back = entries(SHARER, "FAMILY_SHARING_UNDO");
    assertEquals(1, back.size());
    assertEquals(15_900, back.get(0).getLong("amountFen"));
    assertEquals(Personas.SPOUSE, back.get(0).getString("counterpartPsnNo"));
  }

  @Test
  void reversalGivesTheSharerBackExactlyOnce() {
    bind("b-1", Personas.SPOUSE, true);
    String msgid = msgid();
    ok(call("2102", msgid, purchase(Personas.SPOUSE, "390", true, 10)));
    JsonObject reversal = new JsonObject().put("psn_no", Personas.SPOUSE).put("omsgid", msgid).put("oinfno", "2102");
    JsonObject reversed = ok(call("2601", msgid(), reversal));
    assertEquals("REVERSED", reversed.getString("status"));
    assertEquals(15_900, reversed.getLong("acct_mulaid_pay"));
    ok(call("2601", msgid(), reversal.copy()));
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(SHARER));
    assertEquals(1, entries(SHARER, "FAMILY_SHARING_UNDO").size());
  }

  @Test
  void anEndedBindingDrawsNothing() {
    bind("b-1", Personas.SPOUSE, true);
    assertEquals(200, http.send(http.request("/accounts/sharing/bindings/b-1").DELETE().build()).statusCode());
    JsonObject settled = ok(call("2102", msgid(), purchase(Personas.SPOUSE, "390", true, 10)));
    assertEquals(0, settled.getLong("acct_mulaid_pay"));
    assertEquals(15_900, settled.getLong("psn_cash_pay"));
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(SHARER));
  }

  @Test
  void aBindingWithoutInstitutionsDrawsNothing() {
    bind("b-1", Personas.SPOUSE, false);
    JsonObject settled = ok(call("2102", msgid(), purchase(Personas.SPOUSE, "390", true, 10)));
    assertEquals(0, settled.getLong("acct_mulaid_pay"));
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(SHARER));
  }

  @Test
  void withoutTheAccountFlagNothingIsShared() {
    bind("b-1", Personas.SPOUSE, true);
    JsonObject settled = ok(call("2102", msgid(), purchase(Personas.SPOUSE, "390", false, 10)));
    assertEquals(0, settled.getLong("acct_mulaid_pay"));
    assertEquals(15_900, settled.getLong("psn_cash_pay"));
  }

  @Test
  void anEmployeeRelativesOwnAccountPaysFirst() {
    // The father (310) holds 128000 fen. 100 × 2180 = 218000: 20000 deductible, 198000 × 70 % = 138600 fund,
    // 79400 personal part: all from his own account, nothing from the sharer.
    bind("b-1", Personas.FATHER, true);
    JsonObject small = ok(call("2102", msgid(), purchase(Personas.FATHER, "310", true, 100)));
    assertEquals(79_400, small.getLong("acct_pay"));
    assertEquals(0, small.getLong("acct_mulaid_pay"));
    assertEquals(Personas.FATHER_BALANCE - 79_400, small.getLong("balc"));
    // Now 48600 is left: a second purchase of 79400 personal part draws the rest from the sharer.
    JsonObject big = ok(call("2102", msgid(), purchase(Personas.FATHER, "310", true, 100)));
    long fund = big.getLong("hifp_pay");
    long part = 218_000 - fund;
    assertEquals(48_600, big.getLong("acct_pay"));
    assertEquals(part - 48_600, big.getLong("acct_mulaid_pay"));
    assertEquals(0, big.getLong("psn_cash_pay"));
    assertEquals(0, big.getLong("balc"));
    assertEquals(0, balance(Personas.FATHER));
    assertEquals(Personas.EMPLOYEE_BALANCE - (part - 48_600), balance(SHARER));
  }

  @Test
  void theSharersBalanceBoundsWhatItPays() {
    bind("b-1", Personas.SPOUSE, true);
    // Leave the sharer 1000 fen.
    assertEquals(200, http.postJson("/accounts/debits", new JsonObject().put("id", "drain").put("psnNo", SHARER)
        .put("amountFen", Personas.EMPLOYEE_BALANCE - 1_000).encode()).statusCode());
    JsonObject settled = ok(call("2102", msgid(), purchase(Personas.SPOUSE, "390", true, 10)));
    assertEquals(1_000, settled.getLong("acct_mulaid_pay"));
    assertEquals(14_900, settled.getLong("psn_cash_pay"));
    assertEquals(0, balance(SHARER));
  }

  @Test
  void theOldestBindingAllowingInstitutionsPays() {
    bind("b-1", Personas.SPOUSE, false);
    bindFrom("b-2", Personas.FATHER, Personas.SPOUSE);
    JsonObject settled = ok(call("2102", msgid(), purchase(Personas.SPOUSE, "390", true, 10)));
    assertEquals(15_900, settled.getLong("acct_mulaid_pay"));
    assertEquals(Personas.FATHER_BALANCE - 15_900, balance(Personas.FATHER));
    assertEquals(Personas.EMPLOYEE_BALANCE, balance(SHARER));
  }

  // ---- helpers ----

  private void bind(String id, String member, boolean institutions) {
    post("/accounts/sharing/bindings", new JsonObject().put("id", id).put("sharerPsnNo", SHARER)
        .put("memberPsnNo", member).put("relation", "SPOUSE").put("uses", new JsonObject()
            .put("institutions", institutions).put("contributions", true).put("wallet", true)));
  }

  private void bindFrom(String id, String sharer, String member) {
    post("/accounts/sharing/bindings", new JsonObject().put("id", id).put("sharerPsnNo", sharer)
        .put("memberPsnNo", member).put("relation", "CHILD").put("uses", new JsonObject()
            .put("institutions", true).put("contributions", true).put("wallet", true)));
  }

  private void post(String path, JsonObject body) {
    HttpResponse<String> r = http.postJson(path, body.encode());
    assertEquals(201, r.statusCode(), r.body());
  }

  private static JsonObject purchase(String psnNo, String insutype, boolean useAccount, long count) {
    return new JsonObject().put("psn_no", psnNo).put("mdtrt_cert_type", "01")
        .put("mdtrt_cert_no", "demo-credential-token").put("insutype", insutype).put("med_type", "41")
        .put("acct_used_flag", useAccount ? "1" : "0").put("drugdetail", new JsonArray()
            .add(new JsonObject().put("med_list_codg", OMEPRAZOLE).put("cnt", count).put("pric", 2_180)));
  }

  private String msgid() {
    return PHARMACY + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").format(ZonedDateTime.now(SHANGHAI))
        + String.format("%04d", msgSequence.incrementAndGet());
  }

  private JsonObject call(String infno, String msgid, JsonObject input) {
    JsonObject envelope = new JsonObject().put("infno", infno).put("msgid", msgid).put("fixmedins_code", PHARMACY)
        .put("input", input);
    HttpResponse<String> r = http.send(http.request("/settlement/" + infno).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(envelope.encode())).build());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject ok(JsonObject answer) {
    assertEquals(0, answer.getInteger("infcode"), answer.encode());
    return answer.getJsonObject("output");
  }

  private JsonObject account(String psnNo) {
    HttpResponse<String> r = http.get("/accounts/" + psnNo);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private long balance(String psnNo) {
    return account(psnNo).getLong("balanceFen");
  }

  private List<JsonObject> entries(String psnNo, String kind) {
    return account(psnNo).getJsonArray("entries").stream().map(JsonObject.class::cast)
        .filter(e -> kind.equals(e.getString("kind"))).toList();
  }
}
