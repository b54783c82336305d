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

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A paid order and its follow-up are never separated: a lost queue write is made good by the channel's resent
 * notify, the persons stay held until the order is recorded, and a paid order the collection system refuses is
 * refunded — through the channel, or back to the personal account — where the resident sees it.
 */
class ContributionFollowUpTest {

  static TestRedis redis;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of("identity.otp.perPhone.limit", "1000",
        "core.collection.breaker.openSeconds", "1",
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

  static Resident payer(Person p, String device) {
    Resident r = Resident.signIn(gateway.http(), p.mobile(), device);
    assertEquals(200, r.post("/api/v1/me/real-name",
        Resident.realName(p)).statusCode());
    return r;
  }

  static String status(Resident r, String id) {
    return ContributionFlowTest.orderOf(r, id).getString("status");
  }

  static JsonObject wechatOrder(Resident r, String psnNo) {
    var created = ContributionFlowTest.order(r, "WECHAT_PAY", UUID.randomUUID().toString(), psnNo);
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body());
  }

  static void pay(JsonObject order) {
    assertEquals(200, TestSandbox.http().postJson("/_sandbox/pay/" + order.getJsonObject("payment")
        .getString("prepayId") + "/confirm", "{}").statusCode());
  }

  /** Minutes pass for the contribution holds: a hold that would have run out by then is gone. */
  static void holdsAge(int minutes) {
    String keys = redis.command("KEYS", "yb:*:contrib:hold:*");
    for (String key : keys.split("\n")) {
      if (!key.isBlank() && Long.parseLong(redis.command("PTTL", key)) <= minutes * 60_000L) {
        redis.command("DEL", key);
      }
    }
  }

  /** The person pays at a bank counter meanwhile: the collection system has the year paid by another order. */
  static void paidElsewhere(Person p) {
    JsonObject c = new JsonObject(TestSandbox.http().get("/collection/persons/" + p.psnNo() + "?year="
        + ContributionFlowTest.YEAR).body());
    JsonObject payment = new JsonObject().put("orderId", "counter-" + UUID.randomUUID()).put("year",
        ContributionFlowTest.YEAR).put("channel", "COUNTER").put("lines", new JsonArray().add(new JsonObject()
        .put("psnNo", p.psnNo()).put("amountFen", c.getLong("amountFen"))));
    assertEquals(200, TestSandbox.http().postJson("/collection/payments", payment.encode()).statusCode());
  }

  @Test
  void aResentNotifyQueuesAgainAPaidOrderWhoseQueueingWasLost() {
    Person p = ContributionLoadHelper.residentPayers(1, 340).get(0);
    Resident r = payer(p, "follow-1");
    TestSandbox.fault("collection", new JsonObject().put("down", true).put("methods", new JsonArray().add("POST")));
    JsonObject order = wechatOrder(r, p.psnNo());
    String id = order.getString("id");
    pay(order);
    Await.until("paid", Duration.ofSeconds(20), () -> "PAID".equals(status(r, id)));
    // The state a failed enqueue after the PAID step leaves behind: paid, and nothing queued to record it.
    redis.command("DEL", io.yibao.gateway.queue.WorkQueue.dueKey("collection"));
    // The gateway answered 503 to that notify, so the channel sends it again.
    TestSandbox.http().postJson("/_sandbox/pay/notifies/" + id + "/redeliver", "{}");
    Await.until("the resend was acknowledged", Duration.ofSeconds(20), () -> new JsonObject(TestSandbox.http()
        .get("/_sandbox/pay/notifies?out_trade_no=" + id).body()).getJsonArray("attempts").size() >= 2);
    TestSandbox.clearFaults();
    Await.until("recorded", Duration.ofSeconds(30), () -> "RECORDED".equals(status(r, id)));
    assertEquals(200, TestSandbox.http().get("/collection/payments/" + id).statusCode());
  }

