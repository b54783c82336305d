package io.yibao.gateway.identity;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.auth.AccountProfile;
import io.yibao.gateway.testing.Pos;
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
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bound resident's {@code GET /api/v1/me} is served from a short-lived copy of the person view (in the account's
 * profile, read by the session check): within {@code identity.profileCopySeconds} it calls neither the registry
 * nor the accounts system; whatever the gateway itself changes (a settlement, a contribution, a binding) makes
 * the next one read afresh; the answer says how old it is.
 */
class MeCopyTest {

  static final String TERMINAL = "T-MECOPY-01";
  static TestRedis redis;
  static TestGateway gateway;
  static final Person FATHER = TestSandbox.shared().world().registry().person(Personas.FATHER);

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    // A pharmacy no test reconciles: the shared sandbox counts every test's settlements in its day.
    gateway = TestGateway.start(redis, Map.of("identity.otp.perPhone.limit", "1000",
        "pharmacy.demoTerminals", new JsonObject().put(TERMINAL, "P11010700104").encode()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  @AfterEach
  void heal() {
    TestSandbox.clearFaults();
  }

  private static JsonObject me(Resident r) {
    HttpResponse<String> me = r.get("/api/v1/me");
    assertEquals(200, me.statusCode(), me.body());
    return new JsonObject(me.body());
  }

  private static long coreReads() {
    return TestSandbox.received("registry") + TestSandbox.received("accounts");
  }

  @Test
  void aSecondMeWithinTheLimitCallsNeitherTheRegistryNorTheAccounts() {
    Resident r = Resident.signIn(gateway.http(), FATHER.mobile(), "copy-phone-1").bind(FATHER);
    JsonObject first = me(r);
    long before = coreReads();
    JsonObject second = me(r);
    assertEquals(before, coreReads(), "the second /me was served from the copy");
    assertEquals(first.getJsonObject("person"), second.getJsonObject("person"));
    assertEquals(first.getString("asOf"), second.getString("asOf"), "the copy says when it was read");
    assertEquals(false, second.getBoolean("stale"));
    assertTrue(second.getInteger("ageSeconds") >= 0 && second.getInteger("ageSeconds") <= 60, second.encode());
  }

  @Test
  void aSettlementThroughTheGatewayShowsInTheNextMe() {
    Resident r = Resident.signIn(gateway.http(), FATHER.mobile(), "copy-phone-2").bindAndActivate(FATHER);
    long before = me(r).getJsonObject("person").getLong("personalAccountBalanceFen");
    me(r); // the copy is in place
    Pos pos = new Pos(gateway.http(), TERMINAL, Pos.DEMO_SECRET);
    HttpResponse<String> resolved = pos.resolve(r.code(null));
    assertEquals(200, resolved.statusCode(), resolved.body());
    JsonObject purchase = Pos.purchase(new JsonObject(resolved.body()).getString("visitToken"), true,
        "XA02BCA211A001010101467", 1, 2180);
    HttpResponse<String> settled = pos.settle(purchase, UUID.randomUUID().toString());
    assertEquals(201, settled.statusCode(), settled.body());
    long paidFromAccount = new JsonObject(settled.body()).getLong("acct_pay");
    assertTrue(paidFromAccount > 0, settled.body());
    JsonObject after = me(r);
    assertEquals(before - paidFromAccount, after.getJsonObject("person").getLong("personalAccountBalanceFen"),
        after.encode());
    assertEquals(TestSandbox.shared().world().ledger().balance(Personas.FATHER),
        after.getJsonObject("person").getLong("personalAccountBalanceFen"));
  }

  @Test
  void aCopyOlderThanItsLimitIsFetchedAgain() {
    Resident r = Resident.signIn(gateway.http(), FATHER.mobile(), "copy-phone-3").bind(FATHER);
    JsonObject first = me(r);
    // The copy as it would be 61 s later (the limit is 60 s): nothing else about it changes.
    String profile = AccountProfile.key(first.getString("accountId"));
    JsonObject copy = new JsonObject(redis.command("HGET", profile, "meCopy"));
    redis.command("HSET", profile, "meCopy", copy.put("asOf", copy.getLong("asOf") - 61_000).encode());
    long before = coreReads();
    JsonObject again = me(r);
    assertTrue(coreReads() > before, "a copy past its limit is read from the core again");
    assertNotEquals(first.getString("asOf"), again.getString("asOf"));
    assertEquals(0, again.getInteger("ageSeconds"));
  }

  @Test
  void bindingAgainReadsAfresh() {
    Resident r = Resident.signIn(gateway.http(), FATHER.mobile(), "copy-phone-4").bind(FATHER);
    String firstAsOf = me(r).getString("asOf");
    r.bind(FATHER); // the same person again: a binding change all the same
    long before = coreReads();
    JsonObject me = me(r);
    assertTrue(coreReads() > before, "a new binding is read from the core");
    assertNotEquals(firstAsOf, me.getString("asOf"));
  }
}
