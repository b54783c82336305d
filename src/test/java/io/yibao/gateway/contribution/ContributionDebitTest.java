package io.yibao.gateway.contribution;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.accounts.Ledger;
import io.yibao.sandbox.registry.Person;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A personal-account debit whose answer is lost: its resolution is queued before the debit is sent, the order is
 * PAYING (not cancellable, never expiring, its persons held) until the ledger says what happened, and the money
 * moves once — paid and recorded when debited, failed and released when not.
 */
class ContributionDebitTest {

  static TestRedis redis;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of("identity.otp.perPhone.limit", "1000",
        "core.accounts.timeoutMillis", "1500"));
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

  static Resident steppedUp(Person employee, String device) {
    return Resident.signIn(gateway.http(), employee.mobile(), device).bind(employee).stepUp(employee);
  }

  static String status(Resident r, String id) {
    return ContributionFlowTest.orderOf(r, id).getString("status");
  }

  @Test
  void aDebitDoneButUnansweredIsFoundByTheLedgerAndPaidOnce() {
    Person[] pair = ContributionLoadHelper.employeeWithResidentRelative(5);
    Resident r = steppedUp(pair[0], "debit-lost-1");
    Ledger ledger = TestSandbox.shared().world().ledger();
    long before = ledger.balance(pair[0].psnNo());
    TestSandbox.fault("accounts", new JsonObject().put("hang", true).put("hangAfterWork", true));

    HttpResponse<String> created = ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", UUID.randomUUID().toString(),
        pair[1].psnNo());
    assertEquals(202, created.statusCode(), created.body());
    JsonObject order = new JsonObject(created.body());
    String id = order.getString("id");
    assertEquals("PAYING", order.getString("status"));
    long total = order.getLong("totalFen");
    assertEquals(before - total, ledger.balance(pair[0].psnNo()), "the ledger did the work");

    // Until the ledger has answered, the order cannot be cancelled or replaced.
    assertProblem(r.post("/api/v1/contributions/orders/" + id + "/cancel"), 409, "ORDER_NOT_CANCELLABLE");
    assertProblem(ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", UUID.randomUUID().toString(), pair[1].psnNo()),
        409, "IN_ANOTHER_ORDER");
    assertEquals("PAYING", status(r, id));

    TestSandbox.clearFaults();
    Await.until("paid and recorded", Duration.ofSeconds(30), () -> "RECORDED".equals(status(r, id)));
    assertEquals(before - total, ledger.balance(pair[0].psnNo()), "debited once");
    assertEquals(200, TestSandbox.http().get("/collection/payments/" + id).statusCode());
    assertProblem(ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", UUID.randomUUID().toString(), pair[1].psnNo()),
        409, "ALREADY_PAID");
  }

  @Test
  void aDebitThatNeverHappenedFailsTheOrderAndCanNeverHappenLater() {
    Person[] pair = ContributionLoadHelper.employeeWithResidentRelative(6);
    Resident r = steppedUp(pair[0], "debit-lost-2");
    Ledger ledger = TestSandbox.shared().world().ledger();
    long before = ledger.balance(pair[0].psnNo());
    TestSandbox.fault("accounts", new JsonObject().put("hang", true));

    HttpResponse<String> created = ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", UUID.randomUUID().toString(),
        pair[1].psnNo());
    assertEquals(202, created.statusCode(), created.body());
    String id = new JsonObject(created.body()).getString("id");
    assertProblem(r.post("/api/v1/contributions/orders/" + id + "/cancel"), 409, "ORDER_NOT_CANCELLABLE");
    // Nor does it expire while the debit is unresolved (as if its 15 minutes had passed).
    redis.command("HSET", "yb:{order:" + id + "}:contrib:order", "expiresAt", "1");
    assertEquals("PAYING", status(r, id));

    TestSandbox.clearFaults();
    Await.until("failed", Duration.ofSeconds(30), () -> "FAILED".equals(status(r, id)));
    assertNotNull(ContributionFlowTest.orderOf(r, id).getString("error"));
    assertEquals(before, ledger.balance(pair[0].psnNo()), "nothing debited");
    // The debit id is void at the ledger: a copy of the request arriving late moves nothing.
    JsonObject late = new JsonObject().put("id", "contrib-" + id).put("psnNo", pair[0].psnNo())
        .put("amountFen", ContributionFlowTest.orderOf(r, id).getLong("totalFen")).put("kind", "CONTRIBUTION");
    assertEquals(409, TestSandbox.http().postJson("/accounts/debits", late.encode()).statusCode());
    assertEquals(before, ledger.balance(pair[0].psnNo()));
    // The relative is free again.
    assertEquals(201, ContributionFlowTest.order(r, "WECHAT_PAY", UUID.randomUUID().toString(), pair[1].psnNo())
        .statusCode());
  }

  @Test
  void aCancelWhileTheDebitIsInFlightIsRefusedAndTheOrderIsPaid() {
    Person[] pair = ContributionLoadHelper.employeeWithResidentRelative(7);
    Resident r = steppedUp(pair[0], "debit-lost-3");
    Ledger ledger = TestSandbox.shared().world().ledger();
    long before = ledger.balance(pair[0].psnNo());
    TestSandbox.fault("accounts", new JsonObject().put("latencyMs", 1000));

    CompletableFuture<HttpResponse<String>> creating = gateway.http().sendAsync(
        r.request("/api/v1/contributions/orders").header("Content-Type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("year", ContributionFlowTest.YEAR)
                .put("method", "PERSONAL_ACCOUNT").put("psnNos", new JsonArray(List.of(pair[1].psnNo()))).encode()))
            .build());
    String[] id = new String[1];
    Await.until("the debit is in flight", Duration.ofSeconds(10), () -> {
      JsonArray items = new JsonObject(r.get("/api/v1/contributions/orders").body()).getJsonArray("items");
      if (items.isEmpty() || !"PAYING".equals(items.getJsonObject(0).getString("status"))) {
        return false;
      }
      id[0] = items.getJsonObject(0).getString("id");
      return true;
    });
    assertFalse(creating.isDone(), "the debit is still in flight");
    assertProblem(r.post("/api/v1/contributions/orders/" + id[0] + "/cancel"), 409, "ORDER_NOT_CANCELLABLE");

    HttpResponse<String> created = creating.join();
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("PAID", new JsonObject(created.body()).getString("status"));
    long total = new JsonObject(created.body()).getLong("totalFen");
    assertEquals(before - total, ledger.balance(pair[0].psnNo()));
    Await.until("recorded", Duration.ofSeconds(30), () -> "RECORDED".equals(status(r, id[0])));
  }

  @Test
  void aDebitAnsweredWhileRedisRefusesWritesIsStillPaidOnce() {
    Person[] pair = ContributionLoadHelper.employeeWithResidentRelative(9);
    Resident r = steppedUp(pair[0], "debit-lost-4");
    Ledger ledger = TestSandbox.shared().world().ledger();
    long before = ledger.balance(pair[0].psnNo());
    TestSandbox.fault("accounts", new JsonObject().put("latencyMs", 1000));
    CompletableFuture<HttpResponse<String>> creating = gateway.http().sendAsync(
        r.request("/api/v1/contributions/orders").header("Content-Type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("year", ContributionFlowTest.YEAR)
                .put("method", "PERSONAL_ACCOUNT").put("psnNos", new JsonArray(List.of(pair[1].psnNo()))).encode()))
            .build());
    String[] id = new String[1];
    Await.until("the debit is in flight", Duration.ofSeconds(10), () -> {
      JsonArray items = new JsonObject(r.get("/api/v1/contributions/orders").body()).getJsonArray("items");
      if (items.isEmpty() || !"PAYING".equals(items.getJsonObject(0).getString("status"))) {
        return false;
      }
      id[0] = items.getJsonObject(0).getString("id");
      return true;
    });
    // The ledger debits and answers, but the step to PAID cannot be written.
    redis.refuseWrites();
    HttpResponse<String> created;
    try {
      created = creating.join();
    } finally {
      redis.acceptWrites();
    }
    assertEquals(503, created.statusCode(), created.body());
    TestSandbox.clearFaults();
    Await.until("paid and recorded", Duration.ofSeconds(30), () -> "RECORDED".equals(status(r, id[0])));
    assertEquals(before - ContributionFlowTest.orderOf(r, id[0]).getLong("totalFen"),
        ledger.balance(pair[0].psnNo()), "debited once");
  }
}