  @Test
  void aPaidOrderHoldsItsPersonsUntilRecorded() {
    Person p = ContributionLoadHelper.residentPayers(1, 341).get(0);
    Resident r = payer(p, "follow-2");
    // The collection system answers questions but records nothing.
    TestSandbox.fault("collection", new JsonObject().put("down", true).put("methods", new JsonArray().add("POST")));
    JsonObject order = wechatOrder(r, p.psnNo());
    String id = order.getString("id");
    pay(order);
    Await.until("paid", Duration.ofSeconds(20), () -> "PAID".equals(status(r, id)));
    holdsAge(24 * 60); // a day in the outage: every unpaid order's hold has run out
    assertProblem(ContributionFlowTest.order(r, "WECHAT_PAY", UUID.randomUUID().toString(), p.psnNo()),
        409, "IN_ANOTHER_ORDER");
    TestSandbox.clearFaults();
    Await.until("recorded", Duration.ofSeconds(30), () -> "RECORDED".equals(status(r, id)));
    assertProblem(ContributionFlowTest.order(r, "WECHAT_PAY", UUID.randomUUID().toString(), p.psnNo()),
        409, "ALREADY_PAID");
  }

  @Test
  void aChannelPaymentTheCollectionSystemRefusesIsRefundedVisibly() {
    Person p = ContributionLoadHelper.residentPayers(1, 342).get(0);
    Resident r = payer(p, "follow-3");
    JsonObject order = wechatOrder(r, p.psnNo());
    String id = order.getString("id");
    paidElsewhere(p);
    pay(order);
    Await.until("refunded", Duration.ofSeconds(30), () -> "REFUNDED".equals(status(r, id)));
    JsonObject seen = ContributionFlowTest.orderOf(r, id);
    assertNotNull(seen.getString("refundReason"), seen.encode());
    assertNotNull(seen.getString("refundedAt"), seen.encode());
    assertEquals("REFUND", new JsonObject(TestSandbox.http().get("/pay/v3/pay/transactions/out-trade-no/" + id
        + "?mchid=1900000001").body()).getString("trade_state"));
  }

  @Test
  void anAccountPaymentTheCollectionSystemRefusesIsCreditedBack() {
    Person[] pair = ContributionLoadHelper.employeeWithResidentRelative(8);
    Resident r = payer(pair[0], "follow-4");
    assertEquals(200, r.post("/api/v1/auth/step-up",
        new JsonObject().put("faceToken", Resident.faceToken(pair[0].psnNo()))).statusCode());
    Ledger ledger = TestSandbox.shared().world().ledger();
    long before = ledger.balance(pair[0].psnNo());
    // The debit's answer is lost; meanwhile the relative pays at a bank counter.
    TestSandbox.fault("accounts", new JsonObject().put("hang", true).put("hangAfterWork", true));
    var created = ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", UUID.randomUUID().toString(), pair[1].psnNo());
    String id = new JsonObject(created.body()).getString("id");
    assertNotNull(id, created.body());
    paidElsewhere(pair[1]);
    TestSandbox.clearFaults();
    Await.until("refunded", Duration.ofSeconds(30), () -> "REFUNDED".equals(status(r, id)));
    assertNotNull(ContributionFlowTest.orderOf(r, id).getString("refundReason"));
    assertEquals(before, ledger.balance(pair[0].psnNo()), "the money is back in the account");
  }

  @Test
  void aCancelOfAnOrderPaidAtTheChannelTakesThePaymentInstead() {
    Person p = ContributionLoadHelper.residentPayers(1, 343).get(0);
    // A gateway whose notifies never arrive (the channel cannot reach it): only the cancel can learn of the payment.
    try (TestGateway unreachable = TestGateway.start(redis, Map.of("identity.otp.perPhone.limit", "1000",
        "paymentChannel.notifyUrl", "http://127.0.0.1:9/callbacks/payments/wechat"))) {
      Resident r = Resident.signIn(unreachable.http(), p.mobile(), "follow-5");
      assertEquals(200, r.post("/api/v1/me/real-name",
          Resident.realName(p)).statusCode());
      JsonObject order = wechatOrder(r, p.psnNo());
      String id = order.getString("id");
      pay(order);
      assertProblem(r.post("/api/v1/contributions/orders/" + id + "/cancel"), 409, "ORDER_NOT_CANCELLABLE");
      Await.until("recorded", Duration.ofSeconds(30), () -> "RECORDED".equals(status(r, id)));
    }
  }
}
