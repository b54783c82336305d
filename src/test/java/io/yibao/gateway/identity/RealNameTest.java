package io.yibao.gateway.identity;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real-name binding, step-up and the resident's view of themselves, against the sandbox's registry, identity
 * and accounts systems — the flow the README walks through.
 */
class RealNameTest {

  static TestRedis redis;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of(
        "identity.otp.perPhone.limit", "1000",
        "identity.otp.perPhoneDaily.limit", "1000",
        "core.registry.readRetries", "0",
        "core.registry.breaker.minimumCalls", "1000"));
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

  static Person person(String psnNo) {
    return TestSandbox.shared().world().registry().person(psnNo);
  }

  /** Some adult of the generated population who is not a persona, with a phone. */
  static Person someone(int nth) {
    var registry = TestSandbox.shared().world().registry();
    return registry.psnNos().stream().map(registry::person)
        .filter(p -> p.mobile() != null && p.psnNo().startsWith("11") && !p.psnNo().startsWith("1100000000000000000"))
        .skip(nth).findFirst().orElseThrow();
  }

  /** Name, ID number and a fresh face token of the person. */
  static JsonObject bindBody(Person p) {
    return Resident.realName(p);
  }

  @Test
  void signInBindAndSeeMyselfMasked() {
    Person employee = person(Personas.EMPLOYEE);
    Resident r = Resident.signIn(gateway.http(), employee.mobile(), "walkthrough-01");
    JsonObject before = new JsonObject(r.get("/api/v1/me").body());
    assertFalse(before.getBoolean("realNameBound"));
    assertEquals("138****0001", before.getString("mobile"));

    HttpResponse<String> bound = r.post("/api/v1/me/real-name", bindBody(employee));
    assertEquals(200, bound.statusCode(), bound.body());
    JsonObject answer = new JsonObject(bound.body());
    assertTrue(answer.getBoolean("realNameBound"), "the binding's own answer shows the binding");
    assertEquals(employee.psnNo(), answer.getJsonObject("person").getString("psnNo"));
    JsonObject me = new JsonObject(r.get("/api/v1/me").body());
    JsonObject person = me.getJsonObject("person");
    assertTrue(me.getBoolean("realNameBound"));
    assertEquals("李**", person.getString("name"));
    assertEquals("110***********" + employee.idNumber().substring(14), person.getString("idNumber"));
    assertEquals("310", person.getString("insuType"));
    assertEquals("110105", person.getString("insuredRegion"));
    assertEquals(TestSandbox.shared().world().ledger().balance(Personas.EMPLOYEE),
        person.getLong("personalAccountBalanceFen"));
    assertFalse(me.getBoolean("stale"));
    assertFalse(r.get("/api/v1/me").body().contains(employee.idNumber()), "never the full ID number");
  }

  @Test
  void checkDigitIsCheckedLocally() {
    Person p = someone(1);
    Resident r = Resident.signIn(gateway.http(), p.mobile(), "device-cd-01");
    String id = p.idNumber();
    char wrong = id.charAt(17) == '1' ? '2' : '1';
    JsonObject problem = assertProblem(r.post("/api/v1/me/real-name",
        bindBody(p).put("idNumber", id.substring(0, 17) + wrong)), 400, "VALIDATION_FAILED");
    assertEquals("idNumber", problem.getString("field"));
  }

  @Test
  void nameMustMatchTheRegistry() {
    Person p = someone(2);
    Resident r = Resident.signIn(gateway.http(), p.mobile(), "device-mm-01");
    assertProblem(r.post("/api/v1/me/real-name", bindBody(p).put("name", "某某某")), 422, "REAL_NAME_MISMATCH");
  }

  @Test
  void takingAPersonOverNeedsTheFaceAndSignsTheOldAccountOut() {
    Person p = someone(3);
    Resident owner = Resident.signIn(gateway.http(), p.mobile(), "device-own-01");
    assertEquals(200, owner.post("/api/v1/me/real-name", bindBody(p)).statusCode());

    Resident newcomer = Resident.signIn(gateway.http(), "13500000077", "device-new-01");
    assertProblem(newcomer.post("/api/v1/me/real-name", new JsonObject().put("name", p.name())
        .put("idNumber", p.idNumber())), 400,
        "VALIDATION_FAILED");
    assertEquals(200, owner.get("/api/v1/me").statusCode(), "nothing changed without the face");

    String face = Resident.faceToken(p.psnNo());
    HttpResponse<String> taken = newcomer.post("/api/v1/me/real-name", bindBody(p).put("faceToken", face));
    assertEquals(200, taken.statusCode(), taken.body());
    assertProblem(owner.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    assertTrue(new JsonObject(newcomer.get("/api/v1/me").body()).getBoolean("realNameBound"));

    Resident third = Resident.signIn(gateway.http(), "13500000078", "device-new-02");
    assertProblem(third.post("/api/v1/me/real-name", bindBody(p).put("faceToken", face)), 422, "FACE_TOKEN_INVALID");
  }

  @Test
  void unbindingNeedsAStepUpBySmsCodeOrFace() {
    Person p = someone(4);
    Resident r = Resident.signIn(gateway.http(), p.mobile(), "device-su-01");
    assertEquals(200, r.post("/api/v1/me/real-name", bindBody(p)).statusCode());
    assertProblem(r.delete("/api/v1/me/real-name"), 403, "STEP_UP_REQUIRED");

    assertProblem(r.post("/api/v1/auth/step-up", new JsonObject().put("otp", "000000")), 401, "OTP_INVALID");
    assertEquals(202, r.post("/api/v1/auth/step-up/otp").statusCode());
    HttpResponse<String> stepped = r.post("/api/v1/auth/step-up",
        new JsonObject().put("otp", Resident.latestCode(p.mobile())));
    assertEquals(200, stepped.statusCode(), stepped.body());
    assertNotNull(new JsonObject(stepped.body()).getString("stepUpUntil"));
    assertEquals(204, r.delete("/api/v1/me/real-name").statusCode());
    assertFalse(new JsonObject(r.get("/api/v1/me").body()).getBoolean("realNameBound"));

    // Face step-up needs a bound person, and a PASS for that person.
    assertEquals(200, r.post("/api/v1/me/real-name", bindBody(p)).statusCode());
    assertProblem(r.post("/api/v1/auth/step-up", new JsonObject().put("faceToken", Resident.faceToken(someone(5).psnNo()))),
        422, "FACE_TOKEN_INVALID");
    assertEquals(200, r.post("/api/v1/auth/step-up", new JsonObject().put("faceToken", Resident.faceToken(p.psnNo())))
        .statusCode());
  }

  @Test
  void myOwnDataIsServedStaleWhenTheRegistryIsDown() {
    Person p = someone(6);
    Resident r = Resident.signIn(gateway.http(), p.mobile(), "device-st-01");
    assertEquals(200, r.post("/api/v1/me/real-name", bindBody(p)).statusCode());
    JsonObject fresh = new JsonObject(r.get("/api/v1/me").body());
    assertFalse(fresh.getBoolean("stale"));
    // Within its age the /me copy answers, core or not (MeCopyTest); past it, the core is asked again.
    redis.command("HDEL", io.yibao.gateway.auth.AccountProfile.key(fresh.getString("accountId")), "meCopy");

    TestSandbox.fault("registry", new JsonObject().put("errorRate", 1.0));
    JsonObject stale = new JsonObject(r.get("/api/v1/me").body());
    assertTrue(stale.getBoolean("stale"));
    assertNotNull(stale.getString("asOf"));
    assertEquals(p.psnNo(), stale.getJsonObject("person").getString("psnNo"));
  }
}
