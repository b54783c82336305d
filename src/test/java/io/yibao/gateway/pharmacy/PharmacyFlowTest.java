package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Pos;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The headline flow: a resident shows a code, the pharmacy terminal scans it, previews and settles; the resident
 * sees it; the fund, the personal account and cash each pay their share; the day reconciles with the core.
 */
class PharmacyFlowTest {

  static final String JIA = "XA02BCA211A001010101467";   // 甲 2180 fen
  static final String YI = "XC10AAA199A001010103152";    // 乙 3560 fen, 10 % first self-pay
  static final String BING = "XA11GAW013B022010103320";  // 丙 2590 fen

  static TestRedis redis;
  static TestGateway a;
  static TestGateway b;
  static Resident employee;
  static Pos pos;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    Map<String, String> config = Map.of("identity.otp.perPhone.limit", "1000");
    a = TestGateway.start(redis, config);
    b = TestGateway.start(redis, config);
    Person p = TestSandbox.shared().world().registry().person(Personas.FATHER);
    employee = Resident.signIn(a.http(), p.mobile(), "flow-phone-1").bindAndActivate(p);
    pos = Pos.demo(a.http());
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    redis.close();
  }

  static String visit(String code) {
    HttpResponse<String> r = pos.resolve(code);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("visitToken");
  }

  @Test
  void showScanPreviewSettleAndSeeIt() {
    io.yibao.gateway.testing.LogCapture.clear();
    long before = TestSandbox.shared().world().ledger().balance(Personas.FATHER);
    HttpResponse<String> resolved = pos.resolve(employee.code(null));
    assertEquals(200, resolved.statusCode(), resolved.body());
    JsonObject visit = new JsonObject(resolved.body());
    assertEquals("李**", visit.getJsonObject("person").getString("psn_name"));
    assertTrue(visit.getJsonObject("person").getString("certno").contains("****"));

    JsonObject purchase = Pos.purchase(visit.getString("visitToken"), true, JIA, 2, 2180, YI, 1, 3560, BING, 1, 2590);
    HttpResponse<String> preview = pos.preview(purchase);
    assertEquals(200, preview.statusCode(), preview.body());
    JsonObject split = new JsonObject(preview.body());
    assertEquals(2 * 2180 + 3560 + 2590, split.getLong("medfee_sumamt"));
    assertEquals(before, TestSandbox.shared().world().ledger().balance(Personas.FATHER), "preview moves nothing");

    HttpResponse<String> settled = pos.settle(purchase, UUID.randomUUID().toString());
    assertEquals(201, settled.statusCode(), settled.body());
    JsonObject s = new JsonObject(settled.body());
    assertEquals("SETTLED", s.getString("status"));
    assertEquals(split.getLong("fund_pay_sumamt"), s.getLong("fund_pay_sumamt"));
    assertEquals(s.getLong("medfee_sumamt"), s.getLong("fund_pay_sumamt") + s.getLong("acct_pay") + s.getLong("psn_cash_pay"),
        "fund + account + cash = total");
    assertEquals(before - s.getLong("acct_pay"), TestSandbox.shared().world().ledger().balance(Personas.FATHER));
    assertTrue(settled.headers().firstValue("Location").orElseThrow().endsWith(s.getString("id")));

    JsonArray mine = new JsonObject(employee.get("/api/v1/settlements").body()).getJsonArray("items");
    assertEquals(s.getString("id"), mine.getJsonObject(0).getString("id"), "the resident sees it, newest first");
    assertEquals(200, pos.settlement(s.getString("id")).statusCode());

    // No tokens or secrets in the log, which holds this flow's requests.
    io.yibao.gateway.testing.LogCapture.assertFlowLoggedWithout(
        List.of("/pos/v1/settlements", "/api/v1/settlements", "/pos/v1/settlements/{id}"),
        List.of(visit.getString("visitToken"), Pos.DEMO_SECRET, employee.accessToken));
  }

  @Test
  void codesNeverReachTheLog() {
    io.yibao.gateway.testing.LogCapture.clear();
    String code = employee.code(null);
    employee.get("/api/v1/insurance-code/" + code);
    pos.resolve(code);
    pos.resolve(code);
    io.yibao.gateway.testing.LogCapture.assertFlowLoggedWithout(
        List.of("/api/v1/insurance-code/{code}", "/pos/v1/codes/resolve", "/pos/v1/codes/resolve"), List.of(code));
  }

  @Test
  void aCodeWorksOnceAndExpiresAndTheNewOneKillsTheOld() {
    String old = employee.code(null);
    String fresh = employee.code(null);
    assertProblem(pos.resolve(old), 410, "CODE_EXPIRED");
    assertEquals(200, pos.resolve(fresh).statusCode());
    assertProblem(pos.resolve(fresh), 409, "CODE_USED");
    assertProblem(pos.resolve("YB0000000000000000000000000A"), 410, "CODE_EXPIRED");
  }

  /**
   * A session that idles out (its key expires; nothing ends its codes) takes its code with it: the scan is refused
   * and the visit written beside the session check is discarded unseen.
   */
  @Test
  void aCodeOfASessionThatIdledOutIsRefusedAtTheCounter() {
    Person p = TestSandbox.shared().world().registry().person(Personas.SPOUSE);
    Resident idle = Resident.signIn(a.http(), p.mobile(), "flow-phone-idle").bindAndActivate(p);
    String account = new JsonObject(idle.get("/api/v1/me").body()).getString("accountId");
    String code = idle.code(null);
    redis.command("DEL", "yb:{acct:" + account + "}:sess:" + idle.sessionId);
    String visits = "yb:{pharm:" + Personas.PHARMACY + "}:visit:*";
    int before = redis.command("KEYS", visits).isEmpty() ? 0 : redis.command("KEYS", visits).split("\n").length;
    assertProblem(pos.resolve(code), 410, "CODE_EXPIRED");
    int after = redis.command("KEYS", visits).isEmpty() ? 0 : redis.command("KEYS", visits).split("\n").length;
    assertEquals(before, after, "no visit is left for a code that was refused");
  }

  @Test
  void signingOutKillsTheCode() {
    Person p = TestSandbox.shared().world().registry().person(Personas.EMPLOYEE);
    Resident other = Resident.signIn(a.http(), p.mobile(), "flow-phone-2").bindAndActivate(p);
    String code = other.code(null);
    assertEquals(204, other.post("/api/v1/auth/logout").statusCode());
    assertProblem(pos.resolve(code), 410, "CODE_EXPIRED");
  }

  @Test
  void fiftyConcurrentScansOfOneCodeAcrossTwoInstancesSucceedOnce() {
    String code = employee.code(null);
    Pos onB = pos.via(b.http());
    List<CompletableFuture<HttpResponse<String>>> scans = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Pos terminal = i % 2 == 0 ? pos : onB;
      scans.add(a.http().sendAsync(terminal.request("POST", "/pos/v1/codes/resolve",
          new JsonObject().put("code", code).encode(), null)));
    }
    long ok = 0;
    long used = 0;
    for (CompletableFuture<HttpResponse<String>> f : scans) {
      int status = f.join().statusCode();
      ok += status == 200 ? 1 : 0;
      used += status == 409 ? 1 : 0;
      assertTrue(status < 500, "no 5xx");
    }
    assertEquals(1, ok);
    assertEquals(49, used);
  }

  @Test
  void anotherTerminalsVisitAndAnotherPharmacysSettlementAreNotReachable() {
    String token = visit(employee.code(null));
    Pos second = new Pos(a.http(), "T11010500001-02", Pos.DEMO_SECRET);
    assertProblem(second.preview(Pos.purchase(token, false, JIA, 1, 2180)), 403, "NOT_YOUR_PHARMACY");
  }

  @Test
  void theDayReconcilesWithTheCore() {
    String token = visit(employee.code(null));
    assertEquals(201, pos.settle(Pos.purchase(token, true, JIA, 1, 2180), UUID.randomUUID().toString()).statusCode());
    String today = LocalDate.now(ZoneId.of("Asia/Shanghai")).toString();
    HttpResponse<String> r = pos.send("GET", "/pos/v1/reconciliation?date=" + today, null, null);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject rec = new JsonObject(r.body());
    assertTrue(rec.getBoolean("balanced"), r.body());
    assertEquals(rec.getJsonObject("gateway").getLong("medfee_sumamt"), rec.getJsonObject("core").getLong("medfee_sumamt"));
  }

  @Test
  void cancelGivesTheMoneyBack() {
    long before = TestSandbox.shared().world().ledger().balance(Personas.FATHER);
    String token = visit(employee.code(null));
    JsonObject s = new JsonObject(pos.settle(Pos.purchase(token, true, JIA, 3, 2180), UUID.randomUUID().toString()).body());
    assertEquals("SETTLED", s.getString("status"));
    HttpResponse<String> cancelled = pos.send("POST", "/pos/v1/settlements/" + s.getString("id") + "/cancel", null, null);
    assertEquals(200, cancelled.statusCode(), cancelled.body());
    assertEquals("CANCELLED", new JsonObject(cancelled.body()).getString("status"));
    assertEquals(before, TestSandbox.shared().world().ledger().balance(Personas.FATHER));
    HttpResponse<String> again = pos.send("POST", "/pos/v1/settlements/" + s.getString("id") + "/cancel", null, null);
    assertEquals("CANCELLED", new JsonObject(again.body()).getString("status"), "cancelling twice changes nothing");
    assertEquals(before, TestSandbox.shared().world().ledger().balance(Personas.FATHER));
    assertProblem(pos.send("GET", "/pos/v1/settlements/nonexistent00000000000", null, null), 404, "NOT_FOUND");
  }

  @Test
  void largePurchasesWaitForTheResidentsConfirmation() {
    String token = visit(employee.code(null));
    JsonObject big = Pos.purchase(token, false, JIA, 50, 2180); // 1 090.00 yuan > 1 000
    HttpResponse<String> waiting = pos.settle(big, UUID.randomUUID().toString());
    assertEquals(202, waiting.statusCode(), waiting.body());
    String id = new JsonObject(waiting.body()).getString("id");
    assertEquals("AWAITING_CONFIRMATION", new JsonObject(waiting.body()).getString("status"));

    JsonArray pending = new JsonObject(employee.get("/api/v1/payments/pending").body()).getJsonArray("items");
    assertEquals(id, pending.getJsonObject(0).getString("id"));
    assertProblem(employee.post("/api/v1/payments/" + id + "/confirm"), 403, "STEP_UP_REQUIRED");
    Person father = TestSandbox.shared().world().registry().person(Personas.FATHER);
    assertEquals(200, employee.post("/api/v1/auth/step-up",
        new JsonObject().put("faceToken", Resident.faceToken(father.psnNo()))).statusCode());
    HttpResponse<String> confirmed = employee.post("/api/v1/payments/" + id + "/confirm");
    assertEquals(200, confirmed.statusCode(), confirmed.body());
    assertEquals("SETTLED", new JsonObject(confirmed.body()).getString("status"));
    assertEquals("SETTLED", new JsonObject(pos.settlement(id).body()).getString("status"));
  }
}
