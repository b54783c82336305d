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

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Care away from home (异地就医) at the settlement center: a Beijing-insured person buying in Shanghai is paid at
 * the filed ratio only while a filing covers that pharmacy, at the lower unfiled ratio otherwise; at home the
 * local ratio, filing or not.
 */
class RemoteSettlementTest {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final LocalDate TODAY = LocalDate.now(SHANGHAI);
  private static final String OMEPRAZOLE = "XA02BCA211A001010101467"; // 甲, 2180 fen
  /** 20 × 2180 = 43600 in scope; above the employee's 20000 deductible 23600 is eligible. */
  private static final long ELIGIBLE = 43_600 - 20_000;

  private final AtomicInteger sequence = new AtomicInteger();
  private Sandbox sandbox;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(SandboxOptions.forTests().withPopulation(0));
    http = new Http(sandbox.port());
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  @Test
  void withoutAFilingCareAwayIsPaidAtTheUnfiledRatio() {
    JsonObject out = preSettle(Personas.REMOTE_PHARMACY, Personas.FATHER);
    assertEquals("2", out.getString("remote_flag"));
    assertEquals(5_000, out.getInteger("fund_ratio_bp"));
    assertEquals(ELIGIBLE * 5_000 / 10_000, out.getLong("hifp_pay"));
    assertEquals("310104", out.getString("mdtrtarea_admvs"));
    assertEquals("110105", out.getString("insuplc_admdvs"));
    assertFalse(out.containsKey("filing_id"));
  }

  @Test
  void aFilingCoveringThePharmacyBringsTheFiledRatio() {
    String filingId = file(Personas.FATHER, "310000");
    JsonObject out = preSettle(Personas.REMOTE_PHARMACY, Personas.FATHER);
    assertEquals("1", out.getString("remote_flag"));
    assertEquals(7_000, out.getInteger("fund_ratio_bp"));
    assertEquals(ELIGIBLE * 7_000 / 10_000, out.getLong("hifp_pay"));
    assertEquals(filingId, out.getString("filing_id"));
  }

  @Test
  void aFilingElsewhereDoesNotCoverShanghai() {
    file(Personas.FATHER, "320102");
    assertEquals("2", preSettle(Personas.REMOTE_PHARMACY, Personas.FATHER).getString("remote_flag"));
  }

  @Test
  void atHomeTheLocalRatioApplies() {
    file(Personas.FATHER, "310104");
    JsonObject out = preSettle(Personas.PHARMACY, Personas.FATHER);
    assertEquals("0", out.getString("remote_flag"));
    assertEquals(7_000, out.getInteger("fund_ratio_bp"));
    assertEquals("110105", out.getString("mdtrtarea_admvs"));
    assertEquals("110105", out.getString("insuplc_admdvs"));
    assertFalse(out.containsKey("filing_id"), "a filing plays no part at home");
  }

  @Test
  void aRevokedFilingNoLongerCounts() {
    String filingId = file(Personas.FATHER, "310104");
    assertEquals("1", preSettle(Personas.REMOTE_PHARMACY, Personas.FATHER).getString("remote_flag"));
    expect(200, http.postJson("/filing/filings/" + filingId + "/revoke",
        new JsonObject().put("reason", "back home").encode()));

    JsonObject out = preSettle(Personas.REMOTE_PHARMACY, Personas.FATHER);
    assertEquals("2", out.getString("remote_flag"), "revoked today: not in force today");
    assertEquals(5_000, out.getInteger("fund_ratio_bp"));
  }

  @Test
  void residentsHaveTheirOwnRemoteRatios() {
    JsonObject out = ok(call("2101", Personas.REMOTE_PHARMACY, purchase(Personas.SPOUSE, "390")));
    assertEquals("2", out.getString("remote_flag"));
    assertEquals(3_000, out.getInteger("fund_ratio_bp"));
    file(Personas.SPOUSE, "310104");
    assertEquals(5_000, ok(call("2101", Personas.REMOTE_PHARMACY, purchase(Personas.SPOUSE, "390")))
        .getInteger("fund_ratio_bp"));
  }

  @Test
  void aSettlementKeepsWhereItWasPaidAndARetryAnswersTheSame() {
    String filingId = file(Personas.FATHER, "310104");
    String msgid = msgid(Personas.REMOTE_PHARMACY);
    JsonObject input = purchase(Personas.FATHER, "310");
    JsonObject settled = ok(call("2102", Personas.REMOTE_PHARMACY, msgid, input));
    assertEquals("1", settled.getString("remote_flag"));
    assertEquals(filingId, settled.getString("filing_id"));

    expect(200, http.postJson("/filing/filings/" + filingId + "/revoke",
        new JsonObject().put("reason", "back home").encode()));
    assertEquals(settled, ok(call("2102", Personas.REMOTE_PHARMACY, msgid, input.copy())),
        "the first answer, though the filing is revoked since");
    JsonObject stored = expect(200, http.get("/settlement/settlements/" + settled.getString("setl_id")));
    assertEquals(settled, stored.getJsonObject("setlinfo"));
  }

  // ---- helpers ----

  private String file(String psnNo, String destination) {
    JsonObject body = new JsonObject().put("requestId", String.format("remote-test-%08d", sequence.incrementAndGet()))
        .put("psnNo", psnNo).put("category", "RETIRED_RESETTLED").put("kind", "LONG_TERM")
        .put("destinationRegion", destination).put("startDate", TODAY.toString()).putNull("endDate")
        .put("basis", "DOCUMENTS").putNull("referralNo");
    return expect(201, http.postJson("/filing/filings", body.encode())).getString("id");
  }

  private JsonObject preSettle(String fixmedinsCode, String psnNo) {
    return ok(call("2101", fixmedinsCode, purchase(psnNo, "310")));
  }

  private static JsonObject purchase(String psnNo, String insutype) {
    JsonObject line = new JsonObject().put("med_list_codg", OMEPRAZOLE).put("cnt", 20).put("pric", 2_180);
    return new JsonObject().put("psn_no", psnNo).put("mdtrt_cert_type", "01")
        .put("mdtrt_cert_no", "demo-credential-token").put("insutype", insutype).put("med_type", "41")
        .put("acct_used_flag", "0").put("drugdetail", new JsonArray(List.of(line)));
  }

  private JsonObject call(String infno, String fixmedinsCode, JsonObject input) {
    return call(infno, fixmedinsCode, msgid(fixmedinsCode), input);
  }

  private JsonObject call(String infno, String fixmedinsCode, String msgid, JsonObject input) {
    JsonObject envelope = new JsonObject().put("infno", infno).put("msgid", msgid)
        .put("fixmedins_code", fixmedinsCode).put("infver", "V1.0").put("opter_type", "1").put("input", input);
    return expect(200, http.postJson("/settlement/" + infno, envelope.encode()));
  }

  private static JsonObject ok(JsonObject answer) {
    assertEquals(0, answer.getInteger("infcode"), answer.encode());
    return answer.getJsonObject("output");
  }

  private String msgid(String fixmedinsCode) {
    return fixmedinsCode + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").format(ZonedDateTime.now(SHANGHAI))
        + String.format("%04d", sequence.incrementAndGet());
  }

  private static JsonObject expect(int status, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }
}
