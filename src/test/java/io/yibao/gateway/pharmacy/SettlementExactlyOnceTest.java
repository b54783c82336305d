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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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
  /** Where the phases of the bulk test begin, by each worker's settlement number (0..49). */
  static final int WORKED_LOST_FROM = 20;
  static final int NOT_WORKED_FROM = 25;
  static final int ANSWERED_AGAIN_FROM = 30;
  static final int[] PHASES = {0, WORKED_LOST_FROM, NOT_WORKED_FROM, ANSWERED_AGAIN_FROM};
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

  /** Persons of the generated population (not the personas), a different slice per tag. */
  static List<Person> persons(int count, String tag) {
    var registry = TestSandbox.shared().world().registry();
    return registry.psnNos().stream().map(registry::person)
        .filter(p -> p.mobile() != null && p.psnNo().compareTo("11000000000000000100") > 0).skip(100 + tag.length() * 40L)
        .limit(count).toList();
  }

  /** The person, signed in, bound and activated. */
  static Resident resident(Person p, String tag) {
    return Resident.signIn(gateway.http(), p.mobile(), tag + "-" + p.psnNo().substring(12)).bindAndActivate(p);
  }

  /** The settlement center's own ledger of a person: every settlement it made for them, whatever became of it. */
  static List<JsonObject> coreLedger(Person p) {
    HttpResponse<String> ledger = TestSandbox.http().get("/_sandbox/settlement/settlements?psn_no=" + p.psnNo());
    assertEquals(200, ledger.statusCode(), ledger.body());
    return new JsonObject(ledger.body()).getJsonArray("settlements").stream().map(JsonObject.class::cast).toList();
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void twentyConcurrentRetriesOfOneKeySettleOnce() {
    Person person = persons(1, "idem").get(0);
    Resident r = resident(person, "idem");
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
    assertEquals("SETTLED", core.getString("status"), "the core settled it");
    List<JsonObject> ledger = coreLedger(person);
    assertEquals(1, ledger.size(), "exactly one core settlement for the twenty tries: " + ledger);
    assertEquals(outcome.getString("setl_id"), ledger.get(0).getString("setl_id"), "and it is this one");
    assertEquals("SETTLED", ledger.get(0).getString("status"));
  }

  @Test
  void aThousandSettlementsWithLostAnswersEndSettledOrReversedAndReconcile() throws Exception {
    List<Person> people = persons(20, "bulk");
    List<Resident> residents = people.stream().map(p -> resident(p, "bulk")).toList();
    // What the center settled for them before (the first test's person is one of them): not this test's doing.
    Set<String> settledBefore = new HashSet<>(people.stream().flatMap(p -> coreLedger(p).stream())
        .map(c -> c.getString("setl_id")).toList());
    Pos pos = new Pos(gateway.http(), TERMINAL, Pos.DEMO_SECRET);
    String today = LocalDate.now(ZoneId.of("Asia/Shanghai")).toString();
    // Every worker's settlements 20..24 go out while the core settles but never answers (hang after the work), and
    // 25..29 while it neither settles nor answers (hang): a hundred lost answers of each kind, whatever the timing.
    // The workers meet between phases, and the last one to arrive sets the next fault. Reads (the recovery's
    // questions about lost messages) are answered throughout; only writes (2102, 2601) hang.
    Map<Integer, JsonObject> faultFrom = Map.of(
        WORKED_LOST_FROM, new JsonObject().put("hang", true).put("hangAfterWork", true).put("methods", List.of("POST")),
        NOT_WORKED_FROM, new JsonObject().put("hang", true).put("methods", List.of("POST")),
        ANSWERED_AGAIN_FROM, new JsonObject());
    int[] phase = {0};
    CyclicBarrier between = new CyclicBarrier(residents.size(), () -> {
      JsonObject fault = faultFrom.get(PHASES[++phase[0]]);
      if (fault.isEmpty()) {
        TestSandbox.clearFaults();
      } else {
        TestSandbox.fault("settlement", fault);
      }
    });
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    List<String> workedButLost = Collections.synchronizedList(new ArrayList<>());
    List<String> neverWorked = Collections.synchronizedList(new ArrayList<>());
    ExecutorService workers = Executors.newFixedThreadPool(residents.size());
    List<Future<?>> running = new ArrayList<>();
    for (Resident r : residents) {
      running.add(workers.submit(() -> {
        for (int i = 0; i < 50; i++) {
          if (faultFrom.containsKey(i)) {
            between.await(60, TimeUnit.SECONDS);
          }
          HttpResponse<String> resolved = pos.resolve(r.code(null));
          assertEquals(200, resolved.statusCode(), resolved.body());
          String token = new JsonObject(resolved.body()).getString("visitToken");
          HttpResponse<String> settled = pos.settle(Pos.purchase(token, false, JIA, 1 + i % 3, 2180),
              UUID.randomUUID().toString());
          assertTrue(settled.statusCode() == 201 || settled.statusCode() == 202, settled.body());
          String id = new JsonObject(settled.body()).getString("id");
          ids.add(id);
          if (i >= WORKED_LOST_FROM && i < NOT_WORKED_FROM) {
            workedButLost.add(id);
          } else if (i >= NOT_WORKED_FROM && i < ANSWERED_AGAIN_FROM) {
            neverWorked.add(id);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    workers.shutdown();
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
    assertEquals(100, workedButLost.size());
    assertEquals(100, neverWorked.size());
    for (String id : workedButLost) {
      assertEquals("SETTLED", new JsonObject(pos.settlement(id).body()).getString("status"),
          "the core settled it and only its answer was lost: found and written as settled");
    }
    for (String id : neverWorked) {
      assertEquals("REVERSED", new JsonObject(pos.settlement(id).body()).getString("status"),
          "the core never settled it: reversed, to make sure");
    }
    // The center's own ledger of these twenty persons: what it settled is exactly what the gateway says is settled.
    Set<String> settledAtGateway = new HashSet<>();
    for (String id : ids) {
      JsonObject s = new JsonObject(pos.settlement(id).body());
      if (s.getString("status").equals("SETTLED")) {
        settledAtGateway.add(s.getString("setl_id"));
      }
    }
    List<String> settledAtCore = people.stream().flatMap(p -> coreLedger(p).stream())
        .filter(c -> c.getString("status").equals("SETTLED")).map(c -> c.getString("setl_id"))
        .filter(setlId -> !settledBefore.contains(setlId)).toList();
    assertEquals(settled, settledAtCore.size(), "one core settlement per settled purchase, none more");
    assertEquals(settledAtGateway, new HashSet<>(settledAtCore), "and they are the ones the gateway settled");
    JsonObject rec = new JsonObject(pos.send("GET", "/pos/v1/reconciliation?date=" + today, null, null).body());
    assertTrue(rec.getBoolean("balanced"), rec.encode());
    assertTrue(rec.getJsonObject("gateway").getLong("fixmedins_setl_cnt") >= settled);
    System.out.printf("1000 settlements: %d settled, %d reversed; reconciliation balanced%n", settled, reversed);
  }
}
