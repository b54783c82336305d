package io.yibao.gateway.contribution;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** With the collection system down while people pay, every paid order is recorded exactly once once it returns. */
class ContributionOutboxTest {

  @AfterEach
  void heal() {
    TestSandbox.clearFaults();
  }

  @Test
  void threeHundredPaidOrdersAreRecordedOnceAfterTheCollectionSystemReturns() throws Exception {
    try (TestRedis redis = TestRedis.started();
         TestGateway gateway = TestGateway.start(redis, Map.of(
             "identity.otp.perPhone.limit", "1000",
             "identity.otp.perClientAddress.limit", "100000",
             "core.collection.breaker.openSeconds", "1"))) {
      // Three hundred residents not yet paid for next year (other tests share the sandbox and pay for some).
      List<Person> payers = ContributionLoadHelper.residentPayers(330, 0).stream()
          .filter(p -> !new JsonObject(TestSandbox.http().get("/collection/persons/" + p.psnNo() + "?year="
              + ContributionFlowTest.YEAR).body()).getBoolean("paid", true))
          .limit(300).toList();
      assertEquals(300, payers.size());
      List<String> prepays = Collections.synchronizedList(new ArrayList<>());
      List<String> orders = Collections.synchronizedList(new ArrayList<>());
      Map<String, Resident> owners = new java.util.concurrent.ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(10);
      List<Future<?>> work = new ArrayList<>();
      for (Person p : payers) {
        work.add(pool.submit(() -> {
          Resident r = Resident.signIn(gateway.http(), p.mobile(), "outbox-" + p.psnNo().substring(10));
          assertEquals(200, r.post("/api/v1/me/real-name",
              new JsonObject().put("name", p.name()).put("idNumber", p.idNumber()).put("faceToken", Resident.faceToken(p.psnNo()))).statusCode());
          HttpResponse<String> created = ContributionFlowTest.order(r, "WECHAT_PAY", UUID.randomUUID().toString(),
              p.psnNo());
          assertEquals(201, created.statusCode(), created.body());
          JsonObject o = new JsonObject(created.body());
          prepays.add(o.getJsonObject("payment").getString("prepayId"));
          orders.add(o.getString("id"));
          owners.put(o.getString("id"), r);
        }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      pool.shutdown();
      assertEquals(300, orders.size());
      // The collection system goes down; then everybody pays.
      TestSandbox.fault("collection", new JsonObject().put("down", true));
      for (String prepay : prepays) {
        assertEquals(200, TestSandbox.http().postJson("/_sandbox/pay/" + prepay + "/confirm", "{}").statusCode());
      }
      // Every order is paid (the channel notified the gateway) but none can be recorded while collection is down.
      Await.until("all paid", Duration.ofSeconds(60), () -> orders.stream().allMatch(id ->
          "PAID".equals(ContributionFlowTest.orderOf(owners.get(id), id).getString("status"))));

      TestSandbox.clearFaults();
      Await.until("every paid order recorded", Duration.ofSeconds(90), () -> orders.stream().allMatch(o ->
          TestSandbox.http().get("/collection/payments/" + o).statusCode() == 200));
      for (String o : orders) {
        JsonObject recorded = new JsonObject(TestSandbox.http().get("/collection/payments/" + o).body());
        assertEquals(1, recorded.getJsonArray("lines").size());
        assertFalse(recorded.getBoolean("duplicate", false));
      }
    }
  }
}
