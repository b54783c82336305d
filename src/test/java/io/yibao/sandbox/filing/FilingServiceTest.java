package io.yibao.sandbox.filing;

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
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The filing system over HTTP, as the gateway's filing feature talks to it. */
class FilingServiceTest {

  private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Shanghai"));
  private static final String SHANGHAI_XUHUI = "310104";

  private final AtomicInteger requests = new AtomicInteger();
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

  // ---- filing ----

  @Test
  void aFilingIsMadeWithItsFirstHistoryEntry() {
    JsonObject body = longTerm(Personas.FATHER, TODAY, null);
    JsonObject filing = expect(201, post("/filing/filings", body));

    assertTrue(filing.getString("id").matches("BA" + TODAY.toString().replace("-", "") + "\\d{8}"),
        filing.getString("id"));
    assertEquals(Personas.FATHER, filing.getString("psnNo"));
    assertEquals("RETIRED_RESETTLED", filing.getString("category"));
    assertEquals("LONG_TERM", filing.getString("kind"));
    assertEquals(SHANGHAI_XUHUI, filing.getString("destinationRegion"));
    assertEquals(TODAY.toString(), filing.getString("startDate"));
    assertTrue(filing.containsKey("endDate") && filing.getValue("endDate") == null, "open-ended");
    assertEquals("DOCUMENTS", filing.getString("basis"));
    assertTrue(filing.containsKey("referralNo") && filing.getValue("referralNo") == null);
    assertEquals("ACTIVE", filing.getString("status"));
    assertTrue(filing.containsKey("revokedOn") && filing.getValue("revokedOn") == null);
    assertEquals("+08:00", OffsetDateTime.parse(filing.getString("createdAt")).getOffset().getId());
    JsonArray history = filing.getJsonArray("history");
    assertEquals(1, history.size());
    assertEquals("FILED", history.getJsonObject(0).getString("action"));
    assertNull(history.getJsonObject(0).getString("reason"));
    assertEquals(new JsonObject(), history.getJsonObject(0).getJsonObject("changes"));
    assertEquals(filing, expect(200, http.get("/filing/filings/" + filing.getString("id"))));
  }

  @Test
  void theSameRequestTwiceFilesOnce() {
    JsonObject body = longTerm(Personas.FATHER, TODAY, null);
    JsonObject first = expect(201, post("/filing/filings", body));
    JsonObject again = expect(200, post("/filing/filings", body.copy()));

    assertEquals(true, again.getBoolean("replayed"));
    assertEquals(first.getString("id"), again.getString("id"));
    assertEquals(1, filingsOf(Personas.FATHER).size());
  }

  @Test
  void aRequestIdCannotFileSomethingElse() {
    JsonObject body = longTerm(Personas.FATHER, TODAY, null);
    expect(201, post("/filing/filings", body));
    JsonObject other = body.copy().put("destinationRegion", "320102");
    assertError(409, "REQUEST_ID_REUSED", post("/filing/filings", other));
    assertEquals(1, filingsOf(Personas.FATHER).size());
  }

  @Test
  void aCallerWhoLostTheAnswerAsksByRequestId() {
    JsonObject body = longTerm(Personas.FATHER, TODAY, null);
    String requestId = body.getString("requestId");
    assertError(404, "NOT_FOUND", http.get("/filing/requests/" + requestId));

    JsonObject filing = expect(201, post("/filing/filings", body));
    assertEquals(filing, expect(200, http.get("/filing/requests/" + requestId)));
  }

  @Test
  void onlyRegisteredPersonsFile() {
    assertError(404, "NOT_FOUND", post("/filing/filings", longTerm("11999999999999999999", TODAY, null)));
  }

  @Test
  void malformedRequestsAre400() {
    JsonObject good = temporary(Personas.EMPLOYEE, TODAY, TODAY.plusMonths(6));
    assertError(400, "BAD_REQUEST", post("/filing/filings", good.copy().put("startDate", "2025-02-30")));
    assertError(400, "BAD_REQUEST", post("/filing/filings", good.copy().put("startDate", "2025-2-3")));
    assertError(400, "BAD_REQUEST", post("/filing/filings", good.copy().put("endDate", TODAY.minusDays(1).toString())));
    assertError(400, "BAD_REQUEST", post("/filing/filings", good.copy().putNull("endDate")),
        "only a long-term filing is open-ended");
    assertError(400, "BAD_REQUEST", post("/filing/filings", good.copy().put("kind", "FOREVER")));
    assertError(400, "BAD_REQUEST", post("/filing/filings", good.copy().put("basis", "HEARSAY")));
    assertError(400, "BAD_REQUEST", post("/filing/filings", good.copy().put("destinationRegion", "31010")));
    assertError(400, "BAD_REQUEST", post("/filing/filings", good.copy().put("requestId", "short")));
    assertError(400, "BAD_REQUEST", post("/filing/filings", good.copy().put("requestId", "x".repeat(65))));
    assertError(400, "BAD_REQUEST", post("/filing/filings", withoutPsnNo(good)));
    assertError(400, "BAD_REQUEST", post("/filing/filings", good.copy().put("referralNo", "ZZ110105-00000001")),
        "a referral number only on a REFERRAL filing on documents");
    assertError(400, "BAD_REQUEST", http.postJson("/filing/filings", "not json"));
    assertEquals(0, filingsOf(Personas.EMPLOYEE).size());
  }

