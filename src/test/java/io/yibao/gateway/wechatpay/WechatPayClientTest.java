package io.yibao.gateway.wechatpay;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.testing.TestSandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static io.yibao.gateway.testing.Await.await;
import static io.yibao.gateway.wechatpay.SandboxChannel.confirm;
import static io.yibao.gateway.testing.Await.failure;
import static io.yibao.gateway.wechatpay.SandboxChannel.outTradeNo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The payment client against the sandbox channel: prepay, the person pays, query; refunds, repeated safely; close;
 * the channel's refusals as {@link WechatPayRefused}; a lost answer as {@link CoreCallException}.
 */
class WechatPayClientTest {

  static final String OPENID = "o-demo-openid-0001";
  static final String PATH = "/callbacks/payments/wechat";

  static NotifyCallback callback;
  SandboxChannel channel;
  WechatPayClient pay;

  @BeforeAll
  static void startCallback() throws Exception {
    SandboxChannel keys = new SandboxChannel("http://127.0.0.1:1/unused", Map.of());
    callback = new NotifyCallback(new WechatPayNotifications(keys.config.paymentChannel()));
    keys.close();
  }

  @AfterAll
  static void stopCallback() throws Exception {
    callback.close();
  }

  @BeforeEach
  void start() {
    // notifies of the orders paid here go to a receiver that acknowledges them, so the channel stops sending
    channel = new SandboxChannel(callback.url(PATH), Map.of("YB_CORE_PAYMENT_TIMEOUT_MILLIS", "500"));
    pay = channel.client;
  }

  @AfterEach
  void stop() throws Exception {
    TestSandbox.clearFaults();
    channel.close();
  }

  @Test
  void prepayThePersonPaysAndTheQueryShowsSuccess() throws Exception {
    String no = outTradeNo();
    String prepayId = await(pay.prepay(no, "2027年度城乡居民医保个人缴费", 40_000, OPENID));
    assertTrue(prepayId.startsWith("wx"), prepayId);

    WechatTransaction unpaid = await(pay.query(no));
    assertEquals("NOTPAY", unpaid.tradeState());
    assertFalse(unpaid.paid());
    assertEquals(40_000, unpaid.totalFen());
    assertNull(unpaid.transactionId());
    assertNull(unpaid.successTime());

    JsapiPayParams params = pay.payParams(prepayId);
    assertEquals("wx-demo-app", params.appId());
    assertEquals("prepay_id=" + prepayId, params.packageValue());
    assertEquals("RSA", params.signType());
    assertEquals(JsapiPayParams.SANDBOX_PAY_SIGN, params.paySign(), "no imitation of a merchant signature");
    assertTrue(params.nonceStr().matches("[A-Za-z0-9]{32}"), params.nonceStr());
    assertTrue(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(params.timeStamp())) < 60);
    JsonObject forMiniProgram = params.toJson();
    assertEquals("prepay_id=" + prepayId, forMiniProgram.getString("package"));
    assertEquals(java.util.Set.of("appId", "timeStamp", "nonceStr", "package", "signType", "paySign"),
        forMiniProgram.fieldNames());
    assertNotEquals(params.nonceStr(), pay.payParams(prepayId).nonceStr(), "a fresh nonce each time");

    assertEquals(prepayId, await(pay.prepay(no, "2027年度城乡居民医保个人缴费", 40_000, OPENID)),
        "prepay again before paying finds the same order");

    JsonObject paid = confirm(prepayId);
    WechatTransaction tx = await(pay.query(no));
    assertEquals("SUCCESS", tx.tradeState());
    assertTrue(tx.paid());
    assertEquals(no, tx.outTradeNo());
    assertEquals(paid.getString("transaction_id"), tx.transactionId());
    assertEquals(40_000, tx.totalFen());
    assertEquals(40_000L, tx.payerTotalFen());
    assertNotNull(tx.successTime());

