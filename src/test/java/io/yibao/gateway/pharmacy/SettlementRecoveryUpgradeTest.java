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

/**
 * A PENDING settlement that the recovery queue before the one work queue held is resolved by the upgraded gateway:
 * the migration at start moves it into the work queue, due when it was; an entry of the older form stays as it was.
 */
class SettlementRecoveryUpgradeTest {

  /** The recovery queue before issue 13 (SettlementRecords.RECOVERY_QUEUE). */
  static final String LEGACY_QUEUE = "yb:{recovery}:settlement:queue";

  @AfterEach
  void heal() {
    TestSandbox.clearFaults();
  }

  @Test
  void aPendingSettlementInTheRecoveryQueueBeforeTheUpgradeIsResolvedAfterIt() {
    Map<String, String> config = Map.of(
        "identity.otp.perPhone.limit", "1000",
        "core.settlement.timeoutMillis", "2000",
        "core.settlement.breaker.minimumCalls", "10000",
        "core.settlement.breaker.slidingWindowSize", "10000",
        "pharmacy.demoTerminals", new JsonObject().put("T-UPGRADE-01", "P11010700104").encode(),
        // Nothing resolves it before the upgrade: its first check is long after the test.
        "pharmacy.recoveryFirstCheckMillis", "600000");
    try (TestRedis redis = TestRedis.started()) {
      String id;
      try (TestGateway before = TestGateway.start(redis, config)) {
        var registry = TestSandbox.shared().world().registry();
        Person p = registry.psnNos().stream().map(registry::person)
            .filter(x -> x.mobile() != null && x.psnNo().compareTo("11000000000000001850") > 0).findFirst()
            .orElseThrow();
        Resident r = Resident.signIn(before.http(), p.mobile(), "upgrade-phone").bindAndActivate(p);
        Pos pos = new Pos(before.http(), "T-UPGRADE-01", Pos.DEMO_SECRET);
        String token = new JsonObject(pos.resolve(r.code(null)).body()).getString("visitToken");
        TestSandbox.fault("settlement", new JsonObject().put("hang", true)); // 2102 never reaches the book
        HttpResponse<String> pending = pos.settle(Pos.purchase(token, false, PharmacyFlowTest.JIA, 1, 2180),
            UUID.randomUUID().toString());
        assertEquals(202, pending.statusCode(), pending.body());
        id = new JsonObject(pending.body()).getString("id");
      }
      // As the gateway before the upgrade left it (SettlementRecords.queueRecovery): due now in the old zset,
      // beside an entry of the older form (no pharmacy), which the old code never resolved either.
      String member = "P11010700104:" + id;
      String due = WorkQueue.dueKey(PharmacySettlements.RECOVERY_QUEUE);
      redis.command("ZREM", due, member);
      redis.command("ZADD", LEGACY_QUEUE, Long.toString(System.currentTimeMillis()), member);
      redis.command("ZADD", LEGACY_QUEUE, Long.toString(System.currentTimeMillis()), "S-OLDFORM");
      TestSandbox.clearFaults();

      try (TestGateway after = TestGateway.start(redis, config)) {
        assertEquals("S-OLDFORM", redis.command("ZRANGE", LEGACY_QUEUE, "0", "-1"), "only the older form is left");
        Pos pos = new Pos(after.http(), "T-UPGRADE-01", Pos.DEMO_SECRET);
        Await.until("resolved by the upgraded gateway's recovery", Duration.ofSeconds(60),
            () -> "REVERSED".equals(new JsonObject(pos.settlement(id).body()).getString("status")));
        Await.until("out of the work queue", Duration.ofSeconds(10),
            () -> redis.command("ZSCORE", due, member) == null);
      }
    }
  }
}