  // ---- overlap ----

  @Test
  void twoFilingsOfOneKindMayNotShareADay() {
    JsonObject first = expect(201, post("/filing/filings", longTerm(Personas.FATHER, TODAY, null)));
    JsonObject clash = assertError(409, "OVERLAP",
        post("/filing/filings", longTerm(Personas.FATHER, TODAY.plusYears(1), null).put("destinationRegion", "320102")));
    assertEquals(first.getString("id"), clash.getString("conflictingFilingId"));

    JsonObject temporary = expect(201, post("/filing/filings",
        temporary(Personas.FATHER, TODAY.plusDays(10), TODAY.plusMonths(6))));
    assertEquals("TEMPORARY", temporary.getString("kind"), "kinds do not overlap each other");
    JsonObject clash2 = assertError(409, "OVERLAP",
        post("/filing/filings", temporary(Personas.FATHER, TODAY.plusMonths(6), TODAY.plusMonths(12))));
    assertEquals(temporary.getString("id"), clash2.getString("conflictingFilingId"), "the end day is in force");
    expect(201, post("/filing/filings", temporary(Personas.FATHER, TODAY.plusMonths(6).plusDays(1),
        TODAY.plusMonths(12))));
    expect(201, post("/filing/filings", longTerm(Personas.EMPLOYEE, TODAY, null)), "other persons are free");
  }

  @Test
  void aRevokedFilingEndsTheDayBeforeItsRevocation() {
    JsonObject old = expect(201, post("/filing/filings", longTerm(Personas.FATHER, TODAY.minusDays(10), null)));
    expect(200, post("/filing/filings/" + old.getString("id") + "/revoke", reason("moved back")));

    JsonObject clash = assertError(409, "OVERLAP",
        post("/filing/filings", longTerm(Personas.FATHER, TODAY.minusDays(1), null)));
    assertEquals(old.getString("id"), clash.getString("conflictingFilingId"), "yesterday it was still in force");
    expect(201, post("/filing/filings", longTerm(Personas.FATHER, TODAY, null)));
  }

  // ---- referrals ----

  @Test
  void aReferralFilingOnDocumentsNamesThePersonsReferral() {
    JsonObject referral = issueReferral(Personas.EMPLOYEE, "310000");
    assertTrue(referral.getString("referralNo").startsWith("ZZ110105-"), referral.encode());
    assertEquals(TODAY.toString(), referral.getString("issuedOn"));
    assertEquals(Personas.EMPLOYEE, referral.getString("psnNo"));

    assertError(422, "REFERRAL_UNKNOWN",
        post("/filing/filings", referralFiling(Personas.EMPLOYEE, "ZZ110105-99999999")));
    String fathers = issueReferral(Personas.FATHER, "310000").getString("referralNo");
    assertError(422, "REFERRAL_UNKNOWN", post("/filing/filings", referralFiling(Personas.EMPLOYEE, fathers)),
        "another person's referral");
    JsonObject filing = expect(201, post("/filing/filings",
        referralFiling(Personas.EMPLOYEE, referral.getString("referralNo"))));
    assertEquals(referral.getString("referralNo"), filing.getString("referralNo"));
    assertError(400, "BAD_REQUEST", post("/filing/filings", referralFiling(Personas.EMPLOYEE, null)),
        "a referral filing on documents needs its referral");
  }

  @Test
  void theDemoFatherHasAReferralToShanghai() {
    JsonObject personas = expect(200, http.get("/_sandbox/personas"));
    JsonObject referral = personas.getJsonArray("referrals").getJsonObject(0);
    assertEquals(Personas.FATHER_REFERRAL, referral.getString("referralNo"));
    assertEquals(Personas.FATHER, referral.getString("psnNo"));
    assertEquals("310000", referral.getString("destinationRegion"));
    assertEquals("P31010400001", personas.getJsonObject("remotePharmacy").getString("fixmedinsCode"));
    assertEquals("P11010500001", personas.getJsonObject("pharmacy").getString("fixmedinsCode"));

    expect(201, post("/filing/filings", referralFiling(Personas.FATHER, Personas.FATHER_REFERRAL)));
  }

