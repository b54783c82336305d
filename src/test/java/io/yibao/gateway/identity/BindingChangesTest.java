package io.yibao.gateway.identity;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a binding change ends, end to end through the gateway and the sandbox: an account holds one person at a
 * time, and when its binding ends (unbinding, the person taken over by another account, or binding someone
 * else) so do the account's activation, its live codes and its family members, and other accounts' family
 * entries of that person.
 */
class BindingChangesTest {

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

  @org.junit.jupiter.api.AfterEach
  void clearFaults() {
    TestSandbox.clearFaults();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  static Person person(String psnNo) {
    return TestSandbox.shared().world().registry().person(psnNo);
  }

  static Person stranger(int nth) {
    var registry = TestSandbox.shared().world().registry();
    return registry.psnNos().stream().map(registry::person)
        .filter(p -> p.mobile() != null && !p.psnNo().startsWith("1100000000000000000")
            && p.ageOn(java.time.LocalDate.now()) >= 18)
        .skip(1200 + nth).findFirst().orElseThrow();
  }

  static String boundPerson(Resident r) {
    HttpResponse<String> me = r.get("/api/v1/me");
    assertEquals(200, me.statusCode(), me.body());
    JsonObject body = new JsonObject(me.body());
    return body.getBoolean("realNameBound") ? body.getJsonObject("person").getString("psnNo") : null;
  }

  static void stepUp(Resident r, Person p) {
    assertEquals(200, r.post("/api/v1/auth/step-up", new JsonObject().put("faceToken", Resident.faceToken(p.psnNo())))
        .statusCode());
  }

  static List<String> proxies(Resident r) {
    List<String> out = new ArrayList<>();
    new JsonObject(r.get("/api/v1/insurance-code/proxies").body()).getJsonArray("items", new JsonArray())
        .forEach(i -> out.add(((JsonObject) i).getString("psnNo")));
    return out;
  }

  static boolean live(Resident owner, String code) {
    int status = owner.get("/api/v1/insurance-code/" + code).statusCode();
    assertTrue(status == 200 || status == 410, "status " + status);
    return status == 200;
  }

  static boolean activated(Resident r) {
    return new JsonObject(r.get("/api/v1/insurance-code/activation").body()).getBoolean("activated");
  }

  @Test
  void bindingAnotherPersonReleasesThePreviousOne() {
    Person first = stranger(0);
    Person second = stranger(1);
    Resident account = Resident.signIn(gateway.http(), "13500002001", "rebind-phone-1").bind(first).bind(second);
    assertEquals(second.psnNo(), boundPerson(account));

    // The first person now binds on their own phone: nobody held them any more, so nobody is signed out, and
    // the account keeps the person it holds.
    Resident own = Resident.signIn(gateway.http(), first.mobile(), "own-phone-1").bind(first);
    assertEquals(first.psnNo(), boundPerson(own));
    assertEquals(second.psnNo(), boundPerson(account), "still signed in, still holding the second person");
  }

  @Test
  void unbindingEndsTheActivationTheCodesAndTheFamilyMembers() {
    Person mother = person(Personas.EMPLOYEE);
    Resident r = Resident.signIn(gateway.http(), mother.mobile(), "unbind-phone-2").bindAndActivate(mother);
    stepUp(r, mother);
    assertEquals(201, r.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", Personas.CHILD))
        .statusCode());
    String own = r.code(null);
    String child = r.code(Personas.CHILD);
    assertTrue(live(r, own) && live(r, child));

    assertEquals(204, r.delete("/api/v1/me/real-name").statusCode());
    assertFalse(live(r, child), "the codes died with the binding");
    assertProblem(Pos.demo(gateway.http()).resolve(own), 410, "CODE_EXPIRED");

    r.bind(mother);
    assertFalse(activated(r), "binding again means activating again, with a fresh face");
    assertEquals(List.of(), proxies(r), "family members are added again");
    assertProblem(r.post("/api/v1/insurance-code"), 403, "CODE_NOT_ACTIVATED");
  }

  @Test
  void aTakeoverEndsWhatTheOldAccountHeldAndOthersFamilyEntriesOfThePerson() {
    Person spouse = person(Personas.SPOUSE);
    Person grandfather = person(Personas.FATHER);
    // The old account of the husband: activated, the child as a family member.
    Resident old = Resident.signIn(gateway.http(), spouse.mobile(), "old-phone-3").bindAndActivate(spouse);
    stepUp(old, spouse);
    assertEquals(201, old.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", Personas.CHILD))
        .statusCode());
    // The grandfather, on his own account, shows the child's code too.
    Resident grandpa = Resident.signIn(gateway.http(), grandfather.mobile(), "grandpa-phone-3")
        .bindAndActivate(grandfather);
    stepUp(grandpa, grandfather);
    assertEquals(201, grandpa.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", Personas.CHILD))
        .statusCode());
    String grandpasChildCode = grandpa.code(Personas.CHILD);

    // The husband moves to a new phone and takes himself over.
    Resident fresh = Resident.signIn(gateway.http(), "13500002003", "new-phone-3").bind(spouse);
    assertProblem(old.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    assertFalse(activated(fresh), "the old account's activation does not come along");
    assertEquals(List.of(), proxies(fresh));

    // The old phone signs in again and takes him back: nothing of before survived there either.
    Resident back = Resident.signIn(gateway.http(), spouse.mobile(), "old-phone-3b").bind(spouse);
    assertFalse(activated(back));
    assertEquals(List.of(), proxies(back));

    // The grandfather's entry of the child did not depend on the husband's binding.
    assertEquals(List.of(Personas.CHILD), proxies(grandpa));
    assertTrue(live(grandpa, grandpasChildCode));

    // Now the grandfather is taken over: his own entries end, and so do entries others hold of him.
    Person mother = person(Personas.EMPLOYEE);
    Resident daughter = Resident.signIn(gateway.http(), "13500002005", "daughter-phone-3").bindAndActivate(mother);
    assertEquals(201, daughter.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", Personas.FATHER)
        .put("faceToken", Resident.faceToken(Personas.FATHER))).statusCode());
    String daughtersOwnCode = daughter.code(null);
    String daughtersFatherCode = daughter.code(Personas.FATHER);

    Resident grandpaNew = Resident.signIn(gateway.http(), "13500002004", "grandpa-new-3").bind(grandfather);
    assertEquals(List.of(), proxies(grandpaNew));
    assertEquals(List.of(), proxies(daughter), "his consent to his daughter's account ended with his binding");
    assertFalse(live(daughter, daughtersFatherCode));
    assertTrue(live(daughter, daughtersOwnCode), "her own code is hers");
    assertProblem(daughter.post("/api/v1/insurance-code", new JsonObject().put("psnNo", Personas.FATHER)), 422,
        "NOT_A_FAMILY_MEMBER");
  }

  @Test
  void aReboundAccountNeverSeesTheStaleCopyOfItsPreviousPerson() {
    Person first = stranger(2);
    Person second = stranger(3);
    Resident r = Resident.signIn(gateway.http(), "13500002006", "stale-phone-6").bind(first);
    assertEquals(first.psnNo(), boundPerson(r)); // good reads: a copy of the first person is kept

    TestSandbox.fault("registry", new JsonObject().put("errorRate", 1.0));
    HttpResponse<String> rebound = r.post("/api/v1/me/real-name", Resident.realName(second));
    assertFalse(rebound.body().contains(first.psnNo()), "the first person's data in the answer: " + rebound.body());
    HttpResponse<String> me = r.get("/api/v1/me");
    assertFalse(me.body().contains(first.psnNo()), "the first person's data, served to the account: " + me.body());
    assertProblem(me, 503, "CORE_UNAVAILABLE");

    // The copy belongs to the person: whoever holds them now may see it.
    Resident own = Resident.signIn(gateway.http(), first.mobile(), "stale-own-6").bind(first);
    JsonObject stale = new JsonObject(own.get("/api/v1/me").body());
    assertTrue(stale.getBoolean("stale"));
    assertEquals(first.psnNo(), stale.getJsonObject("person").getString("psnNo"));
  }
}
