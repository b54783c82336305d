package io.yibao.gateway.contribution;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.accounts.Ledger;
import io.yibao.sandbox.registry.Person;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An employee pays a relative's contribution from the personal account: the exact total, once — or nothing. */
class ContributionAccountTest {

  static TestRedis redis;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of("identity.otp.perPhone.limit", "1000"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  static Resident steppedUp(Person employee, String device) {
    return Resident.signIn(gateway.http(), employee.mobile(), device).bind(employee).stepUp(employee);
  }

  @Test
  void paysTheExactTotalOnce() {
    Person[] pair = ContributionLoadHelper.employeeWithResidentRelative(0);
    Resident r = steppedUp(pair[0], "acct-pay-1");
    Ledger ledger = TestSandbox.shared().world().ledger();
    long before = ledger.balance(pair[0].psnNo());
    String key = UUID.randomUUID().toString();
    HttpResponse<String> paid = ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", key, pair[1].psnNo());
    assertEquals(201, paid.statusCode(), paid.body());
    JsonObject order = new JsonObject(paid.body());
    assertEquals("PAID", order.getString("status"));
    long total = order.getLong("totalFen");
    assertEquals(before - total, ledger.balance(pair[0].psnNo()));
    HttpResponse<String> replay = ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", key, pair[1].psnNo());
    assertEquals(order.getString("id"), new JsonObject(replay.body()).getString("id"));
    assertEquals(before - total, ledger.balance(pair[0].psnNo()), "debited once");
  }

  /** The payer's /me copy (identity.MeCopies) ends with the debit: the next /me shows the new balance. */
  @Test
  void aPaymentFromTheAccountShowsInThePayersNextMe() {
    Person[] pair = ContributionLoadHelper.employeeWithResidentRelative(12);
    Resident r = steppedUp(pair[0], "acct-pay-me");
    long before = new JsonObject(r.get("/api/v1/me").body()).getJsonObject("person").getLong("personalAccountBalanceFen");
    r.get("/api/v1/me"); // served from the copy
    HttpResponse<String> paid = ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", UUID.randomUUID().toString(),
        pair[1].psnNo());
    assertEquals(201, paid.statusCode(), paid.body());
    long total = new JsonObject(paid.body()).getLong("totalFen");
    JsonObject me = new JsonObject(r.get("/api/v1/me").body());
    assertEquals(before - total, me.getJsonObject("person").getLong("personalAccountBalanceFen"), me.encode());
  }

  @Test
  void aShortBalanceFailsCleanly() {
    Person[] pair = ContributionLoadHelper.employeeWithResidentRelative(1);
    Resident r = steppedUp(pair[0], "acct-pay-2");
    Ledger ledger = TestSandbox.shared().world().ledger();
    long balance = ledger.balance(pair[0].psnNo());
    // Leave 100 fen in the account (the sandbox's own ledger, as a purchase elsewhere would).
    assertEquals(true, ledger.debit("drain-" + UUID.randomUUID(), pair[0].psnNo(), balance - 100, "TEST", "drain").ok());
    assertProblem(ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", UUID.randomUUID().toString(), pair[1].psnNo()),
        422, "INSUFFICIENT_BALANCE");
    assertEquals(100, ledger.balance(pair[0].psnNo()), "nothing debited");
    // The relative is free again for another order.
    assertEquals(201, ContributionFlowTest.order(r, "WECHAT_PAY", UUID.randomUUID().toString(), pair[1].psnNo())
        .statusCode());
  }

  @Test
  void anEmployeeWithoutStepUpOrAResidentPayerCannotUseTheAccount() {
    Person payer = ContributionLoadHelper.residentPayers(1, 330).get(0);
    Resident r = Resident.signIn(gateway.http(), payer.mobile(), "acct-pay-3");
    assertEquals(200, r.post("/api/v1/me/real-name",
        new JsonObject().put("name", payer.name()).put("idNumber", payer.idNumber()).put("faceToken", Resident.faceToken(payer.psnNo()))).statusCode());
    assertProblem(ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", UUID.randomUUID().toString(), payer.psnNo()),
        403, "STEP_UP_REQUIRED");
    assertEquals(200, r.post("/api/v1/auth/step-up",
        new JsonObject().put("faceToken", Resident.faceToken(payer.psnNo()))).statusCode());
    assertProblem(ContributionFlowTest.order(r, "PERSONAL_ACCOUNT", UUID.randomUUID().toString(), payer.psnNo()),
        422, "NOT_PAYABLE");
  }
}