    WechatPayRefused again = failure(WechatPayRefused.class,
        pay.prepay(no, "2027年度城乡居民医保个人缴费", 40_000, OPENID));
    assertTrue(again.orderPaid(), again.getMessage());
    assertEquals(400, again.status());
    assertEquals("prepay", again.operation());
  }

  @Test
  void refundsArePartialAndARepeatedRefundIsTheSameRefund() throws Exception {
    String no = outTradeNo();
    confirm(await(pay.prepay(no, "2027年度城乡居民医保个人缴费", 40_000, OPENID)));

    WechatRefund first = await(pay.refund(no, no + "-r1", 10_000, 40_000, "重复缴费退款"));
    assertTrue(first.succeeded(), first.status());
    assertEquals(no + "-r1", first.outRefundNo());
    assertEquals(no, first.outTradeNo());
    assertEquals(10_000, first.refundFen());
    assertEquals(40_000, first.totalFen());

    WechatRefund repeated = await(pay.refund(no, no + "-r1", 10_000, 40_000, "重复缴费退款"));
    assertEquals(first.refundId(), repeated.refundId(), "the same out_refund_no is the same refund");
    assertEquals("REFUND", await(pay.query(no)).tradeState());

    WechatPayRefused tooMuch = failure(WechatPayRefused.class, pay.refund(no, no + "-r2", 30_001, 40_000, null));
    assertEquals(WechatPayRefused.INVALID_REQUEST, tooMuch.code(), "only 30 000 fen are left to refund");
    WechatRefund rest = await(pay.refund(no, no + "-r2", 30_000, 40_000, null));
    assertNotEquals(first.refundId(), rest.refundId());

    WechatPayRefused reused = failure(WechatPayRefused.class, pay.refund(no, no + "-r1", 5_000, 40_000, null));
    assertEquals(WechatPayRefused.INVALID_REQUEST, reused.code(), "an out_refund_no names one refund only");
  }

  @Test
  void anUnpaidOrderClosesAndCannotBePaidOrPrepaidAgain() throws Exception {
    String no = outTradeNo();
    String prepayId = await(pay.prepay(no, "2027年度城乡居民医保个人缴费", 40_000, OPENID));
    await(pay.close(no));
    await(pay.close(no)); // closing again is fine
    assertEquals("CLOSED", await(pay.query(no)).tradeState());
    assertEquals(409, TestSandbox.http().postJson("/_sandbox/pay/" + prepayId + "/confirm", "{}").statusCode(),
        "the person can no longer pay it");
    WechatPayRefused reopened = failure(WechatPayRefused.class,
        pay.prepay(no, "2027年度城乡居民医保个人缴费", 40_000, OPENID));
    assertTrue(reopened.orderClosed(), reopened.getMessage());
    WechatPayRefused refund = failure(WechatPayRefused.class, pay.refund(no, no + "-r1", 100, 40_000, null));
    assertEquals(WechatPayRefused.INVALID_REQUEST, refund.code(), "nothing was paid");
  }

  @Test
  void aPaidOrderDoesNotClose() throws Exception {
    String no = outTradeNo();
    confirm(await(pay.prepay(no, "2027年度城乡居民医保个人缴费", 40_000, OPENID)));
    WechatPayRefused refused = failure(WechatPayRefused.class, pay.close(no));
    assertTrue(refused.orderPaid(), refused.getMessage());
    assertEquals("SUCCESS", await(pay.query(no)).tradeState());
  }

  @Test
  void anOrderTheChannelNeverSawIsNotFound() {
    WechatPayRefused query = failure(WechatPayRefused.class, pay.query(outTradeNo()));
    assertTrue(query.notFound(), query.getMessage());
    assertEquals(404, query.status());
    WechatPayRefused refund = failure(WechatPayRefused.class, pay.refund(outTradeNo(), "r-1", 1, 1, null));
    assertTrue(refund.notFound(), refund.getMessage());
  }

  @Test
  void aPrepayWhoseAnswerWasLostIsRepeatedSafely() throws Exception {
    String no = outTradeNo();
    // the channel creates the order and the answer never comes back
    TestSandbox.fault("pay", new JsonObject().put("hang", true).put("hangAfterWork", true));
    CoreCallException lost = failure(CoreCallException.class,
        pay.prepay(no, "2027年度城乡居民医保个人缴费", 40_000, OPENID));
    assertTrue(lost.mayHaveHappened(), "a write without an answer may have happened");
    TestSandbox.clearFaults();

    assertEquals("NOTPAY", await(pay.query(no)).tradeState(), "it did happen");
    String prepayId = await(pay.prepay(no, "2027年度城乡居民医保个人缴费", 40_000, OPENID));
    confirm(prepayId);
    assertEquals("SUCCESS", await(pay.query(no)).tradeState());

    TestSandbox.fault("pay", new JsonObject().put("errorRate", 1.0));
    CoreCallException down = failure(CoreCallException.class, pay.refund(no, no + "-r1", 100, 40_000, null));
    assertEquals(CoreCallException.Outcome.UNKNOWN, down.outcome(), "a 5xx is no answer, not a refusal");
  }

  @Test
  void argumentsTheChannelWouldRefuseFailBeforeSending() {
    assertThrows(IllegalArgumentException.class, () -> pay.query("../../v3/refund"), "no path tricks");
    assertThrows(IllegalArgumentException.class, () -> pay.prepay("short", "x", 1, OPENID));
    assertThrows(IllegalArgumentException.class, () -> pay.prepay(outTradeNo(), "x", 0, OPENID));
    assertThrows(IllegalArgumentException.class, () -> pay.prepay(outTradeNo(), "x".repeat(128), 1, OPENID));
    assertThrows(IllegalArgumentException.class, () -> pay.prepay(outTradeNo(), "x", 1, " "));
    assertThrows(IllegalArgumentException.class, () -> pay.refund(outTradeNo(), "r 1", 1, 1, null));
    assertThrows(IllegalArgumentException.class, () -> pay.refund(outTradeNo(), "r-1", 2, 1, null));
  }

  @Test
  void anOutTradeNoWithTheChannelsSpecialCharactersWorksInPaths() throws Exception {
    String no = "YB|" + outTradeNo().substring(0, 20) + "*-_";
    await(pay.prepay(no, "2027年度城乡居民医保个人缴费", 100, OPENID));
    assertEquals(no, await(pay.query(no)).outTradeNo());
    await(pay.close(no));
    assertEquals("CLOSED", await(pay.query(no)).tradeState());
  }

  @Test
  void productionDoesNotHandOutUnsignedPayParameters() throws Exception {
    WechatPayClient production = new WechatPayClient(channel.clients.client(WechatPayClient.SYSTEM),
        channel.config.paymentChannel(), GatewayConfig.Mode.PRODUCTION);
    String prepayId = await(production.prepay(outTradeNo(), "2027年度城乡居民医保个人缴费", 100, OPENID));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> production.payParams(prepayId));
    assertTrue(e.getMessage().contains("merchant private key"), e.getMessage());
  }
}
