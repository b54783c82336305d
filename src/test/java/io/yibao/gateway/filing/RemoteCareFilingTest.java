package io.yibao.gateway.filing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Pos;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Household;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-region care filing as a resident's app uses it, against the sandbox's filing system: each category's rules
 * and their problem codes, family members, change and revoke with their history, settlement at the filed and unfiled
 * ratios seen in the preview, lost answers that never make two filings, and stale reads while the filing system is
 * down. Every test takes persons of its own from the generated population, as filings live in the shared sandbox.
 */
class RemoteCareFilingTest {

  static final String SHANGHAI = "310000";
  static final String XUHUI = "310104";
  static final String GUANGZHOU = "440100";
  static final String JIA = "XA02BCA211A001010101467"; // 甲, fully in scope
  static final String REMOTE_TERMINAL = "T31010400001-01";

  static TestRedis redis;
  static TestGateway gateway;
  static final Set<String> taken = new HashSet<>();

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    // Short filing-system timeout (lost answers are waited for), and a breaker that the fault tests do not open.
    gateway = TestGateway.start(redis, Map.of("core.filing.timeoutMillis", "600",
        "core.filing.breaker.minimumCalls", "10000", "core.filing.breaker.slidingWindowSize", "10000",
        "identity.otp.perPhone.limit", "1000"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  @AfterEach
  void clearFaults() {
    TestSandbox.clearFaults();
  }

  static LocalDate today() {
    return LocalDate.now(ZoneId.of("Asia/Shanghai"));
  }

  static Registry registry() {
    return TestSandbox.shared().world().registry();
  }

  /** A person of the generated population no other test of this class uses, insured in Beijing. */
  static synchronized Person person(Predicate<Person> wanted) {
    Registry registry = registry();
    List<String> all = registry.psnNos();
    for (int i = all.size() - 1; i >= 0; i--) { // from the end: other test classes take from the front
      Person p = registry.person(all.get(i));
      if (p.mobile() != null && p.insuAdmdvs().startsWith("11") && wanted.test(p) && taken.add(p.psnNo())) {
        return p;
      }
    }
    throw new IllegalStateException("no such person left in the test population");
  }

  static Person adult() {
    return person(p -> p.ageOn(today()) >= 20 && p.ageOn(today()) < 55);
  }

  static Resident signedIn(Person p) {
    return Resident.signIn(gateway.http(), p.mobile(), "filing-" + p.psnNo()).bind(p);
  }

  static HttpResponse<String> file(Resident r, JsonObject body, String key) {
    return gateway.http().send(r.request("/api/v1/remote-care/filings").header("Content-Type", "application/json")
        .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  static HttpResponse<String> file(Resident r, JsonObject body) {
    return file(r, body, UUID.randomUUID().toString());
  }

  static JsonObject filing(String category, String destination, LocalDate start) {
    return new JsonObject().put("category", category).put("destinationRegion", destination)
        .put("startDate", start.toString());
  }

  static JsonObject created(HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  static JsonArray mine(Resident r) {
    HttpResponse<String> listed = r.get("/api/v1/remote-care/filings");
    assertEquals(200, listed.statusCode(), listed.body());
    return new JsonObject(listed.body()).getJsonArray("items");
  }

  // --- categories and their rules -------------------------------------------------------------------------------

  @Test
  void aTemporaryFilingIsCoveredTodayForAtLeastSixMonthsAndListed() {
    Person p = adult();
    Resident r = signedIn(p);
    JsonObject f = created(file(r, filing("TEMPORARY", GUANGZHOU, today()).put("endDate",
        today().plusMonths(1).toString())));
    assertEquals("ACTIVE", f.getString("status"));
    assertEquals("TEMPORARY", f.getString("kind"));
    assertEquals("DOCUMENTS", f.getString("basis"));
    assertEquals("SELF", f.getString("relation"));
    assertEquals(today().toString(), f.getString("startDate"));
    assertEquals(today().plusMonths(6).minusDays(1).toString(), f.getString("endDate"), "extended to the minimum");
    assertTrue(f.getString("validityNote").contains("6个月"), f.encode());
    assertEquals("广州市", f.getJsonObject("destinationRegion").getString("name"));
    assertEquals("FILED", f.getJsonArray("history").getJsonObject(0).getString("action"));
    assertNull(f.getValue("lockedUntil"));

    JsonArray items = mine(r);
    assertEquals(1, items.size());
    assertEquals(f.getString("id"), items.getJsonObject(0).getString("id"));
    HttpResponse<String> one = r.get("/api/v1/remote-care/filings/" + f.getString("id"));
    assertEquals(200, one.statusCode(), one.body());
    assertEquals(f.getString("endDate"), new JsonObject(one.body()).getString("endDate"));
  }

  @Test
  void theDestinationMustBeARealDivisionOutsideTheInsuredArea() {
    Resident r = signedIn(adult());
    assertProblem(file(r, filing("TEMPORARY", "110199", today())), 422, "FILING_REGION_UNKNOWN");
    assertProblem(file(r, filing("TEMPORARY", "110000", today())), 422, "FILING_SAME_REGION");
    assertProblem(file(r, filing("TEMPORARY", "110108", today())), 422, "FILING_SAME_REGION");
    assertProblem(file(r, filing("TEMPORARY", "999999", today())), 400, "VALIDATION_FAILED");
    assertEquals(0, mine(r).size());
  }

  @Test
  void datesFollowTheCategory() {
    Resident r = signedIn(adult());
    assertProblem(file(r, filing("TEMPORARY", SHANGHAI, today().minusDays(1))), 422, "FILING_DATES_INVALID");
    assertProblem(file(r, filing("TEMPORARY", SHANGHAI, today().plusDays(181))), 422, "FILING_DATES_INVALID");
    assertProblem(file(r, filing("TEMPORARY", SHANGHAI, today().plusDays(5)).put("endDate",
        today().plusDays(4).toString())), 422, "FILING_DATES_INVALID");
    assertProblem(file(r, filing("TEMPORARY", SHANGHAI, today()).put("endDate",
        today().plusMonths(13).toString())), 422, "FILING_DATES_INVALID");
    assertProblem(file(r, filing("LONG_TERM_RESIDENCE", SHANGHAI, today()).put("endDate",
        today().plusMonths(8).toString())), 422, "FILING_DATES_INVALID");
    assertProblem(file(r, filing("TEMPORARY", SHANGHAI, today()).put("endDate", "2026-02-30")), 400,
        "VALIDATION_FAILED");
    JsonObject later = created(file(r, filing("TEMPORARY", SHANGHAI, today().plusDays(10))));
    assertEquals("SCHEDULED", later.getString("status"));
  }

  @Test
  void anEmergencyIsFiledUpToThirtyDaysLateAndBackdatedToTheVisit() {
    Resident r = signedIn(adult());
    assertProblem(file(r, filing("EMERGENCY", SHANGHAI, today().minusDays(31))), 422, "FILING_EMERGENCY_TOO_LATE");
    assertProblem(file(r, filing("EMERGENCY", SHANGHAI, today().plusDays(1))), 422, "FILING_DATES_INVALID");
    JsonObject f = created(file(r, filing("EMERGENCY", SHANGHAI, today().minusDays(30))));
    assertEquals(today().minusDays(30).toString(), f.getString("startDate"));
    assertEquals("ACTIVE", f.getString("status"));
    assertEquals(today().minusDays(30).plusMonths(6).minusDays(1).toString(), f.getString("endDate"));
  }

  @Test
  void aReferralNeedsTheHospitalsDocumentOrACommitment() {
    Person p = adult();
    Person other = adult();
    Resident r = signedIn(p);
    assertProblem(file(r, filing("REFERRAL", SHANGHAI, today())), 422, "FILING_REFERRAL_REQUIRED");
    assertProblem(file(r, filing("REFERRAL", SHANGHAI, today()).put("referral", "ZZ-NO-SUCH-1")), 422,
        "FILING_REFERRAL_UNKNOWN");
    String othersReferral = referral(other, SHANGHAI);
    assertProblem(file(r, filing("REFERRAL", SHANGHAI, today()).put("referral", othersReferral)), 422,
        "FILING_REFERRAL_UNKNOWN");
    JsonObject f = created(file(r, filing("REFERRAL", SHANGHAI, today()).put("referral", referral(p, SHANGHAI))));
    assertEquals("DOCUMENTS", f.getString("basis"));
    assertNotNull(f.getString("referral"));

    Resident r2 = signedIn(adult());
    JsonObject onCommitment = created(file(r2, filing("REFERRAL", SHANGHAI, today()).put("commitment", true)));
    assertEquals("COMMITMENT", onCommitment.getString("basis"));
    assertEquals(today().plusMonths(6).minusDays(1).toString(), onCommitment.getString("endDate"));
    assertTrue(onCommitment.getString("validityNote").contains("个人承诺"), onCommitment.encode());
  }

  static String referral(Person p, String destination) {
    HttpResponse<String> issued = TestSandbox.http().postJson("/_sandbox/hospital/referrals",
        new JsonObject().put("psnNo", p.psnNo()).put("destinationRegion", destination).encode());
    assertEquals(201, issued.statusCode(), issued.body());
    return new JsonObject(issued.body()).getString("referralNo");
  }

  @Test
  void longTermFilingsAreOpenEndedAndLockedForSixMonthsExceptForAMoveOrANewEmployer() {
    Person notRetired = adult();
    assertProblem(file(signedIn(notRetired), filing("RETIREE_RESETTLED", SHANGHAI, today())), 422,
        "FILING_NOT_ELIGIBLE");
    Person retiree = person(Person::retired);
    Resident r = signedIn(retiree);
    JsonObject f = created(file(r, filing("RETIREE_RESETTLED", SHANGHAI, today())));
    assertNull(f.getValue("endDate"));
    assertEquals(today().plusMonths(6).toString(), f.getString("lockedUntil"));
    String id = f.getString("id");

    assertProblem(r.post("/api/v1/remote-care/filings/" + id + "/revoke", new JsonObject()), 403, "STEP_UP_REQUIRED");
    r.stepUp(retiree);
    assertProblem(r.post("/api/v1/remote-care/filings/" + id + "/revoke", new JsonObject()), 409, "FILING_LOCKED");
    assertProblem(r.post("/api/v1/remote-care/filings/" + id + "/revoke", new JsonObject().put("reason", "OTHER")),
        409, "FILING_LOCKED");
    assertProblem(r.post("/api/v1/remote-care/filings/" + id + "/change",
        new JsonObject().put("destinationRegion", GUANGZHOU)), 409, "FILING_LOCKED");

    HttpResponse<String> moved = r.post("/api/v1/remote-care/filings/" + id + "/change",
        new JsonObject().put("destinationRegion", GUANGZHOU).put("reason", "PLACE_CHANGED"));
    assertEquals(200, moved.statusCode(), moved.body());
    JsonObject changed = new JsonObject(moved.body());
    assertEquals(GUANGZHOU, changed.getJsonObject("destinationRegion").getString("code"));
    JsonObject change = changed.getJsonArray("history").getJsonObject(1);
    assertEquals("CHANGED", change.getString("action"));
    assertEquals("PLACE_CHANGED", change.getString("reason"));
    assertEquals(SHANGHAI, change.getJsonObject("changes").getJsonObject("destinationRegion").getString("from"));
    assertEquals(GUANGZHOU, change.getJsonObject("changes").getJsonObject("destinationRegion").getString("to"));
    assertProblem(r.post("/api/v1/remote-care/filings/" + id + "/change",
        new JsonObject().put("endDate", today().plusMonths(9).toString()).put("reason", "PLACE_CHANGED")), 422,
        "FILING_DATES_INVALID");

    HttpResponse<String> revoked = r.post("/api/v1/remote-care/filings/" + id + "/revoke",
        new JsonObject().put("reason", "EMPLOYER_CHANGED"));
    assertEquals(200, revoked.statusCode(), revoked.body());
    JsonObject gone = new JsonObject(revoked.body());
    assertEquals("REVOKED", gone.getString("status"));
    assertEquals(today().toString(), gone.getString("revokedOn"));
    assertEquals(3, gone.getJsonArray("history").size(), "filed, changed, revoked: " + gone.encode());
    assertProblem(r.post("/api/v1/remote-care/filings/" + id + "/change",
        new JsonObject().put("destinationRegion", SHANGHAI).put("reason", "PLACE_CHANGED")), 409, "FILING_NOT_ACTIVE");
    HttpResponse<String> again = r.post("/api/v1/remote-care/filings/" + id + "/revoke");
    assertEquals(200, again.statusCode(), "revoking a revoked filing answers it as it is: " + again.body());
  }

  @Test
  void postedWorkersAreEmployees() {
    Person resident = person(p -> !p.employee() && p.ageOn(today()) >= 20);
    assertProblem(file(signedIn(resident), filing("POSTED_WORKER", SHANGHAI, today())), 422, "FILING_NOT_ELIGIBLE");
    Person employee = person(p -> p.employee() && p.ageOn(today()) >= 20 && p.ageOn(today()) < 55);
    created(file(signedIn(employee), filing("POSTED_WORKER", SHANGHAI, today())));
  }

  @Test
  void anOverlappingFilingOfTheSameKindIsRefusedNamingTheOtherOne() {
    Person p = adult();
    Resident r = signedIn(p).stepUp(p);
    JsonObject first = created(file(r, filing("TEMPORARY", SHANGHAI, today())));
    JsonObject overlap = assertProblem(file(r, filing("TEMPORARY", GUANGZHOU, today().plusDays(20))), 409,
        "FILING_OVERLAP");
    assertEquals(first.getString("id"), overlap.getString("conflictingFilingId"));
    // Another kind may overlap: a long-term filing beside a temporary one.
    created(file(r, filing("LONG_TERM_RESIDENCE", GUANGZHOU, today())));
    // A temporary filing's end date may move within its rules, and the history says so.
    HttpResponse<String> extended = r.post("/api/v1/remote-care/filings/" + first.getString("id") + "/change",
        new JsonObject().put("endDate", today().plusMonths(9).toString()));
    assertEquals(200, extended.statusCode(), extended.body());
    assertProblem(r.post("/api/v1/remote-care/filings/" + first.getString("id") + "/change",
        new JsonObject().put("endDate", today().plusMonths(2).toString())), 422, "FILING_DATES_INVALID");
    // Once revoked, it no longer stands in the way.
    assertEquals(200, r.post("/api/v1/remote-care/filings/" + first.getString("id") + "/revoke").statusCode());
    created(file(r, filing("TEMPORARY", GUANGZHOU, today().plusDays(20))));
  }

  // --- family ---------------------------------------------------------------------------------------------------

  @Test
  void aFamilyMembersFilingWorksAndAStrangersIsRefused() {
    Registry registry = registry();
    Person parent = person(p -> p.ageOn(today()) >= 25 && registry.relatives(p.psnNo()).entrySet().stream()
        .anyMatch(e -> e.getValue() == Household.Relation.CHILD && e.getKey().ageOn(today()) < 16));
    Person child = registry.relatives(parent.psnNo()).entrySet().stream()
        .filter(e -> e.getValue() == Household.Relation.CHILD && e.getKey().ageOn(today()) < 16)
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    taken.add(child.psnNo());
    Resident r = Resident.signIn(gateway.http(), parent.mobile(), "filing-family").bindAndActivate(parent)
        .stepUp(parent);
    Person stranger = adult();
    assertProblem(file(r, filing("TEMPORARY", SHANGHAI, today()).put("psnNo", child.psnNo())), 422,
        "NOT_A_FAMILY_MEMBER");
    HttpResponse<String> added = r.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", child.psnNo()));
    assertEquals(201, added.statusCode(), added.body());
    JsonObject f = created(file(r, filing("TEMPORARY", SHANGHAI, today()).put("psnNo", child.psnNo())));
    assertEquals(child.psnNo(), f.getString("psnNo"));
    assertEquals("CHILD", f.getString("relation"));
    assertNotNull(f.getString("name"));
    assertProblem(file(r, filing("TEMPORARY", SHANGHAI, today()).put("psnNo", stranger.psnNo())), 422,
        "NOT_A_FAMILY_MEMBER");
    created(file(r, filing("TEMPORARY", GUANGZHOU, today())));
    JsonArray items = mine(r);
    assertEquals(2, items.size(), items.encode());

    // A stranger's account sees none of it.
    Resident strangers = signedIn(stranger);
    assertProblem(strangers.get("/api/v1/remote-care/filings/" + f.getString("id")), 404, "NOT_FOUND");
    strangers.stepUp(stranger);
    assertProblem(strangers.post("/api/v1/remote-care/filings/" + f.getString("id") + "/revoke"), 404, "NOT_FOUND");
  }

  // --- settlement -----------------------------------------------------------------------------------------------

  @Test
  void awayFromHomeAFiledPersonSettlesAtTheFiledRatioAndAnUnfiledOneAtTheLowerOneAsThePreviewSays() {
    Person p = person(p1 -> p1.employee() && p1.ageOn(today()) >= 20 && p1.ageOn(today()) < 55);
    Resident r = Resident.signIn(gateway.http(), p.mobile(), "filing-settle").bindAndActivate(p);
    Pos shanghai = new Pos(gateway.http(), REMOTE_TERMINAL, Pos.DEMO_SECRET);
    Pos beijing = Pos.demo(gateway.http());

    JsonObject unfiled = preview(shanghai, r);
    assertEquals("UNFILED", unfiled.getJsonObject("remoteCare").getString("status"), unfiled.encode());
    assertEquals(5000, unfiled.getJsonObject("remoteCare").getInteger("fundRatioBp"));
    JsonObject local = preview(beijing, r);
    assertEquals("LOCAL", local.getJsonObject("remoteCare").getString("status"));
    assertEquals(7000, local.getJsonObject("remoteCare").getInteger("fundRatioBp"));

    JsonObject f = created(file(r, filing("TEMPORARY", XUHUI, today())));
    JsonObject filed = preview(shanghai, r);
    assertEquals("FILED", filed.getJsonObject("remoteCare").getString("status"), filed.encode());
    assertEquals(f.getString("id"), filed.getJsonObject("remoteCare").getString("filingId"));
    assertEquals(7000, filed.getJsonObject("remoteCare").getInteger("fundRatioBp"));
    assertTrue(filed.getLong("hifp_pay") > unfiled.getLong("hifp_pay"), filed.encode() + " " + unfiled.encode());

    // The settlement itself pays what the preview said.
    String visit = visit(shanghai, r);
    HttpResponse<String> settled = shanghai.settle(Pos.purchase(visit, false, JIA, 45, 2180), UUID.randomUUID().toString());
    assertEquals(201, settled.statusCode(), settled.body());
    assertEquals(filed.getLong("hifp_pay"), new JsonObject(settled.body()).getLong("hifp_pay"), settled.body());
  }

  static String visit(Pos pos, Resident r) {
    HttpResponse<String> resolved = pos.resolve(r.code(null));
    assertEquals(200, resolved.statusCode(), resolved.body());
    return new JsonObject(resolved.body()).getString("visitToken");
  }

  /** A basket well above the deductible (and below the confirmation threshold), so the ratio shows in the fund's share. */
  static JsonObject preview(Pos pos, Resident r) {
    HttpResponse<String> previewed = pos.preview(Pos.purchase(visit(pos, r), false, JIA, 45, 2180));
    assertEquals(200, previewed.statusCode(), previewed.body());
    return new JsonObject(previewed.body());
  }

  // --- the filing system failing ----------------------------------------------------------------------------------

  @Test
  void aLostAnswerIsResolvedByAskingNeverByFilingTwice() {
    Person p = adult();
    Resident r = signedIn(p);
    String key = UUID.randomUUID().toString();
    JsonObject body = filing("TEMPORARY", SHANGHAI, today());
    // The filing system files it, and its answer is lost.
    TestSandbox.fault("filing", new JsonObject().put("hang", true).put("hangAfterWork", true)
        .put("methods", new JsonArray().add("POST")));
    JsonObject f = created(file(r, body, key));
    TestSandbox.clearFaults();
    HttpResponse<String> retried = file(r, body, key);
    assertEquals(201, retried.statusCode(), retried.body());
    assertEquals(f.getString("id"), new JsonObject(retried.body()).getString("id"));
    assertEquals(1, filingsInTheFilingSystem(p), "one filing, whatever was retried");
  }

  @Test
  void aFilingTheFilingSystemNeverMadeIsAnswered503AndTheRetryFilesItOnce() {
    Person p = adult();
    Resident r = signedIn(p);
    String key = UUID.randomUUID().toString();
    JsonObject body = filing("TEMPORARY", SHANGHAI, today());
    TestSandbox.fault("filing", new JsonObject().put("hang", true).put("methods", new JsonArray().add("POST")));
    HttpResponse<String> lost = file(r, body, key);
    assertProblem(lost, 503, "CORE_UNAVAILABLE");
    assertTrue(lost.headers().firstValue("Retry-After").isPresent());
    assertEquals(0, filingsInTheFilingSystem(p));
    TestSandbox.clearFaults();
    JsonObject f = created(file(r, body, key));
    HttpResponse<String> again = file(r, body, key);
    assertEquals(f.getString("id"), new JsonObject(again.body()).getString("id"));
    assertEquals(1, filingsInTheFilingSystem(p));
  }

  @Test
  void whileTheFilingSystemIsDownReadsComeFromAStaleCopyAndNewFilingsAre503() {
    Person p = adult();
    Resident r = signedIn(p);
    JsonObject f = created(file(r, filing("TEMPORARY", SHANGHAI, today())));
    assertEquals(1, mine(r).size());
    assertEquals(200, r.get("/api/v1/remote-care/filings/" + f.getString("id")).statusCode());
    TestSandbox.fault("filing", new JsonObject().put("down", true));
    HttpResponse<String> listed = r.get("/api/v1/remote-care/filings");
    assertEquals(200, listed.statusCode(), listed.body());
    JsonObject list = new JsonObject(listed.body());
    assertTrue(list.getBoolean("stale"));
    assertNotNull(list.getString("asOf"));
    assertEquals(f.getString("id"), list.getJsonArray("items").getJsonObject(0).getString("id"));
    HttpResponse<String> one = r.get("/api/v1/remote-care/filings/" + f.getString("id"));
    assertEquals(200, one.statusCode(), one.body());
    assertTrue(new JsonObject(one.body()).getBoolean("stale"));
    HttpResponse<String> refused = file(r, filing("LONG_TERM_RESIDENCE", GUANGZHOU, today()));
    assertProblem(refused, 503, "CORE_UNAVAILABLE");
    assertTrue(refused.headers().firstValue("Retry-After").isPresent());
    TestSandbox.clearFaults();
    assertFalse(new JsonObject(r.get("/api/v1/remote-care/filings").body()).containsKey("stale"));
    assertEquals(1, filingsInTheFilingSystem(p));
  }

  /** How many filings the filing system itself holds for the person (not what the gateway says). */
  static int filingsInTheFilingSystem(Person p) {
    HttpResponse<String> r = TestSandbox.http().get("/filing/filings?psnNo=" + p.psnNo());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonArray("filings").size();
  }

  // --- regions --------------------------------------------------------------------------------------------------

  @Test
  void regionsAreSearchedByNameOrCodeAndWalkedByParent() {
    HttpResponse<String> provinces = gateway.http().get("/api/v1/regions?limit=100");
    assertEquals(200, provinces.statusCode(), provinces.body());
    assertEquals(31, new JsonObject(provinces.body()).getJsonArray("items").size());
    assertTrue(provinces.headers().firstValue("Cache-Control").orElse("").contains("max-age"));
    JsonArray guangzhou = new JsonObject(gateway.http().get("/api/v1/regions?q=" + enc("广州")).body())
        .getJsonArray("items");
    assertEquals("440100", guangzhou.getJsonObject(0).getString("code"));
    JsonArray districts = new JsonObject(gateway.http().get("/api/v1/regions?parent=440100&limit=100").body())
        .getJsonArray("items");
    assertTrue(districts.size() >= 10, districts.encode());
    List<String> parents = new ArrayList<>();
    districts.forEach(d -> parents.add(((JsonObject) d).getString("parentCode")));
    assertTrue(parents.stream().allMatch("440100"::equals));
    JsonArray byCode = new JsonObject(gateway.http().get("/api/v1/regions?q=310104").body()).getJsonArray("items");
    assertEquals("310104", byCode.getJsonObject(0).getString("code"));
    assertEquals("COUNTY", byCode.getJsonObject(0).getString("level"));
    assertProblem(gateway.http().get("/api/v1/regions?parent=110199"), 404, "NOT_FOUND");
    assertProblem(gateway.http().get("/api/v1/regions?parent=abc"), 400, "VALIDATION_FAILED");
    assertNotEquals(0, new JsonObject(gateway.http().get("/api/v1/regions?q=" + enc("天河")).body())
        .getJsonArray("items").size());
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
