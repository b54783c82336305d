package io.yibao.gateway.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
import java.util.Map;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Binding proves the person (实名 + 实人), step-up for money proves the bound person, and the real-name check
 * cannot be used to test name/ID pairs: the attack of issue 11 (a fresh phone binds a stranger by name and ID
 * number, steps up with a code to its own phone and spends the stranger's personal account), end to end.
 */
class BindingProofTest {

  static TestRedis redis;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of(
        "identity.otp.perPhone.limit", "1000",
        "identity.otp.perPhoneDaily.limit", "1000"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  static Person person(String psnNo) {
    return TestSandbox.shared().world().registry().person(psnNo);
  }

  /** An adult of the generated population with a phone, not a persona, not used by the other identity tests. */
  static Person stranger(int nth) {
    var registry = TestSandbox.shared().world().registry();
    return registry.psnNos().stream().map(registry::person)
        .filter(p -> p.mobile() != null && !p.psnNo().startsWith("1100000000000000000") && p.ageOn(java.time.LocalDate.now()) >= 18)
        .skip(1100 + nth).findFirst().orElseThrow();
  }

  static JsonObject bindBody(Person p) {
    return new JsonObject().put("name", p.name()).put("idNumber", p.idNumber());
  }

  static JsonArray sms(String phone, String template) {
    JsonArray all = new JsonObject(TestSandbox.http().get("/_sandbox/sms?phone=" + phone).body()).getJsonArray("messages");
    JsonArray out = new JsonArray();
    all.forEach(m -> {
      if (template.equals(((JsonObject) m).getString("template"))) {
        out.add(m);
      }
    });
    return out;
  }

  @Test
  void aStrangersNameAndIdNumberAloneBindNothing() {
    Person victim = stranger(0);
    Resident thief = Resident.signIn(gateway.http(), "13500001101", "thief-phone-1");

    JsonObject problem = assertProblem(thief.post("/api/v1/me/real-name", bindBody(victim)), 400, "VALIDATION_FAILED");
    assertEquals("faceToken", problem.getString("field"));
    // The thief's own face (of somebody else) proves nothing about the victim, and answers exactly like a wrong
    // name: nothing tells the thief that the name/ID pair is right.
    Person someoneElse = stranger(1);
    assertProblem(thief.post("/api/v1/me/real-name", bindBody(victim)
        .put("faceToken", Resident.faceToken(someoneElse.psnNo()))), 422, "REAL_NAME_MISMATCH");
    assertProblem(thief.post("/api/v1/me/real-name", new JsonObject().put("name", "某某某")
        .put("idNumber", victim.idNumber()).put("faceToken", Resident.faceToken(someoneElse.psnNo()))),
        422, "REAL_NAME_MISMATCH");
    JsonObject me = new JsonObject(thief.get("/api/v1/me").body());
    assertFalse(me.getBoolean("realNameBound"));
    assertFalse(me.containsKey("person"), "no balance, nothing of the victim");

    // A FAIL result is no proof either.
    String failed = new JsonObject(TestSandbox.http().postJson("/_sandbox/identity/face",
        new JsonObject().put("psnNo", victim.psnNo()).put("result", "FAIL").encode()).body()).getString("faceToken");
    assertProblem(thief.post("/api/v1/me/real-name", bindBody(victim).put("faceToken", failed)), 422, "FACE_TOKEN_INVALID");
  }

  @Test
  void theFaceTokenThatBoundAPersonIsSpent() {
    Person p = stranger(2);
    Resident owner = Resident.signIn(gateway.http(), p.mobile(), "own-phone-2");
    String face = Resident.faceToken(p.psnNo());
    HttpResponse<String> bound = owner.post("/api/v1/me/real-name", bindBody(p).put("faceToken", face));
    assertEquals(200, bound.statusCode(), bound.body());
    assertTrue(new JsonObject(bound.body()).getBoolean("realNameBound"));

    assertProblem(owner.post("/api/v1/insurance-code/activation", new JsonObject().put("faceToken", face)),
        422, "FACE_TOKEN_INVALID");
    Resident other = Resident.signIn(gateway.http(), "13500001102", "other-phone-2");
    assertProblem(other.post("/api/v1/me/real-name", bindBody(p).put("faceToken", face)), 422, "FACE_TOKEN_INVALID");
    assertEquals(200, owner.get("/api/v1/me").statusCode(), "the owner still holds the person");
  }

  @Test
  void stepUpBySmsGoesToThePhoneTheRegistryHoldsNotTheCallers() {
    Person p = stranger(3);
    String newPhone = "13500001103";
    // The person bound from a phone the registry does not know (a new phone): fine, the face proved them.
    Resident r = Resident.signIn(gateway.http(), newPhone, "new-phone-3");
    assertEquals(200, r.post("/api/v1/me/real-name", bindBody(p).put("faceToken", Resident.faceToken(p.psnNo())))
        .statusCode());

    HttpResponse<String> sent = r.post("/api/v1/auth/step-up/otp");
    assertEquals(202, sent.statusCode(), sent.body());
    assertEquals(p.mobile().substring(0, 3) + "****" + p.mobile().substring(7),
        new JsonObject(sent.body()).getString("sentTo"));
    assertEquals(0, sms(newPhone, "STEP_UP_OTP").size(), "never to the caller's own phone");
    JsonArray toRegistryPhone = sms(p.mobile(), "STEP_UP_OTP");
    assertEquals(1, toRegistryPhone.size());
    String code = toRegistryPhone.getJsonObject(0).getJsonObject("params").getString("code");

    HttpResponse<String> stepped = r.post("/api/v1/auth/step-up", new JsonObject().put("otp", code));
    assertEquals(200, stepped.statusCode(), stepped.body());
  }

  @Test
  void withoutABoundPersonOrARegistryPhoneThereIsNoSmsStepUp() {
    Resident unbound = Resident.signIn(gateway.http(), "13500001104", "unbound-phone-4");
    assertProblem(unbound.post("/api/v1/auth/step-up/otp"), 403, "REAL_NAME_REQUIRED");
    assertEquals(0, sms("13500001104", "STEP_UP_OTP").size());

    // The child has no phone in the registry: only her face can step up.
    Person child = person(Personas.CHILD);
    Resident parentPhone = Resident.signIn(gateway.http(), "13500001105", "parent-phone-5");
    assertEquals(200, parentPhone.post("/api/v1/me/real-name", bindBody(child)
        .put("faceToken", Resident.faceToken(child.psnNo()))).statusCode());
    assertProblem(parentPhone.post("/api/v1/auth/step-up/otp"), 403, "FACE_VERIFICATION_REQUIRED");
    assertEquals(0, sms("13500001105", "STEP_UP_OTP").size());
    assertEquals(200, parentPhone.post("/api/v1/auth/step-up",
        new JsonObject().put("faceToken", Resident.faceToken(child.psnNo()))).statusCode());
  }

  @Test
  void theRealNameCheckIsLimitedPerAccountAndPerAddress() {
    try (TestRedis own = TestRedis.started();
         TestGateway limited = TestGateway.start(own, Map.of(
             "identity.realName.perAccount.limit", "3",
             "identity.realName.perAccount.windowSeconds", "86400",
             "identity.realName.perClientAddress.limit", "5",
             "identity.realName.perClientAddress.windowSeconds", "3600"))) {
      Person p = stranger(4);
      Resident prober = Resident.signIn(limited.http(), "13500001106", "prober-phone-6");
      for (int i = 0; i < 3; i++) {
        assertProblem(prober.post("/api/v1/me/real-name", new JsonObject().put("name", "某某" + i)
            .put("idNumber", p.idNumber()).put("faceToken", "not-a-face-token")), 422, "FACE_TOKEN_INVALID");
      }
      // The account's budget is spent: even the right name, ID and face are refused now, and no check is made.
      HttpResponse<String> limitedAnswer = prober.post("/api/v1/me/real-name", bindBody(p)
          .put("faceToken", Resident.faceToken(p.psnNo())));
      assertProblem(limitedAnswer, 429, "RATE_LIMITED");
      assertTrue(limitedAnswer.headers().firstValue("Retry-After").isPresent());

      // Another account behind the same address has its own budget, until the address's budget is spent (the
      // refused attempt above did not count against the address: one account cannot drain its neighbours').
      Resident neighbour = Resident.signIn(limited.http(), "13500001107", "neighbour-phone-7");
      for (int i = 0; i < 2; i++) {
        assertProblem(neighbour.post("/api/v1/me/real-name", new JsonObject().put("name", "某某" + i)
            .put("idNumber", p.idNumber()).put("faceToken", "not-a-face-token")), 422, "FACE_TOKEN_INVALID");
      }
      assertProblem(neighbour.post("/api/v1/me/real-name", bindBody(p)
          .put("faceToken", Resident.faceToken(p.psnNo()))), 429, "RATE_LIMITED");
    }
  }
}