  @Test
  void referralsAreIssuedOnlyForRegisteredPersons() {
    assertError(404, "NOT_FOUND", http.postJson("/_sandbox/hospital/referrals",
        new JsonObject().put("psnNo", "11999999999999999999").put("destinationRegion", "310000").encode()));
    assertError(400, "BAD_REQUEST", http.postJson("/_sandbox/hospital/referrals",
        new JsonObject().put("psnNo", Personas.FATHER).put("destinationRegion", "Shanghai").encode()));
  }

  // ---- change and revoke ----

  @Test
  void aChangeAppendsWhatChangedFromWhatToWhat() {
    JsonObject filing = expect(201, post("/filing/filings", longTerm(Personas.FATHER, TODAY, null)));
    String id = filing.getString("id");
    String end = TODAY.plusYears(2).toString();
    JsonObject changed = expect(200, post("/filing/filings/" + id + "/change", reason("moved to Nanjing")
        .put("destinationRegion", "320102").put("endDate", end)));

    assertEquals("320102", changed.getString("destinationRegion"));
    assertEquals(end, changed.getString("endDate"));
    JsonArray history = changed.getJsonArray("history");
    assertEquals(2, history.size());
    JsonObject entry = history.getJsonObject(1);
    assertEquals("CHANGED", entry.getString("action"));
    assertEquals("moved to Nanjing", entry.getString("reason"));
    assertEquals(new JsonObject()
        .put("destinationRegion", new JsonObject().put("from", SHANGHAI_XUHUI).put("to", "320102"))
        .put("endDate", new JsonObject().putNull("from").put("to", end)), entry.getJsonObject("changes"));

    JsonObject same = expect(200, post("/filing/filings/" + id + "/change", reason("again")
        .put("destinationRegion", "320102")));
    assertEquals(changed, same, "nothing differs: no entry");

    JsonObject reopened = expect(200, post("/filing/filings/" + id + "/change", reason("open again").putNull("endDate")));
    assertNull(reopened.getString("endDate"));
    assertEquals(new JsonObject().put("endDate", new JsonObject().put("from", end).putNull("to")),
        reopened.getJsonArray("history").getJsonObject(2).getJsonObject("changes"));
    assertEquals("320102", reopened.getString("destinationRegion"), "a field left out stays");
  }

  @Test
  void aChangeIsRefusedWhenItWouldClashOrTheFilingIsRevoked() {
    JsonObject first = expect(201, post("/filing/filings", temporary(Personas.FATHER, TODAY, TODAY.plusMonths(6))));
    JsonObject second = expect(201, post("/filing/filings",
        temporary(Personas.FATHER, TODAY.plusMonths(7), TODAY.plusMonths(12))));
    String firstId = first.getString("id");

    JsonObject clash = assertError(409, "OVERLAP", post("/filing/filings/" + firstId + "/change",
        reason("longer").put("endDate", TODAY.plusMonths(8).toString())));
    assertEquals(second.getString("id"), clash.getString("conflictingFilingId"));
    assertError(400, "BAD_REQUEST", post("/filing/filings/" + firstId + "/change", reason("forever").putNull("endDate")),
        "a temporary filing keeps an end");
    assertError(400, "BAD_REQUEST", post("/filing/filings/" + firstId + "/change",
        new JsonObject().put("destinationRegion", "320102")), "a reason is required");
    assertError(404, "NOT_FOUND", post("/filing/filings/BA2025010100000099/change", reason("x")));

    expect(200, post("/filing/filings/" + firstId + "/revoke", reason("cured")));
    assertError(409, "NOT_ACTIVE", post("/filing/filings/" + firstId + "/change",
        reason("late").put("destinationRegion", "320102")));
    assertEquals(2, expect(200, http.get("/filing/filings/" + firstId)).getJsonArray("history").size());
  }

