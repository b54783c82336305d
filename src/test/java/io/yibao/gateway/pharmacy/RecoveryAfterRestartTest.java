package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonObject;
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

/** A settlement left PENDING by a gateway that stopped is resolved by the next one, from the queue in Redis. */
class RecoveryAfterRestartTest {

  @AfterEach
  void heal() {
    TestSandbox.clearFaults();
  }

  @Test
  void aPendingSettlementIsRecoveredAfterARestart() {
    Map<String, String> config = Map.of(
        "identity.otp.perPhone.limit", "1000",
        "core.settlement.timeoutMillis", "300",
        "pharmacy.demoTerminals", new JsonObject().put("T-RESTART-01", "P11010500102").encode(),
        "pharmacy.recoveryFirstCheckMillis", "1500");
    try (TestRedis redis = TestRedis.started()) {
      String id;
      var registry = TestSandbox.shared().world().registry();
      Person p = registry.psnNos().stream().map(registry::person).filter(x -> x.mobile() != null).skip(700)
          .findFirst().orElseThrow();
      try (TestGateway first = TestGateway.start(redis, config)) {
        Resident r = Resident.signIn(first.http(), p.mobile(), "restart-phone").bindAndActivate(p);
        Pos pos = new Pos(first.http(), "T-RESTART-01", Pos.DEMO_SECRET);
        String token = new JsonObject(pos.resolve(r.code(null)).body()).getString("visitToken");
        // The core settles, but the answer never comes back.
        TestSandbox.fault("settlement", new JsonObject().put("hang", true).put("hangAfterWork", true));
        HttpResponse<String> pending = pos.settle(Pos.purchase(token, false, PharmacyFlowTest.JIA, 1, 2180),
            UUID.randomUUID().toString());
        assertEquals(202, pending.statusCode(), pending.body());
        id = new JsonObject(pending.body()).getString("id");
        assertEquals("PENDING", new JsonObject(pending.body()).getString("status"));
      } // the gateway stops before its first recovery check
      TestSandbox.clearFaults();
      try (TestGateway second = TestGateway.start(redis, config)) {
        Pos pos = new Pos(second.http(), "T-RESTART-01", Pos.DEMO_SECRET);
        Await.until("recovered by the new gateway", Duration.ofSeconds(20),
            () -> "SETTLED".equals(new JsonObject(pos.settlement(id).body()).getString("status")));
      }
    }
  }
}
