package io.yibao.gateway.contribution;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.queue.WorkQueue;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A paid order whose follow-up the gateway before the one work queue held (its outbox stream) is recorded by the
 * upgraded gateway: the migration at start moves it into the work queue.
 */
class ContributionUpgradeTest {

  /** The outbox stream before issue 13 (Outbox "collection"). */
  static final String LEGACY_STREAM = "yb:{outbox:collection}:outbox:stream";

  @AfterEach
  void heal() {
    TestSandbox.clearFaults();
  }

  @Test
  void aPaidOrderInTheOutboxBeforeTheUpgradeIsRecordedAfterIt() {
    Map<String, String> config = Map.of("identity.otp.perPhone.limit", "1000");
    try (TestRedis redis = TestRedis.started()) {
      Person p = ContributionLoadHelper.residentPayers(1, 350).get(0);
      String id;
      try (TestGateway before = TestGateway.start(redis, config)) {
        Resident r = Resident.signIn(before.http(), p.mobile(), "upgrade-1");
        assertEquals(200, r.post("/api/v1/me/real-name", Resident.realName(p)).statusCode());
        // The collection system records nothing, so the paid order's follow-up is still queued at the upgrade.
        TestSandbox.fault("collection", new JsonObject().put("down", true).put("methods", new JsonArray().add("POST")));
        var created = ContributionFlowTest.order(r, "WECHAT_PAY", UUID.randomUUID().toString(), p.psnNo());
        assertEquals(201, created.statusCode(), created.body());
        JsonObject order = new JsonObject(created.body());
        id = order.getString("id");
        assertEquals(200, TestSandbox.http().postJson("/_sandbox/pay/" + order.getJsonObject("payment")
            .getString("prepayId") + "/confirm", "{}").statusCode());
        String orderId = id;
        Await.until("paid", Duration.ofSeconds(20),
            () -> "PAID".equals(ContributionFlowTest.orderOf(r, orderId).getString("status")));
      }
      // As the gateway before the upgrade left it: the follow-up in its outbox stream (Outbox.enqueue, read once
      // by its consumer group and not acknowledged), nothing in the work queue.
      redis.command("DEL", WorkQueue.dueKey("collection"), WorkQueue.attemptsKey("collection"));
      redis.command("XGROUP", "CREATE", LEGACY_STREAM, "gateway", "0", "MKSTREAM");
      redis.command("XADD", LEGACY_STREAM, "*", "id", id, "payload", new JsonObject().put("orderId", id).encode());
      redis.command("XREADGROUP", "GROUP", "gateway", "c-old", "COUNT", "10", "STREAMS", LEGACY_STREAM, ">");
      TestSandbox.clearFaults();

      try (TestGateway after = TestGateway.start(redis, config)) {
        assertEquals("0", redis.command("EXISTS", LEGACY_STREAM), "the old outbox is gone once started");
        String orderId = id;
        Await.until("recorded by the upgraded gateway", Duration.ofSeconds(30),
            () -> TestSandbox.http().get("/collection/payments/" + orderId).statusCode() == 200);
        Await.until("the work queue drained", Duration.ofSeconds(10),
            () -> "0".equals(redis.command("ZCARD", WorkQueue.dueKey("collection"))));
      }
    }
  }
}
