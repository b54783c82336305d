package io.yibao.gateway.family;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Family sharing bindings as both sides' apps use them: who may be invited (close relatives by the registry,
 * an employee with a personal account as the sharer), consent (an adult only by their own acceptance and face; a
 * young child at once after the sharer's step-up), declining and withdrawing, a shared purchase at the pharmacy that
 * cancels cleanly, and an ended binding that stops sharing at once on another gateway instance. Each test takes a
 * household of its own from the generated population (bindings live in the shared sandbox).
 */
class FamilyBindingTest {

  static final String JIA = "XA02BCA211A001010101467"; // 甲, fully in scope

  static TestRedis redis;
  static TestGateway gateway;
  static TestGateway second;
  static final Set<String> takenHouseholds = new HashSet<>();

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of("identity.otp.perPhone.limit", "1000"));
    second = TestGateway.start(redis, Map.of("identity.otp.perPhone.limit", "1000"));
  }

  @AfterAll
  static void stop() {
    second.close();
    gateway.close();
    redis.close();
  }

  static LocalDate today() {
    return LocalDate.now(ZoneId.of("Asia/Shanghai"));
  }

  static Registry registry() {
    return TestSandbox.shared().world().registry();
  }

  /** A sharer (employee with an account and a phone) and one relative of theirs with this relation and age. */
  record Pair(Person sharer, Person relative, String relation) {
  }

  static synchronized Pair pair(Household.Relation relation, boolean minor) {
    Registry registry = registry();
    var all = registry.psnNos();
    // From the middle of the population: other classes take from the front (settlement) and the end (filing).
    for (int i = all.size() / 2; i < all.size(); i++) {
      Person p = registry.person(all.get(i));
      if (!p.employee() || p.mobile() == null || takenHouseholds.contains(p.householdId())
          || !TestSandbox.shared().world().ledger().has(p.psnNo())) {
        continue;
      }
      for (var e : registry.relatives(p.psnNo()).entrySet()) {
        Person r = e.getKey();
        boolean young = r.ageOn(today()) < 16;
        if (e.getValue() == relation && young == minor && (minor || r.mobile() != null)
            && "ACTIVE".equals(r.status())) {
          takenHouseholds.add(p.householdId());
          return new Pair(p, r, relation.name());
        }
      }
    }
    throw new IllegalStateException("no such household left in the test population");
  }

  static Resident signedIn(TestGateway g, Person p) {
    return Resident.signIn(g.http(), p.mobile(), "family-" + p.psnNo()).bind(p);
  }

  static HttpResponse<String> invite(Resident r, Person relative, String relation) {
    return invite(r, relative.name(), relative.idNumber(), relation);
  }

  static HttpResponse<String> invite(Resident r, String name, String idNumber, String relation) {
    JsonObject body = new JsonObject().put("name", name).put("idNumber", idNumber).put("relation", relation);
    return gateway.http().send(r.request("/api/v1/family/invitations").header("Content-Type", "application/json")
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  static JsonObject json(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  static long balance(String psnNo) {
    return new JsonObject(TestSandbox.http().get("/accounts/" + psnNo).body()).getLong("balanceFen");
  }

  @Test
  void anAdultIsBoundOnlyAfterAcceptingInTheirOwnAppWithTheirOwnFace() {
    Pair pair = pair(Household.Relation.SPOUSE, false);
    Resident sharer = signedIn(gateway, pair.sharer());
    assertProblem(invite(sharer, pair.relative(), "SPOUSE"), 403, "STEP_UP_REQUIRED");
    sharer.stepUp(pair.sharer());
    JsonObject inv = json(invite(sharer, pair.relative(), "SPOUSE"), 201);
    assertEquals("PENDING", inv.getString("status"));
    assertProblem(invite(sharer, pair.relative(), "SPOUSE"), 409, "ALREADY_BOUND");
    assertEquals(0, json(sharer.get("/api/v1/family"), 200).getJsonArray("members").size(), "not bound yet");
    JsonArray sent = json(sharer.get("/api/v1/family/invitations"), 200).getJsonArray("items");
    assertEquals(inv.getString("id"), sent.getJsonObject(0).getString("id"));

    Resident member = signedIn(gateway, pair.relative());
    JsonArray incoming = json(member.get("/api/v1/family/invitations/incoming"), 200).getJsonArray("items");
    assertEquals(1, incoming.size(), incoming.encode());
    String id = incoming.getJsonObject(0).getString("id");
    String accept = "/api/v1/family/invitations/" + id + "/accept";
    assertProblem(sharer.post(accept, new JsonObject().put("faceToken", Resident.faceToken(pair.relative().psnNo()))),
        404, "NOT_FOUND"); // the sharer cannot accept for them
    assertProblem(member.post(accept, new JsonObject()), 403, "FACE_VERIFICATION_REQUIRED");
    assertProblem(member.post(accept, new JsonObject().put("faceToken", Resident.faceToken(pair.sharer().psnNo()))),
        422, "FACE_TOKEN_INVALID");
    JsonObject bound = json(member.post(accept, new JsonObject().put("faceToken",
        Resident.faceToken(pair.relative().psnNo()))), 200);
    assertEquals("BOUND", bound.getString("status"));

    JsonArray members = json(sharer.get("/api/v1/family"), 200).getJsonArray("members");
    assertEquals(1, members.size());
    JsonObject m = members.getJsonObject(0);
    assertEquals(pair.relative().psnNo(), m.getString("psnNo"));
    assertEquals("SPOUSE", m.getString("relation"));
    assertTrue(m.getString("idNumber").contains("*"), m.encode());
    assertTrue(m.getJsonObject("uses").getBoolean("wallet"));
    assertNotNull(m.getString("since"));
    JsonArray sharers = json(member.get("/api/v1/family"), 200).getJsonArray("sharers");
    assertEquals(pair.sharer().psnNo(), sharers.getJsonObject(0).getString("psnNo"));
    assertEquals(0, json(member.get("/api/v1/family/invitations/incoming"), 200).getJsonArray("items").size());
    assertProblem(member.post("/api/v1/family/invitations/" + id + "/decline"), 409, "INVITATION_NOT_PENDING");
    assertProblem(invite(sharer, pair.relative(), "SPOUSE"), 409, "ALREADY_BOUND");
  }

  @Test
  void anInvitationNotAcceptedInTimeExpires() {
    Pair pair = pair(Household.Relation.SPOUSE, false);
    Resident sharer = signedIn(gateway, pair.sharer()).stepUp(pair.sharer());
    String id = json(invite(sharer, pair.relative(), "SPOUSE"), 201).getString("id");
    // Seven days pass for this invitation: its expiry moved into the past in Redis.
    redis.command("HSET", Invitations.key(id), "expiresAt", Long.toString(System.currentTimeMillis() - 1));
    Resident member = signedIn(gateway, pair.relative());
    assertEquals(0, json(member.get("/api/v1/family/invitations/incoming"), 200).getJsonArray("items").size());
    assertProblem(member.post("/api/v1/family/invitations/" + id + "/accept", new JsonObject().put("faceToken",
        Resident.faceToken(pair.relative().psnNo()))), 410, "INVITATION_EXPIRED");
    assertEquals(0, json(sharer.get("/api/v1/family"), 200).getJsonArray("members").size());
    json(invite(sharer, pair.relative(), "SPOUSE"), 201); // an expired invitation no longer stands in the way
  }

  @Test
  void onlyCloseRelativesTheRegistryKnowsAndOnlyEmployeesWithAnAccountShare() {
    Pair pair = pair(Household.Relation.SPOUSE, false);
    Resident sharer = signedIn(gateway, pair.sharer()).stepUp(pair.sharer());
    assertProblem(invite(sharer, pair.relative(), "PARENT"), 422, "NOT_A_CLOSE_RELATIVE");
    assertProblem(invite(sharer, pair.relative(), "COUSIN"), 400, "VALIDATION_FAILED");
    assertProblem(invite(sharer, "某某某", pair.relative().idNumber(), "SPOUSE"), 422, "REAL_NAME_MISMATCH");
    Pair strangers = pair(Household.Relation.SPOUSE, false);
    assertProblem(invite(sharer, strangers.relative(), "SPOUSE"), 422, "NOT_A_CLOSE_RELATIVE");
    assertProblem(invite(sharer, pair.sharer(), "SPOUSE"), 422, "NOT_A_CLOSE_RELATIVE");

    // A resident (390) has no personal account to share.
    Person resident = pair.relative().employee() ? null : pair.relative();
    if (resident == null) {
      resident = registry().psnNos().stream().map(registry()::person)
          .filter(p -> !p.employee() && p.mobile() != null && p.ageOn(today()) > 20).skip(40).findFirst().orElseThrow();
    }
    Resident r = signedIn(gateway, resident).stepUp(resident);
    assertProblem(invite(r, pair.sharer(), "SPOUSE"), 422, "NOT_A_SHARER");
  }

  @Test
  void theInvitedDeclineAndTheSharerWithdraws() {
    Pair pair = pair(Household.Relation.SPOUSE, false);
    Resident sharer = signedIn(gateway, pair.sharer()).stepUp(pair.sharer());
    String id = json(invite(sharer, pair.relative(), "SPOUSE"), 201).getString("id");
    Resident member = signedIn(gateway, pair.relative());
    assertEquals("DECLINED", json(member.post("/api/v1/family/invitations/" + id + "/decline"), 200)
        .getString("status"));
    assertProblem(member.post("/api/v1/family/invitations/" + id + "/accept", new JsonObject().put("faceToken",
        Resident.faceToken(pair.relative().psnNo()))), 409, "INVITATION_NOT_PENDING");
    String again = json(invite(sharer, pair.relative(), "SPOUSE"), 201).getString("id");
    assertEquals("WITHDRAWN", json(sharer.post("/api/v1/family/invitations/" + again + "/decline"), 200)
        .getString("status"));
    assertEquals(0, json(sharer.get("/api/v1/family"), 200).getJsonArray("members").size());
  }

  @Test
  void aChildIsBoundAtOnceAndTheirPurchaseIsPaidByTheSharerThenGivenBackOnCancel() {
    Pair pair = pair(Household.Relation.CHILD, true);
    Resident sharer = Resident.signIn(gateway.http(), pair.sharer().mobile(), "family-child")
        .bindAndActivate(pair.sharer());
    assertProblem(invite(sharer, pair.relative(), "CHILD"), 403, "STEP_UP_REQUIRED");
    sharer.stepUp(pair.sharer());
    JsonObject bound = json(invite(sharer, pair.relative(), "CHILD"), 201);
    assertEquals("BOUND", bound.getString("status"));

    // The parent shows the child's code (亲情账户) at the counter.
    assertEquals(201, sharer.post("/api/v1/insurance-code/proxies",
        new JsonObject().put("psnNo", pair.relative().psnNo())).statusCode());
    Pos pos = Pos.demo(gateway.http());
    JsonObject scanned = json(pos.resolve(sharer.code(pair.relative().psnNo())), 200);
    assertEquals(Boolean.TRUE, scanned.getBoolean("familySharing"), scanned.encode());
    JsonObject purchase = Pos.purchase(scanned.getString("visitToken"), true, JIA, 10, 2180);
    JsonObject preview = json(pos.preview(purchase), 200);
    long shared = preview.getLong("acct_mulaid_pay");
    assertTrue(shared > 0, preview.encode());
    assertEquals(0, preview.getLong("psn_cash_pay"), "the sharer's account covers the personal part");

    long before = balance(pair.sharer().psnNo());
    JsonObject settled = json(pos.settle(purchase, UUID.randomUUID().toString()), 201);
    assertEquals(shared, settled.getLong("acct_mulaid_pay"), settled.encode());
    assertEquals(before - shared, balance(pair.sharer().psnNo()));
    HttpResponse<String> cancelled = pos.send("POST", "/pos/v1/settlements/" + settled.getString("id") + "/cancel",
        null, null);
    assertTrue(cancelled.statusCode() == 200 || cancelled.statusCode() == 202, cancelled.body());
    io.yibao.gateway.testing.Await.until("the share given back", java.time.Duration.ofSeconds(10),
        () -> balance(pair.sharer().psnNo()) == before);

    JsonArray uses = json(sharer.get("/api/v1/family/history"), 200).getJsonArray("items");
    assertEquals("FAMILY_SHARING_UNDO", uses.getJsonObject(0).getString("kind"), uses.encode());
    assertEquals(shared, uses.getJsonObject(0).getLong("amountFen"));
    assertEquals("FAMILY_SHARING", uses.getJsonObject(1).getString("kind"));
    assertEquals(-shared, uses.getJsonObject(1).getLong("amountFen"));
    assertEquals(pair.relative().psnNo(), uses.getJsonObject(1).getString("psnNo"));
  }

  @Test
  void anEndedBindingStopsSharingAtOnceOnAnotherInstance() {
    Pair pair = pair(Household.Relation.CHILD, true);
    Resident sharer = Resident.signIn(gateway.http(), pair.sharer().mobile(), "family-end")
        .bindAndActivate(pair.sharer()).stepUp(pair.sharer());
    json(invite(sharer, pair.relative(), "CHILD"), 201);
    assertEquals(201, sharer.post("/api/v1/insurance-code/proxies",
        new JsonObject().put("psnNo", pair.relative().psnNo())).statusCode());
    Pos onSecond = Pos.demo(second.http());
    JsonObject sharedBefore = json(onSecond.preview(Pos.purchase(json(onSecond.resolve(
        sharer.code(pair.relative().psnNo())), 200).getString("visitToken"), true, JIA, 2, 2180)), 200);
    assertTrue(sharedBefore.getLong("acct_mulaid_pay") > 0, sharedBefore.encode());

    HttpResponse<String> ended = sharer.delete("/api/v1/family/members/" + pair.relative().psnNo());
    assertEquals(204, ended.statusCode(), ended.body());
    JsonObject scanned = json(onSecond.resolve(sharer.code(pair.relative().psnNo())), 200);
    assertFalse(scanned.getBoolean("familySharing"), scanned.encode());
    JsonObject after = json(onSecond.preview(Pos.purchase(scanned.getString("visitToken"), true, JIA, 2, 2180)), 200);
    assertEquals(0, after.getLong("acct_mulaid_pay"), after.encode());
    assertEquals(0, json(sharer.via(second.http()).get("/api/v1/family"), 200).getJsonArray("members").size());
  }
}
