package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.queue.WorkQueue;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Pos;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A recovery pass holds its settlement for longer than the pass can take (three message queries at the settlement
 * timeout, then a 2601), so a second instance cannot start resolving the same settlement meanwhile and come to
 * another conclusion.
 */
class SettlementRecoveryLeaseTest {

  static final int TIMEOUT_MILLIS = 3_500;

  @AfterEach
  void heal() {
    TestSandbox.clearFaults();
  }

  @Test
  void theLeaseOutlastsAPassOfQueriesAndAReversal() {
    Map<String, String> config = Map.of(
        "identity.otp.perPhone.limit", "1000",
        "core.settlement.timeoutMillis", Integer.toString(TIMEOUT_MILLIS),
        "core.settlement.breaker.minimumCalls", "10000",
        "core.settlement.breaker.slidingWindowSize", "10000",
        "pharmacy.demoTerminals", new JsonObject().put("T-LEASE-01", "P11010700104").encode(),
        "pharmacy.recoveryFirstCheckMillis", "100");
    try (TestRedis redis = TestRedis.started(); TestGateway gateway = TestGateway.start(redis, config)) {
      var registry = TestSandbox.shared().world().registry();
      Person p = registry.psnNos().stream().map(registry::person)
          .filter(x -> x.mobile() != null && x.psnNo().compareTo("11000000000000001700") > 0).findFirst().orElseThrow();
      Resident r = Resident.signIn(gateway.http(), p.mobile(), "lease-phone").bindAndActivate(p);
      Pos pos = new Pos(gateway.http(), "T-LEASE-01", Pos.DEMO_SECRET);
      String token = new JsonObject(pos.resolve(r.code(null)).body()).getString("visitToken");

      // The settlement system never answers: not the 2102, not the queries recovery then makes.
      TestSandbox.fault("settlement", new JsonObject().put("hang", true));
      long before = TestSandbox.received("settlement");
      HttpResponse<String> pending = pos.settle(Pos.purchase(token, false, PharmacyFlowTest.JIA, 1, 2180),
          UUID.randomUUID().toString());
      assertEquals(202, pending.statusCode(), pending.body());
      String id = new JsonObject(pending.body()).getString("id");
      Await.until("recovery claims it and asks the core", Duration.ofSeconds(15),
          () -> TestSandbox.received("settlement") >= before + 2);

      String score = redis.command("ZSCORE", WorkQueue.dueKey(PharmacySettlements.RECOVERY_QUEUE), "P11010700104:" + id);
      long held = Long.parseLong(score) - System.currentTimeMillis();
      long pass = 3L * TIMEOUT_MILLIS + TIMEOUT_MILLIS; // a query and its two retries, then a 2601
      assertTrue(held >= pass - 1_000, "the lease (" + held + " ms left) outlasts a pass (" + pass + " ms)");

      TestSandbox.clearFaults();
      Await.until("resolved once the core answers", Duration.ofSeconds(60),
          () -> "REVERSED".equals(new JsonObject(pos.settlement(id).body()).getString("status")));
    }
  }

  @Test
  void aResolverThatLostTheCompareAndSetSendsNoReversal() {
    Map<String, String> config = Map.of(
        "identity.otp.perPhone.limit", "1000",
        "core.settlement.timeoutMillis", "2000",
        "core.settlement.breaker.minimumCalls", "10000",
        "core.settlement.breaker.slidingWindowSize", "10000",
        "pharmacy.demoTerminals", new JsonObject().put("T-LEASE-02", "P11010700104").encode(),
        "pharmacy.recoveryFirstCheckMillis", "1500");
    try (TestRedis redis = TestRedis.started(); TestGateway gateway = TestGateway.start(redis, config)) {
      var registry = TestSandbox.shared().world().registry();
      Person p = registry.psnNos().stream().map(registry::person)
          .filter(x -> x.mobile() != null && x.psnNo().compareTo("11000000000000001750") > 0).findFirst().orElseThrow();
      Resident r = Resident.signIn(gateway.http(), p.mobile(), "lease-phone-2").bindAndActivate(p);
      Pos pos = new Pos(gateway.http(), "T-LEASE-02", Pos.DEMO_SECRET);
      String token = new JsonObject(pos.resolve(r.code(null)).body()).getString("visitToken");
      TestSandbox.fault("settlement", new JsonObject().put("hang", true)); // 2102 never reaches the book
      HttpResponse<String> pending = pos.settle(Pos.purchase(token, false, PharmacyFlowTest.JIA, 1, 2180),
          UUID.randomUUID().toString());
      assertEquals(202, pending.statusCode(), pending.body());
      String id = new JsonObject(pending.body()).getString("id");

      // Recovery asks the core; its question is held while another resolver (played by the test) writes an outcome.
      TestSandbox.fault("settlement", new JsonObject().put("hold", true));
      long before = TestSandbox.received("settlement");
      Await.until("recovery asks the core", Duration.ofSeconds(15), () -> TestSandbox.received("settlement") > before);
      String record = "yb:{pharm:P11010700104}:settlement:" + id;
      redis.command("HSET", record, "status", "SETTLED");
      TestSandbox.clearFaults(); // the core answers: nothing settled under that message

      String member = "P11010700104:" + id;
      Await.until("the pass ends", Duration.ofSeconds(10), () -> "1".equals(redis.command("HGET", WorkQueue.attemptsKey(PharmacySettlements.RECOVERY_QUEUE), member))
          || redis.command("ZSCORE", WorkQueue.dueKey(PharmacySettlements.RECOVERY_QUEUE), member) == null);
      assertEquals(before + 1, TestSandbox.received("settlement"), "the question only: no 2601 after losing the race");
      assertEquals("SETTLED", new JsonObject(pos.settlement(id).body()).getString("status"));
    }
  }
}
