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
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No purchase is ever settled twice, and none is settled without the gateway knowing: concurrent retries of one
 * Idempotency-Key, and a thousand settlements while the settlement system loses a share of its answers.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class SettlementExactlyOnceTest {

  static final String JIA = PharmacyFlowTest.JIA;
  /** A pharmacy of the generated population of its own, so that its day reconciles whatever other tests settle. */
  static final String PHARMACY = "P11010200101";
  static final String TERMINAL = "T-BULK-01";
  static TestRedis redis;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of(
        "identity.otp.perPhone.limit", "1000",
        "identity.otp.perClientAddress.limit", "100000",
        "core.settlement.timeoutMillis", "300",
        "core.settlement.breaker.minimumCalls", "10000",
        "core.settlement.breaker.slidingWindowSize", "10000",
        "pharmacy.demoTerminals", new JsonObject().put(TERMINAL, PHARMACY).encode(),
        "pharmacy.recoveryFirstCheckMillis", "100",
        "pharmacy.recoveryMaxBackoffMillis", "500"));
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

  /** Residents from the generated population (not the personas), signed in, bound and activated. */
  static List<Resident> residents(int count, String tag) {
    var registry = TestSandbox.shared().world().registry();
    List<Resident> out = new ArrayList<>();
    for (Person p : registry.psnNos().stream().map(registry::person)
        .filter(p -> p.mobile() != null && p.psnNo().compareTo("11000000000000000100") > 0).skip(100 + tag.length() * 40L)
        .limit(count).toList()) {
      out.add(Resident.signIn(gateway.http(), p.mobile(), tag + "-" + p.psnNo().substring(12)).bindAndActivate(p));
    }
    return out;
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void twentyConcurrentRetriesOfOneKeySettleOnce() {
    Resident r = residents(1, "idem").get(0);
    Pos pos = new Pos(gateway.http(), TERMINAL, Pos.DEMO_SECRET);
    String token = new JsonObject(pos.resolve(r.code(null)).body()).getString("visitToken");
    JsonObject purchase = Pos.purchase(token, false, JIA, 1, 2180);
    String key = UUID.randomUUID().toString();
    // Slow the core so that the first request is still running while the others arrive.
    TestSandbox.fault("settlement", new JsonObject().put("latencyMs", 100));
    List<CompletableFuture<HttpResponse<String>>> tries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tries.add(gateway.http().sendAsync(pos.request("POST", "/pos/v1/settlements", purchase.encode(), key)));
    }
    String settledId = null;
    Integer originalStatus = null;
    for (CompletableFuture<HttpResponse<String>> t : tries) {
      HttpResponse<String> response = t.join();
      if (response.statusCode() == 409) {
        assertProblem(response, 409, "IDEMPOTENCY_IN_FLIGHT");
        continue;
      }
      // The latency fault delays the core's answer; the settlement itself then succeeds (it is not a failure).
      assertEquals(201, response.statusCode(), response.body());
      String id = new JsonObject(response.body()).getString("id");
      assertTrue(settledId == null || settledId.equals(id), "every answer is the original one");
      assertTrue(originalStatus == null || originalStatus == response.statusCode());
      settledId = id;
      originalStatus = response.statusCode();
    }
    assertTrue(settledId != null, "the first request answered");
    TestSandbox.clearFaults();
    HttpResponse<String> later = pos.settle(purchase, key);
    assertEquals(originalStatus, later.statusCode(), "a retry after it finished gets the original answer");
    assertEquals(settledId, new JsonObject(later.body()).getString("id"));
    assertEquals("true", later.headers().firstValue("Idempotent-Replayed").orElse(""));
    assertProblem(pos.settle(Pos.purchase(token, false, JIA, 2, 2180), key), 422, "IDEMPOTENCY_KEY_REUSED");
    String id = settledId;
    JsonObject outcome = new JsonObject(pos.settlement(id).body());
    assertEquals("SETTLED", outcome.getString("status"));
    JsonObject core = new JsonObject(TestSandbox.http().get("/settlement/settlements/"
        + outcome.getString("setl_id")).body());
    assertEquals("SETTLED", core.getString("status"), "exactly one core settlement, and it is this one");
  }

  @Test
  void aThousandSettlementsWithLostAnswersEndSettledOrReversedAndReconcile() throws Exception {
    List<Resident> residents = residents(20, "bulk");
    Pos pos = new Pos(gateway.http(), TERMINAL, Pos.DEMO_SECRET);
    String today = LocalDate.now(ZoneId.of("Asia/Shanghai")).toString();
    // A fifth of settle calls never get an answer: for some the core did the work first, for others not (the fault
    // flips between the two every 100 ms while the settlements run).
    java.util.concurrent.atomic.AtomicBoolean flipping = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread flipper = new Thread(() -> {
      boolean afterWork = true;
      while (flipping.get()) {
        TestSandbox.fault("settlement", new JsonObject().put("hangRate", 0.2).put("hangAfterWork", afterWork));
        afterWork = !afterWork;
        java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
      }
    });
    flipper.start();
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    ExecutorService workers = Executors.newFixedThreadPool(20);
    List<Future<?>> running = new ArrayList<>();
    for (Resident r : residents) {
      running.add(workers.submit(() -> {
        for (int i = 0; i < 50; i++) {
          HttpResponse<String> resolved = pos.resolve(r.code(null));
          assertEquals(200, resolved.statusCode(), resolved.body());
          String token = new JsonObject(resolved.body()).getString("visitToken");
          HttpResponse<String> settled = pos.settle(Pos.purchase(token, false, JIA, 1 + i % 3, 2180),
              UUID.randomUUID().toString());
          assertTrue(settled.statusCode() == 201 || settled.statusCode() == 202, settled.body());
          ids.add(new JsonObject(settled.body()).getString("id"));
        }
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    workers.shutdown();
    flipping.set(false);
    flipper.join();
    TestSandbox.clearFaults();
    assertEquals(1000, ids.size());

    Await.until("every settlement settled or reversed", Duration.ofSeconds(60), () -> ids.stream().allMatch(id -> {
      String status = new JsonObject(pos.settlement(id).body()).getString("status");
      return status.equals("SETTLED") || status.equals("REVERSED");
    }));
    long settled = 0;
    long reversed = 0;
    for (String id : ids) {
      JsonObject s = new JsonObject(pos.settlement(id).body());
      if (s.getString("status").equals("SETTLED")) {
        settled++;
        JsonObject core = new JsonObject(TestSandbox.http().get("/settlement/settlements/" + s.getString("setl_id")).body());
        assertEquals("SETTLED", core.getString("status"), "settled at the core exactly as the gateway says");
      } else {
        reversed++;
      }
    }
    assertTrue(reversed > 0, "some answers were lost and reversed");
    JsonObject rec = new JsonObject(pos.send("GET", "/pos/v1/reconciliation?date=" + today, null, null).body());
    assertTrue(rec.getBoolean("balanced"), rec.encode());
    assertTrue(rec.getJsonObject("gateway").getLong("fixmedins_setl_cnt") >= settled);
    System.out.printf("1000 settlements: %d settled, %d reversed; reconciliation balanced%n", settled, reversed);
  }
}
