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

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While the settlement breaker is open nothing reaches the core, so nothing was decided: the terminal is told
 * 503 CORE_UNAVAILABLE with Retry-After (not that the purchase was refused), and the same request with the same
 * Idempotency-Key and the same visit settles once the core is back.
 */
class SettlementWhileCoreUnavailableTest {

  /** A generated pharmacy no other test settles at. */
  static final String PHARMACY = "P11010600103";
  static final String TERMINAL = "T-BREAKER-01";
  static TestRedis redis;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of(
        "identity.otp.perPhone.limit", "1000",
        "core.settlement.timeoutMillis", "300",
        "core.settlement.breaker.minimumCalls", "2",
        "core.settlement.breaker.slidingWindowSize", "2",
        "core.settlement.breaker.openSeconds", "1",
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

  @Test
  void anOpenBreakerAnswers503AndTheRetrySettlesTheSameVisit() {
    Person person = person("11000000000000002000");
    Resident resident = Resident.signIn(gateway.http(), person.mobile(), "breaker-test-device").bindAndActivate(person);
    Pos pos = new Pos(gateway.http(), TERMINAL, Pos.DEMO_SECRET);
    openTheBreaker(resident, pos);

    String token = new JsonObject(pos.resolve(resident.code(null)).body()).getString("visitToken");
    JsonObject purchase = Pos.purchase(token, false, PharmacyFlowTest.JIA, 1, 2180);
    String key = UUID.randomUUID().toString();
    long reachedBefore = TestSandbox.received("settlement");
    HttpResponse<String> refused = pos.settle(purchase, key);
    assertProblem(refused, 503, "CORE_UNAVAILABLE");
    assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "the terminal is told when to retry");
    assertEquals(reachedBefore, TestSandbox.received("settlement"), "an open breaker sends nothing");

    TestSandbox.clearFaults();
    Await.until("the breaker lets a call through again", Duration.ofSeconds(10), () -> {
      HttpResponse<String> retry = pos.settle(purchase, key);
      if (retry.statusCode() == 503) {
        return false;
      }
      assertEquals(201, retry.statusCode(), retry.body());
      assertFalse(retry.headers().firstValue("Idempotent-Replayed").isPresent(), "the 503 was not remembered");
      JsonObject settled = new JsonObject(retry.body());
      assertEquals("SETTLED", settled.getString("status"));
      JsonObject core = new JsonObject(TestSandbox.http().get("/settlement/settlements/"
          + settled.getString("setl_id")).body());
      assertEquals("SETTLED", core.getString("status"), "the core holds exactly this settlement");
      return true;
    });
    HttpResponse<String> replay = pos.settle(purchase, key);
    assertEquals(201, replay.statusCode());
    assertEquals("true", replay.headers().firstValue("Idempotent-Replayed").orElse(""));
  }

  @Test
  void aConfirmationWhileTheBreakerIsOpenLeavesThePurchaseAwaitingTheResident() {
    Person person = person("11000000000000002100");
    Resident resident = Resident.signIn(gateway.http(), person.mobile(), "confirm-test-device").bindAndActivate(person);
    Pos pos = new Pos(gateway.http(), TERMINAL, Pos.DEMO_SECRET);
    String token = new JsonObject(pos.resolve(resident.code(null)).body()).getString("visitToken");
    HttpResponse<String> waiting = pos.settle(Pos.purchase(token, false, PharmacyFlowTest.JIA, 50, 2180),
        UUID.randomUUID().toString());
    assertEquals(202, waiting.statusCode(), waiting.body());
    String id = new JsonObject(waiting.body()).getString("id");
    assertEquals(200, resident.post("/api/v1/auth/step-up",
        new JsonObject().put("faceToken", Resident.faceToken(person.psnNo()))).statusCode());

    openTheBreaker(resident, pos);
    assertProblem(resident.post("/api/v1/payments/" + id + "/confirm"), 503, "CORE_UNAVAILABLE");
    JsonObject stillWaiting = new JsonObject(resident.get("/api/v1/payments/pending").body())
        .getJsonArray("items").getJsonObject(0);
    assertEquals(id, stillWaiting.getString("id"), "nothing was sent: the purchase still awaits the resident");
    assertEquals("AWAITING_CONFIRMATION", new JsonObject(pos.settlement(id).body()).getString("status"));

    TestSandbox.clearFaults();
    Await.until("the confirmation settles once the breaker lets it through", Duration.ofSeconds(10), () -> {
      HttpResponse<String> confirmed = resident.post("/api/v1/payments/" + id + "/confirm");
      if (confirmed.statusCode() == 503) {
        return false;
      }
      assertEquals(200, confirmed.statusCode(), confirmed.body());
      assertEquals("SETTLED", new JsonObject(confirmed.body()).getString("status"));
      return true;
    });
    assertTrue(new JsonObject(resident.get("/api/v1/payments/pending").body()).getJsonArray("items").isEmpty());
  }

  static Person person(String after) {
    var registry = TestSandbox.shared().world().registry();
    return registry.psnNos().stream().map(registry::person)
        .filter(p -> p.mobile() != null && p.psnNo().compareTo(after) > 0).findFirst().orElseThrow();
  }

  /**
   * The settlement system answers 500 to everything: failed calls open the breaker (window of two). Settlements
   * sent meanwhile stay pending for recovery; returns once a settlement is turned away without being sent.
   */
  static void openTheBreaker(Resident resident, Pos pos) {
    TestSandbox.fault("settlement", new JsonObject().put("errorRate", 1.0));
    for (int i = 0; i < 3; i++) {
      String token = new JsonObject(pos.resolve(resident.code(null)).body()).getString("visitToken");
      HttpResponse<String> settle = pos.settle(Pos.purchase(token, false, PharmacyFlowTest.JIA, 1, 2180),
          UUID.randomUUID().toString());
      if (settle.statusCode() == 503) {
        return;
      }
      assertEquals(202, settle.statusCode(), "an unanswered settlement stays pending for recovery: " + settle.body());
    }
    throw new AssertionError("the breaker did not open");
  }
}