  @Test
  void revokingTwiceRevokesOnce() {
    JsonObject filing = expect(201, post("/filing/filings", longTerm(Personas.FATHER, TODAY, null)));
    String id = filing.getString("id");
    JsonObject revoked = expect(200, post("/filing/filings/" + id + "/revoke", reason("back home")));

    assertEquals("REVOKED", revoked.getString("status"));
    assertEquals(TODAY.toString(), revoked.getString("revokedOn"));
    JsonObject entry = revoked.getJsonArray("history").getJsonObject(1);
    assertEquals("REVOKED", entry.getString("action"));
    assertEquals("back home", entry.getString("reason"));
    assertEquals(new JsonObject(), entry.getJsonObject("changes"));

    assertEquals(revoked, expect(200, post("/filing/filings/" + id + "/revoke", reason("again"))));
    assertError(404, "NOT_FOUND", post("/filing/filings/BA2025010100000099/revoke", reason("x")));
  }

  // ---- queries ----

  @Test
  void filingsOfSeveralPersonsComeNewestFirst() {
    String a = expect(201, post("/filing/filings", longTerm(Personas.FATHER, TODAY, null))).getString("id");
    String b = expect(201, post("/filing/filings", longTerm(Personas.EMPLOYEE, TODAY, null))).getString("id");
    String c = expect(201, post("/filing/filings",
        temporary(Personas.FATHER, TODAY, TODAY.plusMonths(6)))).getString("id");
    expect(201, post("/filing/filings", longTerm(Personas.SPOUSE, TODAY, null)));

    JsonArray filings = expect(200, http.get("/filing/filings?psnNo=" + Personas.FATHER + "," + Personas.EMPLOYEE
        + ",11999999999999999999")).getJsonArray("filings");
    assertEquals(3, filings.size());
    assertEquals(c, filings.getJsonObject(0).getString("id"));
    assertEquals(b, filings.getJsonObject(1).getString("id"));
    assertEquals(a, filings.getJsonObject(2).getString("id"));

    assertError(400, "BAD_REQUEST", http.get("/filing/filings"));
    assertError(400, "BAD_REQUEST", http.get("/filing/filings?psnNo=" + "1,".repeat(10) + "1"), "at most 10");
    assertError(404, "NOT_FOUND", http.get("/filing/filings/BA2025010100000099"));
  }

  // ---- helpers ----

  private JsonObject longTerm(String psnNo, LocalDate start, LocalDate end) {
    return request(psnNo, "RETIRED_RESETTLED", "LONG_TERM", start, end, "DOCUMENTS");
  }

  private JsonObject temporary(String psnNo, LocalDate start, LocalDate end) {
    return request(psnNo, "OTHER_TEMPORARY", "TEMPORARY", start, end, "COMMITMENT");
  }

  private JsonObject referralFiling(String psnNo, String referralNo) {
    return request(psnNo, "REFERRAL", "TEMPORARY", TODAY, TODAY.plusMonths(6), "DOCUMENTS")
        .put("destinationRegion", "310000").put("referralNo", referralNo);
  }

  private JsonObject request(String psnNo, String category, String kind, LocalDate start, LocalDate end,
                             String basis) {
    return new JsonObject().put("requestId", String.format("test-request-%08d", requests.incrementAndGet()))
        .put("psnNo", psnNo).put("category", category).put("kind", kind).put("destinationRegion", SHANGHAI_XUHUI)
        .put("startDate", start.toString()).put("endDate", end == null ? null : end.toString()).put("basis", basis)
        .putNull("referralNo");
  }

  private static JsonObject withoutPsnNo(JsonObject body) {
    JsonObject copy = body.copy();
    copy.remove("psnNo");
    return copy;
  }

  private static JsonObject reason(String reason) {
    return new JsonObject().put("reason", reason);
  }

  private JsonObject issueReferral(String psnNo, String destination) {
    return expect(201, http.postJson("/_sandbox/hospital/referrals",
        new JsonObject().put("psnNo", psnNo).put("destinationRegion", destination).encode()));
  }

  private JsonArray filingsOf(String psnNo) {
    return expect(200, http.get("/filing/filings?psnNo=" + psnNo)).getJsonArray("filings");
  }

  private HttpResponse<String> post(String path, JsonObject body) {
    return http.postJson(path, body.encode());
  }

  private static JsonObject expect(int status, HttpResponse<String> response) {
    return expect(status, response, "");
  }

  private static JsonObject expect(int status, HttpResponse<String> response, String why) {
    assertEquals(status, response.statusCode(), why + " " + response.body());
    return new JsonObject(response.body());
  }

  private static JsonObject assertError(int status, String code, HttpResponse<String> response) {
    return assertError(status, code, response, "");
  }

  private static JsonObject assertError(int status, String code, HttpResponse<String> response, String why) {
    JsonObject body = expect(status, response, why);
    assertEquals(code, body.getString("error"), why + " " + body.encode());
    return body;
  }
}
