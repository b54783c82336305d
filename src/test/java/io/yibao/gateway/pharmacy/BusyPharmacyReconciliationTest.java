package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreClients;
import io.yibao.gateway.pharmacy.SettlementRecords.Status;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Pos;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.yibao.gateway.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A busy pharmacy reconciles: the day's count and sums are counters kept with each settlement's status, so
 * GET /pos/v1/reconciliation reads one hash, not every record of the day (which overflowed the Redis client's wait
 * queue after about 1 100 settlements).
 */
class BusyPharmacyReconciliationTest {

  /** A generated pharmacy no other test settles at. */
  static final String PHARMACY = "P11010800105";
  static final String TERMINAL = "T-BUSY-01";
  static final int SETTLEMENTS = 5_000;

  @Test
  void fiveThousandSettlementsInADayReconcile() {
    try (TestRedis redis = TestRedis.started(); TestGateway gateway = TestGateway.start(redis, Map.of(
        "core.settlement.breaker.minimumCalls", "10000",
        "core.settlement.breaker.slidingWindowSize", "10000",
        "pharmacy.demoTerminals", new JsonObject().put(TERMINAL, PHARMACY).encode()))) {
      seed(gateway, SETTLEMENTS);
      Pos pos = new Pos(gateway.http(), TERMINAL, Pos.DEMO_SECRET);
      String today = LocalDate.now(ZoneId.of("Asia/Shanghai")).toString();
      JsonObject[] rec = new JsonObject[1];
      // On a loaded machine a few calls may go unanswered: recovery resolves those, then the day reconciles.
      Await.until("the day reconciles", Duration.ofSeconds(60), () -> {
        HttpResponse<String> r = pos.send("GET", "/pos/v1/reconciliation?date=" + today, null, null);
        assertEquals(200, r.statusCode(), r.body());
        rec[0] = new JsonObject(r.body());
        return rec[0].getLong("pendingSettlements") == 0 && rec[0].getBoolean("balanced");
      });
      assertTrue(rec[0].getJsonObject("gateway").getLong("fixmedins_setl_cnt") >= SETTLEMENTS * 9 / 10, rec[0].encode());
      assertEquals(rec[0].getJsonObject("core").getLong("medfee_sumamt"),
          rec[0].getJsonObject("gateway").getLong("medfee_sumamt"));
    }
  }

  /**
   * Settles {@code count} purchases at the pharmacy through the gateway's own settle path (visit, queue, open, 2102,
   * outcome), in process and 25 at a time: the terminal's HTTP round trips and code scans would make 5 000 take
   * minutes, and they are not what this test is about.
   */
  static void seed(TestGateway gateway, int count) {
    GatewayConfig config = gateway.gateway().config();
    Vertx vertx = Vertx.vertx();
    try {
      RedisStore redis = RedisStore.create(vertx, new GatewayConfig.Redis(config.redis().url(), 16, 1024, 1000, 5000));
      Visits visits = new Visits(redis, config.pharmacy().visitTokenSeconds());
      // Only the settle path is used: no scans (codes, sessions, registry).
      PharmacySettlements settlements = new PharmacySettlements(
          new NationalInterface(new CoreClients(vertx, gateway.gateway().coreGuards()), redis),
          new SettlementRecords(redis, config.pharmacy()), visits, null, null, null, null, config.pharmacy(),
          config.core().get("settlement"), config.redis().commandTimeoutMillis(),
          PharmacySettlements.recoveryQueue(vertx, redis, config, null));
      var registry = TestSandbox.shared().world().registry();
      List<Person> people = registry.psnNos().stream().map(registry::person)
          .filter(p -> "ACTIVE".equals(p.status()) && p.psnNo().compareTo("11000000000000001800") > 0).limit(50).toList();
      JsonArray items = new JsonArray().add(new JsonObject().put("med_list_codg", PharmacyFlowTest.JIA).put("cnt", 1)
          .put("pric", 2180));
      String today = io.yibao.gateway.time.BusinessTime.today().toString();
      for (int done = 0; done < count; done += 25) {
        List<Future<Settlement>> batch = new ArrayList<>();
        for (int i = done; i < Math.min(count, done + 25); i++) {
          Person p = people.get(i % people.size());
          Visit visit = new Visit(TERMINAL, PHARMACY, p.psnNo(), "busy-" + p.psnNo(), p.insuType(), p.insuAdmdvs(),
              "YB-BUSY", null);
          Settlement r = Settlement.draft(Secrets.randomId(16), visit, new Basket(items, 2180, false),
              System.currentTimeMillis(), today, null, null);
          batch.add(visits.open(visit).compose(token -> settlements.queue(SettlementRecords.Ref.of(r))
              .compose(x -> settlements.records().open(token, TERMINAL, r, System.currentTimeMillis() / 1000))
              .compose(opened -> settlements.send(opened.record(), Status.FAILED))));
        }
        await(Future.join(batch).otherwiseEmpty());
      }
    } finally {
      vertx.close();
    }
  }
}
