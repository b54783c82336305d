package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Pos;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Intent before action: a settlement is in the recovery queue before 2102 is sent, so a Redis write refused after
 * the core was called (Redis briefly refusing writes) never leaves a settlement the core made unresolved, and the
 * terminal's retry with the same Idempotency-Key finds it instead of being told to scan a new code.
 */
class SettlementIntentTest {

  /** A generated pharmacy no other test settles at. */
  static final String PHARMACY = "P11010700104";
  static final String TERMINAL = "T-INTENT-01";
  static TestRedis redis;
  static TestGateway gateway;
  static Pos pos;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of(
        "identity.otp.perPhone.limit", "1000",
        "core.settlement.timeoutMillis", "2000",
        "core.settlement.breaker.minimumCalls", "10000",
        "core.settlement.breaker.slidingWindowSize", "10000",
        "pharmacy.demoTerminals", new JsonObject().put(TERMINAL, PHARMACY).encode(),
        "pharmacy.recoveryFirstCheckMillis", "100",
        "pharmacy.recoveryMaxBackoffMillis", "500",
        "idempotency.inFlightSeconds", "1"));
    pos = new Pos(gateway.http(), TERMINAL, Pos.DEMO_SECRET);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  @AfterEach
  void heal() {
    redis.acceptWrites();
    TestSandbox.clearFaults();
  }

  static Resident resident(int skip) {
    var registry = TestSandbox.shared().world().registry();
    Person p = registry.psnNos().stream().map(registry::person)
        .filter(x -> x.mobile() != null && x.psnNo().compareTo("11000000000000001500") > 0).skip(skip)
        .findFirst().orElseThrow();
    return Resident.signIn(gateway.http(), p.mobile(), "intent-" + skip).bindAndActivate(p);
  }

  static JsonObject purchase(Resident r) {
    HttpResponse<String> resolved = pos.resolve(r.code(null));
    assertEquals(200, resolved.statusCode(), resolved.body());
    return Pos.purchase(new JsonObject(resolved.body()).getString("visitToken"), false, PharmacyFlowTest.JIA, 1, 2180);
  }

  static void awaitStatus(String id, String status) {
    Await.until(id + " " + status, Duration.ofSeconds(20),
        () -> status.equals(new JsonObject(pos.settlement(id).body()).getString("status")));
  }

  /** The retry of the same request with the same key, once the lost first answer's claim has expired. */
  static HttpResponse<String> retryOnceFree(JsonObject purchase, String key) {
    HttpResponse<String>[] last = new HttpResponse[1];
    Await.until("the first attempt's claim expires", Duration.ofSeconds(10), () -> {
      last[0] = pos.settle(purchase, key);
      return last[0].statusCode() != 409;
    });
    return last[0];
  }

  /** The same settlement, as first answered (202, replayed) or as it stands (201): never "scan a new code". */
  static void assertRetryFinds(String id, HttpResponse<String> retry) {
    assertNotEquals(410, retry.statusCode(), "the retry finds the settlement: " + retry.body());
    assertTrue(retry.statusCode() == 201 || retry.statusCode() == 202, retry.body());
    assertEquals(id, new JsonObject(retry.body()).getString("id"));
  }

  static void assertSettledAtTheCore(String id) {
    JsonObject s = new JsonObject(pos.settlement(id).body());
    JsonObject core = new JsonObject(TestSandbox.http().get("/settlement/settlements/" + s.getString("setl_id")).body());
    assertEquals("SETTLED", core.getString("status"), "the core holds this settlement: " + core.encode());
  }

  @Test
  void aRefusedStatusWriteAfterTheCoreSettledIsResolvedAndTheRetryFindsTheSettlement() {
    Resident r = resident(0);
    JsonObject purchase = purchase(r);
    String key = UUID.randomUUID().toString();
    TestSandbox.fault("settlement", new JsonObject().put("hold", true));
    long before = TestSandbox.received("settlement");
    CompletableFuture<HttpResponse<String>> first = gateway.http().sendAsync(
        pos.request("POST", "/pos/v1/settlements", purchase.encode(), key));
    Await.until("2102 reaches the core", Duration.ofSeconds(5), () -> TestSandbox.received("settlement") > before);
    redis.refuseWrites();
    TestSandbox.clearFaults(); // the core settles and answers; the gateway cannot write SETTLED

    HttpResponse<String> answer = first.join();
    assertEquals(202, answer.statusCode(), answer.body());
    String id = new JsonObject(answer.body()).getString("id");
    assertEquals("PENDING", new JsonObject(answer.body()).getString("status"));

    redis.acceptWrites();
    awaitStatus(id, "SETTLED");
    assertSettledAtTheCore(id);
    assertRetryFinds(id, retryOnceFree(purchase, key));
  }

  @Test
  void aLostAnswerWhileWritesAreRefusedIsStillResolved() {
    Resident r = resident(1);
    JsonObject purchase = purchase(r);
    String key = UUID.randomUUID().toString();
    TestSandbox.fault("settlement", new JsonObject().put("hang", true).put("hangAfterWork", true));
    long before = TestSandbox.received("settlement");
    CompletableFuture<HttpResponse<String>> first = gateway.http().sendAsync(
        pos.request("POST", "/pos/v1/settlements", purchase.encode(), key));
    Await.until("2102 reaches the core", Duration.ofSeconds(5), () -> TestSandbox.received("settlement") > before);
    redis.refuseWrites(); // the core settled; its answer will never come, and Redis refuses writes meanwhile

    HttpResponse<String> answer = first.join();
    assertEquals(202, answer.statusCode(), answer.body());
    String id = new JsonObject(answer.body()).getString("id");

    redis.acceptWrites();
    TestSandbox.clearFaults();
    awaitStatus(id, "SETTLED");
    assertSettledAtTheCore(id);
    assertRetryFinds(id, retryOnceFree(purchase, key));
  }

  @Test
  void aRetryAfterTheFirstClaimExpiredFindsTheFirstSettlementNotA410() {
    Resident r = resident(2);
    JsonObject purchase = purchase(r);
    String key = UUID.randomUUID().toString();
    // The first attempt outlives its Idempotency-Key claim (1 s): 2102 is unanswered until the 2 s timeout.
    TestSandbox.fault("settlement", new JsonObject().put("hang", true));
    long before = TestSandbox.received("settlement");
    CompletableFuture<HttpResponse<String>> first = gateway.http().sendAsync(
        pos.request("POST", "/pos/v1/settlements", purchase.encode(), key));
    Await.until("2102 reaches the core", Duration.ofSeconds(5), () -> TestSandbox.received("settlement") > before);
    HttpResponse<String> retry = retryOnceFree(purchase, key); // runs again while the first still waits
    HttpResponse<String> answer = first.join();
    assertEquals(202, answer.statusCode(), answer.body());
    String id = new JsonObject(answer.body()).getString("id");
    assertRetryFinds(id, retry);
    TestSandbox.clearFaults();
    awaitStatus(id, "REVERSED"); // never settled at the core
    assertRetryFinds(id, pos.settle(purchase, key)); // and what the key keeps for 24 h is that settlement
  }

  static String settled(Resident r) {
    HttpResponse<String> settled = pos.settle(purchase(r), UUID.randomUUID().toString());
    assertEquals(201, settled.statusCode(), settled.body());
    return new JsonObject(settled.body()).getString("id");
  }

  static HttpResponse<String> cancel(String id) {
    return pos.send("POST", "/pos/v1/settlements/" + id + "/cancel", null, null);
  }

  static String coreStatus(String id) {
    String setlId = new JsonObject(pos.settlement(id).body()).getString("setl_id");
    return new JsonObject(TestSandbox.http().get("/settlement/settlements/" + setlId).body()).getString("status");
  }

  @Test
  void aCancelWhoseAnswerIsLostIsCancellingAndCompletedByRecovery() {
    String id = settled(resident(3));
    TestSandbox.fault("settlement", new JsonObject().put("hang", true).put("hangAfterWork", true));
    HttpResponse<String> cancelling = cancel(id); // the core cancels; its answer never comes back
    assertEquals(202, cancelling.statusCode(), cancelling.body());
    assertEquals("CANCELLING", new JsonObject(cancelling.body()).getString("status"));
    assertEquals(202, cancel(id).statusCode(), "asking again while it is found out sends nothing more");
    TestSandbox.clearFaults();
    awaitStatus(id, "CANCELLED");
    assertEquals("CANCELLED", coreStatus(id));
  }

  @Test
  void aCancelThatNeverReachedTheCoreIsSentAgainByRecovery() {
    String id = settled(resident(4));
    TestSandbox.fault("settlement", new JsonObject().put("hang", true)); // 2103 goes unanswered, nothing done
    HttpResponse<String> cancelling = cancel(id);
    assertEquals(202, cancelling.statusCode(), cancelling.body());
    TestSandbox.clearFaults();
    awaitStatus(id, "CANCELLED");
    assertEquals("CANCELLED", coreStatus(id));
  }

  @Test
  void aSettlementThatCouldNotBeRecordedLeavesTheVisitUsable() {
    Resident r = resident(5);
    String account = new JsonObject(r.get("/api/v1/me").body()).getString("accountId");
    JsonObject purchase = purchase(r);
    // The resident's part of the record cannot be written (in a cluster: the account's shard refusing writes while
    // the pharmacy's accepts). Stood in for here by a key of the wrong type, the one write that fails.
    String index = "yb:{acct:" + account + "}:settlements:index";
    redis.command("SET", index, "not-a-sorted-set", "EX", "60");
    HttpResponse<String> failed = pos.settle(purchase, UUID.randomUUID().toString());
    assertTrue(failed.statusCode() >= 500, failed.body());
    redis.command("DEL", index);

    HttpResponse<String> next = pos.settle(purchase, UUID.randomUUID().toString());
    assertEquals(201, next.statusCode(), "the visit is still usable: " + next.body());
    assertSettledAtTheCore(new JsonObject(next.body()).getString("id"));
  }
}
